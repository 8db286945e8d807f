// Site readers: a forgiving RFC 4180 CSV reader for spreadsheet exports, and OGR for GIS files.
#include "io/site_reader.h"

#include <cpl_conv.h>
#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/errors.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"
#include <boost/geometry/algorithms/point_on_surface.hpp>

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return s.substr(a, b - a);
}

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const unsigned char c = s[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > n) return false;
        for (int k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += len;
    }
    return true;
}

// GB18030 (a superset of GBK and GB2312) to UTF-8; nullopt if the bytes are not GB18030 either.
std::optional<std::string> gb18030_to_utf8(const std::string& in) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out(in.size() * 2 + 8, '\0');
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    const std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1) || src_left != 0) return std::nullopt;
    out.resize(out.size() - dst_left);
    return out;
}

Json typed_value(const std::string& s) {
    // Keep text as text: ids like "007" must survive; numbers stay strings too
    // except where a program would plainly expect a number.
    return s;
}

// ---------------------------------------------------------------- CSV

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

// ---------------------------------------------------------------- OGR

class OgrSiteSource : public SiteSource {
public:
    explicit OgrSiteSource(const SiteReaderOptions& o) : opt_(o) {
        gdal_init();
        CPLErrorReset();
        ds_.reset(GDALOpenEx(o.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        if (!ds_) {
            std::error_code ec;
            if (!fs::exists(o.path, ec) && o.path.rfind("/vsi", 0) != 0) throw InputError(o.path + ": file not found");
            throw InputError(o.path + ": not a readable vector dataset (" + gdal_last_error("unknown format") + ")");
        }
        if (!o.layer.empty()) {
            layer_ = GDALDatasetGetLayerByName(ds_.get(), o.layer.c_str());
            if (!layer_) throw InputError(o.path + ": no layer named '" + o.layer + "'");
        } else {
            if (GDALDatasetGetLayerCount(ds_.get()) < 1) throw InputError(o.path + ": holds no layer");
            layer_ = GDALDatasetGetLayer(ds_.get(), 0);
        }
        layer_name_ = OGR_L_GetName(layer_);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
            fields_.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        auto find = [&](const std::vector<std::string>& names) {
            for (const auto& n : names)
                for (std::size_t i = 0; i < fields_.size(); ++i)
                    if (lower(fields_[i]) == n) return static_cast<int>(i);
            return -1;
        };
        if (!o.id_field.empty()) {
            id_col_ = find({lower(o.id_field)});
            if (id_col_ < 0) {
                std::string s;
                for (const auto& f : fields_) s += (s.empty() ? "" : ", ") + ("'" + f + "'");
                throw InputError(o.path + ": no field named '" + o.id_field + "' for the id (fields found: " + s + ")");
            }
        } else {
            id_col_ = find({"id", "site_id", "station_id"});
        }
        type_col_ = find({"type", "site_type"});

        SrsPtr dst = wgs84_srs();
        SrsPtr src;
        if (!o.crs.empty()) {
            src = srs_from_user(o.crs, o.path + ": --crs");
        } else if (OGRSpatialReferenceH s = OGR_L_GetSpatialRef(layer_)) {
            src.reset(OSRClone(s));
            OSRSetAxisMappingStrategy(src.get(), OAMS_TRADITIONAL_GIS_ORDER);
        }
        if (!src) {
            missing_crs_ = true;
        } else if (!OSRIsSame(src.get(), dst.get())) {
            transform_.reset(OCTNewCoordinateTransformation(src.get(), dst.get()));
            if (!transform_) throw InputError(o.path + ": cannot transform its CRS to WGS 84");
        }
        OGR_L_ResetReading(layer_);
    }

    std::vector<std::string> fields() const override { return fields_; }

    bool next(Site& site) override {
        CPLErrorReset();
        FeaturePtr f(OGR_L_GetNextFeature(layer_));
        if (!f) {
            const char* msg = CPLGetLastErrorMsg();
            if (msg && *msg && CPLGetLastErrorType() >= CE_Failure)
                throw InputError(opt_.path + ": reading stopped after " + std::to_string(index_) + " features: " + msg);
            return false;
        }
        site = Site{};
        site.index = index_++;
        const GIntBig fid = OGR_F_GetFID(f.get());
        site.where =
            opt_.path + ": feature " + std::to_string(fid == OGRNullFID ? static_cast<GIntBig>(site.index) : fid);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
            const std::string name = fields_[i];
            if (!OGR_F_IsFieldSetAndNotNull(f.get(), i)) {
                site.attributes[name] = nullptr;
                continue;
            }
            const OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i));
            if (t == OFTInteger)
                site.attributes[name] = OGR_F_GetFieldAsInteger(f.get(), i);
            else if (t == OFTInteger64)
                site.attributes[name] = static_cast<long long>(OGR_F_GetFieldAsInteger64(f.get(), i));
            else if (t == OFTReal) {
                const double v = OGR_F_GetFieldAsDouble(f.get(), i);
                if (std::isfinite(v))
                    site.attributes[name] = v;
                else
                    site.attributes[name] = nullptr;
            } else {
                std::string s = OGR_F_GetFieldAsString(f.get(), i);
                if (!valid_utf8(s)) {
                    if (auto u = gb18030_to_utf8(s)) s = *u;
                }
                site.attributes[name] = s;
            }
        }
        if (id_col_ >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), id_col_))
            site.id = trim(OGR_F_GetFieldAsString(f.get(), id_col_));
        if (site.id.empty())
            site.id = "feature-" + std::to_string(fid == OGRNullFID ? static_cast<GIntBig>(site.index) : fid);
        if (type_col_ >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), type_col_))
            site.type = lower(trim(OGR_F_GetFieldAsString(f.get(), type_col_)));
        if (site.type.empty()) site.type = opt_.default_type;

        OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
        if (!g) {
            site.error = site.where + ": has no geometry (null)";
            return true;
        }
        if (OGR_G_IsEmpty(g)) {
            site.error = site.where + ": has an empty geometry";
            return true;
        }
        if (missing_crs_) {
            site.error = site.where + ": the layer has no CRS; give it with --crs (e.g. --crs EPSG:4326)";
            return true;
        }
        GeometryPtr geom(OGR_G_Clone(g));
        if (transform_ && OGR_G_Transform(geom.get(), transform_.get()) != OGRERR_NONE) {
            site.error = site.where + ": geometry cannot be transformed to WGS 84";
            return true;
        }
        const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(geom.get()));
        if (t == wkbPoint) {
            const double x = OGR_G_GetX(geom.get(), 0), y = OGR_G_GetY(geom.get(), 0);
            if (!std::isfinite(x) || !std::isfinite(y)) {
                site.error = site.where + ": point coordinates are not finite numbers";
                return true;
            }
            if (y < -90 || y > 90 || x < -180 || x > 180) {
                site.error = site.where + ": point (" + std::to_string(x) + ", " + std::to_string(y) +
                             ") is outside lon [-180, 180] / lat [-90, 90]" +
                             (std::fabs(x) <= 90 && std::fabs(y) <= 180 ? " (axes swapped?)" : " (wrong --crs?)");
                return true;
            }
            site.lonlat = to_wgs84({x, y}, opt_.coords);
            site.has_coordinates = true;
            return true;
        }
        const std::string why = invalidity_reason(geom.get());
        if (!why.empty()) {
            site.error =
                site.where + ": invalid polygon (" + why + "); repair it (e.g. ogr2ogr -makevalid) and run again";
            return true;
        }
        MultiPolygon mp;
        if (append_polygons(geom.get(), mp) == 0) {
            site.error = site.where + ": geometry type '" + OGRGeometryTypeToName(OGR_G_GetGeometryType(g)) +
                         "' is not a point or polygon";
            return true;
        }
        Box env;
        bg::envelope(mp, env);
        if (env.min_corner().y() < -90 || env.max_corner().y() > 90 || env.min_corner().x() < -180 ||
            env.max_corner().x() > 180) {
            site.error = site.where + ": polygon lies outside lon [-180, 180] / lat [-90, 90] (wrong --crs?)";
            return true;
        }
        if (opt_.coords != CoordSystem::Wgs84) {
            for (auto& p : mp) {
                auto conv = [&](Ring& r) {
                    for (auto& pt : r) {
                        const LonLat w = to_wgs84({pt.x(), pt.y()}, opt_.coords);
                        pt = Point(w.lon, w.lat);
                    }
                };
                conv(p.outer());
                for (auto& h : p.inners()) conv(h);
            }
        }
        Point c;
        bg::centroid(mp, c);
        if (!bg::within(c, mp)) bg::point_on_surface(mp, c);
        site.lonlat = {c.x(), c.y()};
        site.footprint_ll = std::move(mp);
        site.has_coordinates = true;
        return true;
    }

private:
    SiteReaderOptions opt_;
    DatasetPtr ds_;
    OGRLayerH layer_ = nullptr;
    std::string layer_name_;
    std::vector<std::string> fields_;
    int id_col_ = -1, type_col_ = -1;
    std::size_t index_ = 0;
    bool missing_crs_ = false;
    TransformPtr transform_;
};

bool looks_like_csv(const std::string& path) {
    const std::string ext = lower(fs::path(path).extension().string());
    return path == "-" || ext == ".csv" || ext == ".tsv" || ext == ".txt";
}

}  // namespace

std::optional<double> parse_coordinate(const std::string& raw, std::string& why, double max_abs, NumberNotes* notes) {
    std::string s = trim(raw);
    if (s.empty()) {
        why = "is empty";
        return std::nullopt;
    }
    // U+2212 MINUS SIGN (e2 88 92) and U+2013 EN DASH as typed by word processors.
    bool unicode_minus = false;
    for (const char* dash : {"\xE2\x88\x92", "\xE2\x80\x93"}) {
        std::size_t p;
        while ((p = s.find(dash)) != std::string::npos) s.replace(p, 3, "-"), unicode_minus = true;
    }
    // A comma decimal separator (European spreadsheets): "116,39". One comma followed by
    // exactly three digits after one to three (not starting with 0) may also be a thousands
    // separator ("500,000"): refused when the thousands reading could be the value.
    bool decimal_comma = false;
    if (s.find('.') == std::string::npos && std::count(s.begin(), s.end(), ',') == 1) {
        const std::size_t c = s.find(',');
        const std::size_t first = (s[0] == '-' || s[0] == '+') ? 1 : 0;
        const std::string head = s.substr(first, c - first), tail = s.substr(c + 1);
        auto all_digits = [](const std::string& t) {
            return !t.empty() && std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        };
        if (all_digits(head) && all_digits(tail) && head.size() <= 3 && head[0] != '0' && tail.size() == 3) {
            const double thousands = std::stod(head + tail);
            if (thousands <= max_abs) {
                why = "'" + trim(raw) + "' is ambiguous: a thousands separator (" + head + tail +
                      ") or a decimal comma (" + head + "." + tail +
                      ")? write the number without the comma, or with a "
                      "decimal point";
                return std::nullopt;
            }
        }
        std::replace(s.begin(), s.end(), ',', '.');
        decimal_comma = true;
    }
    const std::string l = lower(s);
    if (l == "nan" || l == "-nan" || l == "inf" || l == "-inf" || l == "infinity" || l == "-infinity" || l == "null" ||
        l == "na" || l == "n/a" || l == "#n/a") {
        why = "'" + trim(raw) + "' is not a coordinate";
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
        why = "'" + trim(raw) + "' is not a number";
        return std::nullopt;
    }
    if (notes) {
        notes->decimal_comma += decimal_comma;
        notes->unicode_minus += unicode_minus;
    }
    return v;
}

std::unique_ptr<SiteSource> open_sites(const SiteReaderOptions& o) {
    if (o.path.empty()) throw UsageError("--sites is required");
    if (o.csv_stream || looks_like_csv(o.path)) return std::make_unique<CsvSiteSource>(o);
    return std::make_unique<OgrSiteSource>(o);
}

}  // namespace sitescreen
