// Internal to src/io/: what the site readers share (site_reader.cpp, csv_sites.cpp, ogr_sites.cpp).
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "io/site_reader.h"

namespace sitescreen::site_reading {

std::string lower(std::string s);
std::string trim(const std::string& s);
bool valid_utf8(const std::string& s);
// GB18030 (a superset of GBK and GB2312) to UTF-8; nullopt if the bytes are not GB18030 either.
std::optional<std::string> gb18030_to_utf8(const std::string& in);
// A field's value as the record keeps it.
Json typed_value(const std::string& s);

// The readers behind open_sites().
std::unique_ptr<SiteSource> open_csv_sites(const SiteReaderOptions& o);
std::unique_ptr<SiteSource> open_ogr_sites(const SiteReaderOptions& o);

}  // namespace sitescreen::site_reading
