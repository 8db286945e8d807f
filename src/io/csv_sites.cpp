// The CSV site reader: a forgiving RFC 4180 reader for spreadsheet exports (UTF-8 or GB18030;
// comma, semicolon or tab, chosen by the header line), the coordinate columns found by name.
#include <cpl_conv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include "core/errors.h"
#include "io/gdal_handles.h"
#include "io/site_reader_kit.h"

namespace fs = std::filesystem;

namespace sitescreen::site_reading {
namespace {

class CsvSiteSource : public SiteSource {
public:
    explicit CsvSiteSource(const SiteReaderOptions& o) : opt_(o) {
        display_ = o.path == "-" ? std::string("<stdin>") : o.path;
        if (o.csv_stream) {
            in_ = o.csv_stream.get();
        } else if (o.path == "-") {
            in_ = &std::cin;
        } else {
            std::error_code ec;
            if (!fs::exists(o.path, ec)) throw InputError(display_ + ": file not found");
            if (fs::is_directory(o.path, ec)) throw InputError(display_ + ": is a folder, not a CSV file");
            file_.open(o.path, std::ios::binary);
            if (!file_) throw InputError(display_ + ": cannot be read (" + std::strerror(errno) + ")");
            in_ = &file_;
        }
        read_header();
        if (!o.crs.empty()) {
            SrsPtr src = srs_from_user(o.crs, display_ + ": --crs");
            geographic_ = OSRIsGeographic(src.get()) != 0;
            SrsPtr dst = wgs84_srs();
            if (!OSRIsSame(src.get(), dst.get())) {
                transform_.reset(OCTNewCoordinateTransformation(src.get(), dst.get()));
                inverse_.reset(OCTNewCoordinateTransformation(dst.get(), src.get()));
                if (!transform_ || !inverse_)
                    throw InputError(display_ + ": cannot transform from '" + o.crs + "' to WGS 84");
            }
        }
    }

    std::vector<std::string> fields() const override { return header_; }
    std::vector<std::string> notes() const override {
        std::vector<std::string> n;
        if (gbk_fields_ > 0)
            n.push_back(display_ + ": " + std::to_string(gbk_fields_) +
                        " field(s) were not UTF-8 and were decoded as GBK/GB18030");
        if (numbers_.decimal_comma > 0)
            n.push_back(display_ + ": " + std::to_string(numbers_.decimal_comma) +
                        " coordinate(s) were written with a decimal comma and read with a point (116,39 = 116.39)");
        if (numbers_.unicode_minus > 0)
            n.push_back(display_ + ": " + std::to_string(numbers_.unicode_minus) +
                        " coordinate(s) had a Unicode minus sign or dash, read as '-'");
        return n;
    }
    std::vector<std::pair<std::string, std::size_t>> note_counts() const override {
        return {{"decimal_comma", numbers_.decimal_comma},
                {"unicode_minus", numbers_.unicode_minus},
                {"gbk_fields", gbk_fields_}};
    }

    bool next(Site& site) override {
        std::vector<std::string> rec;
        std::size_t line = 0;
        std::string overflow;
        for (;;) {
            if (!read_record(rec, line, overflow)) return false;
            if (!overflow.empty()) break;
            // Blank lines in spreadsheets' exports are not sites.
            if (rec.size() == 1 && trim(rec[0]).empty()) continue;
            break;
        }
        site = Site{};
        site.index = index_++;
        site.where = display_ + ":" + std::to_string(line);
        if (!overflow.empty()) {
            site.id = "line-" + std::to_string(line);
            site.type = opt_.default_type;
            site.error = site.where + ": " + overflow;
            return true;
        }
        fill(site, rec, line);
        return true;
    }

private:
    // The header line is read ahead (to choose the delimiter) and replayed from
    // `pending_`: standard input cannot seek back.
    int raw_get() {
        if (pending_pos_ < pending_.size()) return static_cast<unsigned char>(pending_[pending_pos_++]);
        return in_->get();
    }
    int peek() {
        if (pending_pos_ < pending_.size()) return static_cast<unsigned char>(pending_[pending_pos_]);
        return in_->peek();
    }
    int get() {
        const int c = raw_get();
        if (c == '\n') ++line_;
        return c;
    }

    // Reads one record (fields may be quoted and hold the delimiter, quotes and
    // newlines). Returns false at end of input. A record longer than the limit
    // is skipped to its end and reported through `overflow`.
    bool read_record(std::vector<std::string>& rec, std::size_t& start_line, std::string& overflow) {
        rec.clear();
        overflow.clear();
        start_line = line_;
        int c = get();
        if (c == EOF) return false;
        std::string field;
        bool quoted = false, in_quotes = false;
        std::size_t bytes = 0;
        bool too_long = false;
        for (;; c = get()) {
            if (c == EOF) {
                // A read error is not the end of the sites: stop the run rather than drop the rest.
                if (in_->bad())
                    throw InputError(display_ + ":" + std::to_string(line_) + ": read error (" + std::strerror(errno) +
                                     ")");
                if (in_quotes && !too_long) overflow = "a quoted field is not closed before the end of the file";
                break;
            }
            if (++bytes > opt_.max_record_bytes && !too_long) {
                too_long = true;
                field.clear();
                field.shrink_to_fit();
                rec.clear();
            }
            const char ch = static_cast<char>(c);
            if (in_quotes) {
                if (ch == '"') {
                    if (peek() == '"') {
                        get();
                        if (!too_long) field += '"';
                    } else {
                        in_quotes = false;
                    }
                } else if (!too_long) {
                    field += ch;
                }
                continue;
            }
            if (ch == '"' && (field.empty() || trim(field).empty()) && !quoted) {
                in_quotes = true;
                quoted = true;
                field.clear();
                continue;
            }
            if (ch == delimiter_) {
                if (!too_long) rec.push_back(std::move(field));
                field.clear();
                quoted = false;
                continue;
            }
            if (ch == '\r') {
                if (peek() == '\n') continue;  // CRLF
                break;
            }
            if (ch == '\n') break;
            if (!too_long) field += ch;
        }
        if (too_long) {
            overflow = "record longer than " + std::to_string(opt_.max_record_bytes) +
                       " bytes (skipped; is this really a CSV of sites?)";
            return true;
        }
        rec.push_back(std::move(field));
        return true;
    }

    void read_header() {
        line_ = 1;
        // The first physical line, read ahead: it chooses the delimiter and is
        // then replayed to the record reader (works on standard input too).
        std::string first_line;
        for (int c; (c = in_->get()) != EOF;) {
            first_line += static_cast<char>(c);
            if (c == '\n' || first_line.size() > opt_.max_record_bytes) break;
        }
        if (in_->bad()) throw InputError(display_ + ": cannot be read (" + std::strerror(errno) + ")");
        // A UTF-8 byte-order mark from Excel.
        if (first_line.rfind("\xEF\xBB\xBF", 0) == 0) first_line.erase(0, 3);
        pending_ = first_line;
        pending_pos_ = 0;
        const auto count = [&](char d) { return std::count(first_line.begin(), first_line.end(), d); };
        delimiter_ = ',';
        if (count(';') > count(delimiter_)) delimiter_ = ';';
        if (count('\t') > count(delimiter_)) delimiter_ = '\t';

        std::vector<std::string> rec;
        std::size_t line = 0;
        std::string overflow;
        if (!read_record(rec, line, overflow) || (rec.size() == 1 && trim(rec[0]).empty()))
            throw InputError(display_ + ": the file is empty (expected a header line such as id,lon,lat)");
        if (!overflow.empty()) throw InputError(display_ + ":1: header " + overflow);
        for (auto& h : rec) {
            std::string t = trim(h);
            if (!valid_utf8(t)) {
                if (auto u = gb18030_to_utf8(t)) t = *u, ++gbk_fields_;
            }
            header_.push_back(t);
        }
        lon_col_ =
            find_column(opt_.lon_field, {"lon", "lng", "long", "longitude", "x", "经度", "wgs84_lon"}, "longitude");
        lat_col_ = find_column(opt_.lat_field, {"lat", "latitude", "y", "纬度", "wgs84_lat"}, "latitude");
        if (!opt_.id_field.empty())
            id_col_ = find_column(opt_.id_field, {}, "id");
        else
            id_col_ = find_optional({"id", "site_id", "station_id", "编号"});
        type_col_ = find_optional({"type", "site_type"});
    }

    std::string columns_found() const {
        std::string s;
        for (const auto& h : header_) s += (s.empty() ? "" : ", ") + ("'" + h + "'");
        return s;
    }

    int find_optional(const std::vector<std::string>& names) const {
        for (const auto& n : names)
            for (std::size_t i = 0; i < header_.size(); ++i)
                if (lower(header_[i]) == n) return static_cast<int>(i);
        return -1;
    }

    int find_column(const std::string& given, const std::vector<std::string>& names, const std::string& what) const {
        if (!given.empty()) {
            for (std::size_t i = 0; i < header_.size(); ++i)
                if (header_[i] == given || lower(header_[i]) == lower(given)) return static_cast<int>(i);
            throw InputError(display_ + ":1: no column named '" + given + "' for the " + what +
                             " (columns found: " + columns_found() + ")");
        }
        const int i = find_optional(names);
        if (i >= 0) return i;
        throw InputError(display_ + ":1: no " + what + " column (looked for " +
                         [&] {
                             std::string s;
                             for (const auto& n : names) s += (s.empty() ? "" : "/") + n;
                             return s;
                         }() +
                         "; columns found: " + columns_found() + "); name it with --" +
                         (what == "longitude" ? "lon" : "lat") + "-field");
    }

    void fill(Site& site, std::vector<std::string>& rec, std::size_t line) {
        for (std::size_t i = 0; i < header_.size(); ++i) {
            std::string v = i < rec.size() ? rec[i] : std::string();
            if (!valid_utf8(v)) {
                if (auto u = gb18030_to_utf8(v)) {
                    v = *u;
                    ++gbk_fields_;
                } else {
                    site.error = site.where + ": field '" + header_[i] +
                                 "' is neither UTF-8 nor GBK text; save the file as UTF-8";
                    v = "";
                }
            }
            site.attributes[header_[i].empty() ? "column_" + std::to_string(i + 1) : header_[i]] = typed_value(v);
            if (static_cast<int>(i) == id_col_) site.id = trim(v);
            if (static_cast<int>(i) == type_col_) site.type = lower(trim(v));
        }
        if (site.id.empty()) site.id = "line-" + std::to_string(line);
        if (site.type.empty()) site.type = opt_.default_type;
        if (rec.size() != header_.size() && !site.error)
            site.error = site.where + ": " + std::to_string(rec.size()) + " fields, the header has " +
                         std::to_string(header_.size()) + " (a delimiter inside an unquoted field?)";
        if (site.error) return;
        std::string why;
        const std::string lon_text = static_cast<std::size_t>(lon_col_) < rec.size() ? rec[lon_col_] : "";
        const std::string lat_text = static_cast<std::size_t>(lat_col_) < rec.size() ? rec[lat_col_] : "";
        NumberNotes seen;
        const auto lon = parse_coordinate(lon_text, why, geographic_ ? 180.0 : kUnbounded, &seen);
        if (!lon) {
            site.error = site.where + ": field '" + header_[lon_col_] + "': " + why;
            return;
        }
        const auto lat = parse_coordinate(lat_text, why, geographic_ ? 90.0 : kUnbounded, &seen);
        if (!lat) {
            site.error = site.where + ": field '" + header_[lat_col_] + "': " + why;
            return;
        }
        numbers_.decimal_comma += seen.decimal_comma;
        numbers_.unicode_minus += seen.unicode_minus;
        double x = *lon, y = *lat;
        if (transform_) {
            if (!OCTTransform(transform_.get(), 1, &x, &y, nullptr)) {
                site.error = site.where + ": coordinates (" + lon_text + ", " + lat_text +
                             ") cannot be transformed from " + opt_.crs + " to WGS 84";
                return;
            }
            // Projections wrap or fold far outside their domain (a northing of
            // 100 000 km still "transforms"): the way back must land where we started.
            double bx = x, by = y;
            const double tolerance = 1e-6 * std::max({1.0, std::fabs(*lon), std::fabs(*lat)});
            if (!std::isfinite(x) || !std::isfinite(y) || y < -90 || y > 90 || x < -180 || x > 180 ||
                !OCTTransform(inverse_.get(), 1, &bx, &by, nullptr) || !(std::fabs(bx - *lon) <= tolerance) ||
                !(std::fabs(by - *lat) <= tolerance)) {
                site.error = site.where + ": coordinates (" + trim(lon_text) + ", " + trim(lat_text) +
                             ") are outside the area where " + opt_.crs +
                             " is defined (wrong --crs, or columns swapped?)";
                return;
            }
        } else {
            if (y < -90 || y > 90) {
                site.error = site.where + ": field '" + header_[lat_col_] + "': latitude '" + trim(lat_text) +
                             "' is outside [-90, 90]" +
                             (std::fabs(x) <= 90 ? " (columns swapped?)" : " (projected coordinates? give --crs)");
                return;
            }
            if (x < -180 || x > 180) {
                site.error = site.where + ": field '" + header_[lon_col_] + "': longitude '" + trim(lon_text) +
                             "' is outside [-180, 180] (projected coordinates? give --crs)";
                return;
            }
        }
        site.lonlat = to_wgs84({x, y}, opt_.coords);
        site.has_coordinates = true;
    }

    SiteReaderOptions opt_;
    std::string display_;
    std::ifstream file_;
    std::istream* in_ = nullptr;
    std::string pending_;
    std::size_t pending_pos_ = 0;
    char delimiter_ = ',';
    std::size_t line_ = 1;
    std::size_t index_ = 0;
    std::vector<std::string> header_;
    int lon_col_ = -1, lat_col_ = -1, id_col_ = -1, type_col_ = -1;
    std::size_t gbk_fields_ = 0;
    NumberNotes numbers_;     // conversions in the coordinates of rows that were read
    bool geographic_ = true;  // the coordinates are degrees (no --crs, or a geographic one)
    static constexpr double kUnbounded = std::numeric_limits<double>::infinity();
    TransformPtr transform_, inverse_;
};

}  // namespace

std::unique_ptr<SiteSource> open_csv_sites(const SiteReaderOptions& o) { return std::make_unique<CsvSiteSource>(o); }

}  // namespace sitescreen::site_reading
