// Reading candidate sites: CSV from spreadsheets, or any OGR vector source (docs/input.md).
#pragma once
#include <istream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/site.h"
#include "geo/china_coords.h"

namespace sitescreen {

struct SiteReaderOptions {
    std::string path;       // file, GDAL dataset name, or "-" for CSV on standard input
    std::string layer;      // OGR layer name (multi-layer sources); empty = first
    std::string id_field;   // empty: "id" if present, else generated
    std::string lon_field;  // CSV: empty = detected (lon/lng/longitude/x/经度)
    std::string lat_field;  // CSV: empty = detected (lat/latitude/y/纬度)
    std::string crs;        // input CRS (EPSG code, PROJ string, WKT); empty = from the file (CSV: WGS 84)
    CoordSystem coords = CoordSystem::Wgs84;  // GCJ-02 / BD-09 web-map coordinates to convert
    std::string default_type;                 // --type: used when a site has no `type` attribute
    std::size_t max_record_bytes = 1 << 20;   // CSV records longer than this become error rows
    // CSV read from this stream instead of a file (`sitescreen serve` requests); `path` then
    // only names it in messages and in each site's `source`.
    std::shared_ptr<std::istream> csv_stream;
};

// A stream of sites in input order. A site that cannot be read becomes a Site
// with `error` set (naming the line or feature and the field); next() returns
// false at the end. Problems with the source as a whole throw InputError.
class SiteSource {
public:
    virtual ~SiteSource() = default;
    virtual bool next(Site& out) = 0;
    // Notes for the run log (e.g. "names decoded from GBK").
    virtual std::vector<std::string> notes() const { return {}; }
    // The same as counts, for run.json `input_notes`: conversions the reader made
    // ("decimal_comma", "unicode_minus", "gbk_fields"); docs/input.md.
    virtual std::vector<std::pair<std::string, std::size_t>> note_counts() const { return {}; }
    // Columns / fields of the input, for messages and outputs.
    virtual std::vector<std::string> fields() const = 0;
};

std::unique_ptr<SiteSource> open_sites(const SiteReaderOptions& options);

// What parse_coordinate() converted, to be counted as notes.
struct NumberNotes {
    std::size_t decimal_comma = 0;  // "116,39" read as 116.39
    std::size_t unicode_minus = 0;  // U+2212 or U+2013 read as '-'
};

// Parses a number as typed in spreadsheets: trims blanks, accepts a Unicode
// minus (U+2212) and a comma as the decimal separator. Returns nullopt and sets
// `why` for empty, non-numeric, NaN or infinite text, and for a comma that may
// be a thousands separator: `500,000` is refused when 500000 could be the value
// (its magnitude is at most `max_abs`: 180 or 90 for degrees, unbounded for
// projected metres). Conversions made are counted in `notes` when given.
std::optional<double> parse_coordinate(const std::string& text, std::string& why,
                                       double max_abs = std::numeric_limits<double>::infinity(),
                                       NumberNotes* notes = nullptr);

}  // namespace sitescreen
