// The importers' shared core (import_core.h).
#include "layers/import/import_core.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/checksum.h"
#include "layers/catalog.h"

namespace fs = std::filesystem;

namespace sitescreen::import {

namespace {

bool is_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

std::string base_name(const std::string& p) {
    const auto k = p.find_last_of('/');
    return k == std::string::npos ? p : p.substr(k + 1);
}

void list_into(const std::string& dir, std::vector<std::string>& out, int depth) {
    if (depth > 3) return;  // a zip in a zip in a zip is as deep as publishers go
    char** entries = VSIReadDirRecursive(dir.c_str());
    if (!entries) return;
    std::vector<std::string> names;
    for (char** e = entries; *e; ++e) names.emplace_back(*e);
    CSLDestroy(entries);
    std::sort(names.begin(), names.end());
    for (std::string n : names) {
        while (!n.empty() && n.back() == '/') n.pop_back();
        if (n.empty()) continue;
        // Inside a .gdb folder: the folder is the dataset (listed once, even when
        // the zip has no entry of its own for the folder).
        const auto gdb = lower(n).find(".gdb/");
        if (gdb != std::string::npos) {
            const std::string folder = dir + "/" + n.substr(0, gdb + 4);
            if (std::find(out.begin(), out.end(), folder) == out.end()) out.push_back(folder);
            continue;
        }
        const std::string full = dir + "/" + n;
        if (std::find(out.begin(), out.end(), full) != out.end()) continue;
        out.push_back(full);
        if (ends_with(n, ".zip")) list_into("/vsizip/" + full, out, depth + 1);
    }
}

std::string yaml_quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string gdal_name(const std::string& download) {
    if (is_url(download)) return "/vsicurl/" + download;
    std::error_code ec;
    if (!fs::exists(download, ec)) throw InputError(download + ": no such file or folder");
    const std::string abs = fs::absolute(download).lexically_normal().string();
    if (ends_with(abs, ".zip")) return "/vsizip/" + abs;
    return abs;
}

std::vector<std::string> list_download(const std::string& root) {
    std::vector<std::string> out;
    VSIStatBufL st;
    if (VSIStatL(root.c_str(), &st) == 0 && VSI_ISDIR(st.st_mode))
        list_into(root, out, 0);
    else
        out.push_back(root);
    return out;
}

std::vector<std::string> find_all(const std::vector<std::string>& files, const std::string& pattern) {
    const std::regex re(pattern, std::regex::icase | std::regex::ECMAScript);
    std::vector<std::string> hits;
    for (const auto& f : files)
        if (std::regex_match(base_name(f), re)) hits.push_back(f);
    return hits;
}

std::string find_one(const std::vector<std::string>& files, const std::string& pattern, const std::string& what,
                     const std::string& download) {
    const auto hits = find_all(files, pattern);
    if (hits.empty()) {
        std::string seen;
        for (std::size_t i = 0; i < files.size() && i < 12; ++i) seen += (i ? ", " : "") + base_name(files[i]);
        throw InputError(download + ": no " + what + " in the download (looked for a file named like '" + pattern +
                         "'; found: " + (seen.empty() ? "nothing" : seen) + ")");
    }
    if (hits.size() > 1) {
        std::string list;
        for (const auto& h : hits) list += (list.empty() ? "" : ", ") + h;
        throw InputError(download + ": more than one " + what + " (" + list +
                         "); unpack the one you mean and import it");
    }
    return hits.front();
}

DatasetPtr open_vector(const std::string& name, const std::string& encoding, const std::string& download) {
    CPLStringList options;
    // A shapefile without a .cpg says nothing about its .dbf encoding: the importer's default, or --encoding.
    if (ends_with(name, ".shp") && !encoding.empty()) {
        const std::string cpg = name.substr(0, name.size() - 4) + ".cpg";
        VSIStatBufL st;
        if (VSIStatL(cpg.c_str(), &st) != 0) options.AddNameValue("ENCODING", encoding.c_str());
    }
    DatasetPtr ds(GDALOpenEx(name.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.List(), nullptr));
    if (!ds) throw InputError(download + ": cannot open " + name + " (" + gdal_last_error() + ")");
    return ds;
}

OGRLayerH layer_of(GDALDatasetH ds, const std::string& layer, const std::string& where) {
    const int n = GDALDatasetGetLayerCount(ds);
    if (!layer.empty()) {
        for (int i = 0; i < n; ++i) {
            OGRLayerH l = GDALDatasetGetLayer(ds, i);
            if (lower(OGR_L_GetName(l)) == lower(layer)) return l;
        }
    } else if (n == 1) {
        return GDALDatasetGetLayer(ds, 0);
    }
    std::string names;
    for (int i = 0; i < n; ++i) names += (i ? ", " : "") + std::string(OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    throw InputError(where + ": " + (layer.empty() ? "more than one layer" : "no layer '" + layer + "'") +
                     " (layers: " + (names.empty() ? "none" : names) + ")");
}

int field_index(OGRLayerH layer, const std::string& name, const std::string& where) {
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(layer);
    const int n = OGR_FD_GetFieldCount(d);
    int found = -1, count = 0;
    for (int i = 0; i < n; ++i) {
        const std::string f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i));
        if (f == name) return i;
        if (lower(f) == lower(name)) found = i, ++count;
    }
    if (count > 1) throw InputError(where + ": field '" + name + "' matches more than one field when case is ignored");
    return found;
}

void require_fields(OGRLayerH layer, const std::vector<std::string>& required, const std::string& importer,
                    const std::string& where) {
    std::vector<std::string> missing;
    for (const auto& f : required)
        if (field_index(layer, f, where) < 0) missing.push_back(f);
    if (missing.empty()) return;
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(layer);
    std::string has, miss;
    for (int i = 0; i < OGR_FD_GetFieldCount(d); ++i)
        has += (i ? ", " : "") + std::string(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)));
    for (const auto& m : missing) miss += (miss.empty() ? "'" : ", '") + m + "'";
    throw InputError(fmt::format(
        "{}: missing field{} {} (the {} importer needs {}; the layer has: {})", where, missing.size() > 1 ? "s" : "",
        miss, importer,
        [&] {
            std::string r;
            for (const auto& f : required) r += (r.empty() ? "" : ", ") + f;
            return r;
        }(),
        has.empty() ? "no fields" : has));
}

std::string text_of(OGRFeatureH f, int idx) {
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) return {};
    return OGR_F_GetFieldAsString(f, idx);
}

std::string date_or_text(OGRFeatureH f, int idx) {
    if (idx < 0) return {};
    if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx)) != OFTDate || !OGR_F_IsFieldSetAndNotNull(f, idx))
        return text_of(f, idx);
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
    float ss = 0;
    OGR_F_GetFieldAsDateTimeEx(f, idx, &y, &m, &d, &hh, &mm, &ss, &tz);
    return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

// ---------------------------------------------------------------- Region

Region::Region(const std::string& spec) {
    if (spec.empty()) return;
    double w, s, e, n;
    char extra;
    if (std::sscanf(spec.c_str(), "%lf,%lf,%lf,%lf%c", &w, &s, &e, &n, &extra) == 4) {
        if (!(w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n))
            throw UsageError("--region " + spec + ": a bbox is W,S,E,N in degrees with W < E and S < N");
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (auto [x, y] : {std::pair{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}) OGR_G_AddPoint_2D(ring, x, y);
        geom_.reset(OGR_G_CreateGeometry(wkbPolygon));
        OGR_G_AddGeometryDirectly(geom_.get(), ring);
        label_ = "bbox " + spec;
        return;
    }
    const fs::path admin = fs::path(default_catalog_path()).parent_path() / "admin";
    struct Source {
        std::string file;
        std::vector<std::string> fields;
    };
    const std::vector<Source> sources =
        lower(spec) == "china"
            ? std::vector<Source>{{"china_outline.gpkg", {"name_en"}}}
            : std::vector<Source>{{"world_countries.gpkg", {"name"}}, {"china_provinces.gpkg", {"name", "name_en"}}};
    std::vector<std::string> matched;
    for (const auto& src : sources) {
        const std::string path = (admin / src.file).string();
        DatasetPtr ds(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        if (!ds)
            throw InputError(path + ": cannot open the shipped admin layer for --region (" + gdal_last_error() + ")");
        OGRLayerH l = GDALDatasetGetLayer(ds.get(), 0);
        OGR_L_ResetReading(l);
        while (FeaturePtr f{OGR_L_GetNextFeature(l)}) {
            for (const auto& fld : src.fields) {
                const int idx = OGR_F_GetFieldIndex(f.get(), fld.c_str());
                if (idx < 0 || lower(text_of(f.get(), idx)) != lower(spec)) continue;
                matched.push_back(src.file + ": " + text_of(f.get(), idx));
                if (!geom_) geom_.reset(OGR_G_Clone(OGR_F_GetGeometryRef(f.get())));
                break;
            }
        }
    }
    if (matched.empty())
        throw UsageError("--region '" + spec +
                         "': not china, not a bbox W,S,E,N, and no country (world_countries) or Chinese province "
                         "(china_provinces) has that name");
    if (matched.size() > 1) {
        std::string list;
        for (const auto& m : matched) list += (list.empty() ? "" : "; ") + m;
        throw UsageError("--region '" + spec + "' names more than one area (" + list + "); give a bbox instead");
    }
    label_ = matched.front();
}

GeometryPtr Region::clip(OGRGeometryH g) const {
    if (!geom_) return GeometryPtr(OGR_G_Clone(g));
    OGREnvelope a, b;
    OGR_G_GetEnvelope(g, &a);
    OGR_G_GetEnvelope(geom_.get(), &b);
    if (a.MaxX < b.MinX || a.MinX > b.MaxX || a.MaxY < b.MinY || a.MinY > b.MaxY) return nullptr;
    if (!OGR_G_Intersects(g, geom_.get())) return nullptr;
    GeometryPtr out(OGR_G_Intersection(g, geom_.get()));
    if (!out || OGR_G_IsEmpty(out.get())) return nullptr;
    return out;
}

void Region::envelope(double& w, double& s, double& e, double& n) const {
    if (!geom_) {
        w = -180, s = -90, e = 180, n = 90;
        return;
    }
    OGREnvelope env;
    OGR_G_GetEnvelope(geom_.get(), &env);
    w = env.MinX, s = env.MinY, e = env.MaxX, n = env.MaxY;
}

// ---------------------------------------------------------------- GpkgOut

namespace {

// The polygons (or points) of a geometry, as one multi-geometry; null when none.
GeometryPtr keep_type(OGRGeometryH g, bool polygons) {
    const OGRwkbGeometryType want = polygons ? wkbPolygon : wkbPoint;
    GeometryPtr out(OGR_G_CreateGeometry(polygons ? wkbMultiPolygon : wkbMultiPoint));
    std::function<void(OGRGeometryH)> walk = [&](OGRGeometryH h) {
        const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
        if (t == want) {
            if (!OGR_G_IsEmpty(h)) OGR_G_AddGeometry(out.get(), h);
        } else if (t == wkbMultiPolygon || t == wkbMultiPoint || t == wkbGeometryCollection) {
            for (int i = 0; i < OGR_G_GetGeometryCount(h); ++i) walk(OGR_G_GetGeometryRef(h, i));
        }
    };
    walk(g);
    if (OGR_G_GetGeometryCount(out.get()) == 0) return nullptr;
    return out;
}

}  // namespace

GpkgOut::GpkgOut(const std::string& path, const std::string& layer, OGRwkbGeometryType type, std::vector<Field> fields,
                 const Region& region)
    : path_(path), fields_(std::move(fields)), region_(region), type_(type) {
    gdal_init();
    fs::create_directories(fs::path(path).parent_path());
    temp_ = (fs::path(path).parent_path() / (".import.tmp-" + std::to_string(::getpid()) + ".gpkg")).string();
    ::unlink(temp_.c_str());
    register_temp_path(temp_);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    ds_.reset(GDALCreate(drv, temp_.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds_) throw InputError(path + ": cannot create the GeoPackage (" + gdal_last_error() + ")");
    SrsPtr srs = wgs84_srs();
    const char* opts[] = {"SPATIAL_INDEX=YES", nullptr};
    layer_ = GDALDatasetCreateLayer(ds_.get(), layer.c_str(), srs.get(), type, const_cast<char**>(opts));
    if (!layer_) throw InputError(path + ": cannot create layer " + layer + " (" + gdal_last_error() + ")");
    for (const Field& f : fields_) {
        OGRFieldDefnH d = OGR_Fld_Create(f.name.c_str(), f.type);
        const OGRErr err = OGR_L_CreateField(layer_, d, TRUE);
        OGR_Fld_Destroy(d);
        if (err != OGRERR_NONE) throw InputError(path + ": cannot create field " + f.name);
    }
    GDALDatasetStartTransaction(ds_.get(), FALSE);
}

GpkgOut::~GpkgOut() {
    if (!temp_.empty()) {
        ds_.reset();
        ::unlink(temp_.c_str());
        unregister_temp_path(temp_);
    }
}

bool GpkgOut::add(OGRGeometryH geom, OGRSpatialReferenceH srs, const std::map<std::string, std::string>& values,
                  const std::map<std::string, double>& numbers) {
    if (!geom || OGR_G_IsEmpty(geom)) return false;
    GeometryPtr g(OGR_G_Clone(geom));
    if (srs) {
        auto it = transforms_.find(srs);
        if (it == transforms_.end()) {
            SrsPtr wgs = wgs84_srs();
            OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
            TransformPtr t(OCTNewCoordinateTransformation(srs, wgs.get()));
            if (!t) throw InputError(path_ + ": cannot transform from the download's CRS to EPSG:4326");
            it = transforms_.emplace(srs, std::move(t)).first;
        }
        if (OGR_G_Transform(g.get(), it->second.get()) != OGRERR_NONE) return false;
    }
    const bool polygons = wkbFlatten(type_) == wkbMultiPolygon || wkbFlatten(type_) == wkbPolygon;
    if (polygons && !OGR_G_IsValid(g.get())) {
        GeometryPtr v(OGR_G_MakeValid(g.get()));
        if (!v) return false;
        g = std::move(v);
        ++repaired_;
    }
    GeometryPtr c = region_.clip(g.get());
    if (!c) {
        ++outside_;
        return false;
    }
    GeometryPtr kept = keep_type(c.get(), polygons);
    if (!kept) {
        ++outside_;
        return false;
    }
    FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(layer_)));
    for (const auto& [k, v] : values) {
        const int idx = OGR_F_GetFieldIndex(f.get(), k.c_str());
        if (idx >= 0 && !v.empty()) OGR_F_SetFieldString(f.get(), idx, v.c_str());
    }
    for (const auto& [k, v] : numbers) {
        const int idx = OGR_F_GetFieldIndex(f.get(), k.c_str());
        if (idx >= 0) OGR_F_SetFieldDouble(f.get(), idx, v);
    }
    OGR_F_SetGeometryDirectly(f.get(), kept.release());
    if (OGR_L_CreateFeature(layer_, f.get()) != OGRERR_NONE)
        throw InputError(path_ + ": cannot write a feature (" + gdal_last_error() + ")");
    ++written_;
    return true;
}

void GpkgOut::commit() {
    if (GDALDatasetCommitTransaction(ds_.get()) != OGRERR_NONE)
        throw InputError(path_ + ": cannot commit (" + gdal_last_error() + ")");
    ds_.reset();
    commit_temp(temp_, path_);
    unregister_temp_path(temp_);
    temp_.clear();
}

// ---------------------------------------------------------------- catalog

void add_to_catalog(const std::string& catalog_path, const CatalogEntry& e) {
    std::string text;
    std::error_code ec;
    if (fs::exists(catalog_path, ec)) {
        std::ifstream in(catalog_path, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        const Catalog existing = load_catalog(catalog_path);  // a broken catalog is reported before we touch it
        for (const auto& l : existing.layers)
            if (l.id == e.id)
                throw InputError(catalog_path + ": already has a layer '" + e.id +
                                 "'; choose another id with --id or remove the old entry");
        if (text.find("\nlayers:") == std::string::npos && text.rfind("layers:", 0) != 0)
            throw InputError(catalog_path + ": has no 'layers:' list to add the entry to");
        if (!text.empty() && text.back() != '\n') text += '\n';
    } else {
        text =
            "# sitescreen layer catalog (schema: docs/layers.md), written by `sitescreen layers import`\n"
            "version: 1\ninclude: []\nlayers:\n";
    }
    std::string y;
    y += "\n  - id: " + yaml_quote(e.id) + "\n";
    y += "    title: " + yaml_quote(e.title) + "\n";
    y += "    kind: " + e.kind + "\n";
    // Relative to the catalog when the layer sits beside it (the pair can move together).
    std::string path = e.path;
    if (path.rfind("/vsi", 0) != 0) {
        const fs::path dir = fs::absolute(catalog_path).parent_path();
        const fs::path rel = fs::absolute(path).lexically_normal().lexically_relative(dir.lexically_normal());
        path = !rel.empty() && rel.string().rfind("..", 0) != 0 ? rel.string()
                                                                : fs::absolute(path).lexically_normal().string();
    }
    y += "    path: " + yaml_quote(path) + "\n";
    if (!e.layer.empty()) y += "    layer: " + yaml_quote(e.layer) + "\n";
    if (!e.preset.empty()) y += "    preset: " + e.preset + "\n";
    for (const auto& [k, v] : e.extra) y += "    " + k + ": " + v + "\n";
    if (!e.crs.empty()) y += "    crs: " + yaml_quote(e.crs) + "\n";
    y += "    provenance:\n";
    y += "      source: " + yaml_quote(e.source) + "\n";
    y += "      licence: " + yaml_quote(e.licence) + "\n";
    y += "      date: " + yaml_quote(e.date) + "\n";
    y += "      url: " + yaml_quote(e.url) + "\n";
    y += "      demo: false\n";
    if (!e.sha256.empty()) y += "      source_sha256: " + yaml_quote(e.sha256) + "\n";
    if (!e.note.empty()) y += "      note: " + yaml_quote(e.note) + "\n";
    // An empty `layers: []` flow list cannot take a block entry.
    const std::string empty_list = "layers: []";
    if (const auto k = text.find(empty_list); k != std::string::npos) text.replace(k, empty_list.size(), "layers:");
    text += y;
    if (!fs::path(catalog_path).parent_path().empty()) fs::create_directories(fs::path(catalog_path).parent_path());
    AtomicFile out(catalog_path, true);
    out.stream() << text;
    // Checked by our own loader before it replaces the old file.
    out.stream().flush();
    try {
        (void)load_catalog(out.temp_path());
    } catch (const InputError& err) {
        throw InputError(catalog_path + ": the entry for '" + e.id + "' would not load: " + err.what());
    }
    out.commit();
}

std::string download_sha256(const std::string& download) {
    if (is_url(download)) return {};
    std::error_code ec;
    if (fs::is_directory(download, ec)) {
        std::vector<std::string> files;
        for (const auto& f : fs::recursive_directory_iterator(download))
            if (f.is_regular_file()) files.push_back(f.path().string());
        std::sort(files.begin(), files.end());
        if (files.size() == 1) return sha256_file(files.front());
        return dataset_sha256(download);
    }
    return sha256_file(download);
}

std::string version_from_name(const std::string& download) {
    const std::string& name = download;  // the folders inside a download name the version too
    std::smatch m;
    static const std::regex month(R"((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(20\d\d))", std::regex::icase);
    static const std::regex ymd(R"(Y(20\d\d)M(\d\d)D(\d\d))", std::regex::icase);
    static const std::regex ver(R"(_(v\d{3})_)", std::regex::icase);
    static const std::regex year_month(  // KBAsGlobal_2024_September_01
        R"((20\d\d)_(January|February|March|April|May|June|July|August|September|October|November|December))",
        std::regex::icase);
    if (std::regex_search(name, m, year_month)) return m[2].str() + " " + m[1].str();
    if (std::regex_search(name, m, month)) return m[1].str() + " " + m[2].str();
    if (std::regex_search(name, m, ymd)) return m[1].str() + "-" + m[2].str() + "-" + m[3].str();
    if (std::regex_search(name, m, ver)) return m[1].str();
    return {};
}

void fill_provenance(CatalogEntry& e, const ImportRequest& r, const ProvenanceDefaults& d) {
    e.licence = r.licence.empty() ? d.licence : r.licence;
    e.url = r.source_url.empty() ? d.url : r.source_url;
    e.date = !r.version.empty() || d.dated_name.empty() ? r.version : version_from_name(d.dated_name);
    e.sha256 = download_sha256(r.download);
}

std::string with_region_note(std::string note, const Region& region) {
    if (!region.all()) note += (note.empty() ? "" : " ") + std::string("Clipped to ") + region.label() + ".";
    return note;
}

void commit_vector(GpkgOut& out, ImportResult& res) {
    out.commit();
    res.features = out.written();
    res.repaired = out.repaired();
}

void register_vector_layer(ImportResult& res, const ImportRequest& r, const Region& region, std::size_t outside,
                           const std::string& units, CatalogEntry e, const ProvenanceDefaults& d) {
    if (!region.all()) res.notes.push_back(fmt::format("{} {} outside {} left out", outside, units, region.label()));
    e.id = res.id;
    e.kind = "vector";
    e.path = res.layer_path;
    e.layer = res.id;
    fill_provenance(e, r, d);
    add_to_catalog(r.catalog, e);
    res.catalog = r.catalog;
}

// ---------------------------------------------------------------- dispatch

std::vector<std::string> importer_names() {
    return {"aqueduct40", "wdpa", "china_nature_reserve", "worldcover", "ramsar", "kba", "gfc"};
}

ImportResult run_import(const ImportRequest& r) {
    gdal_init();
    const auto names = importer_names();
    if (std::find(names.begin(), names.end(), r.preset) == names.end()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        throw UsageError("layers import: unknown preset '" + r.preset + "' (importers: " + list + ")");
    }
    if (r.out_dir.empty()) throw UsageError("layers import: --out DIR is required");
    const Region region(r.region);
    if (r.preset == "aqueduct40") return import_aqueduct40(r, region);
    if (r.preset == "wdpa") return import_wdpa(r, region);
    if (r.preset == "china_nature_reserve") return import_china_nature_reserve(r, region);
    if (r.preset == "ramsar") return import_ramsar(r, region);
    if (r.preset == "kba") return import_kba(r, region);
    if (r.preset == "gfc") return import_gfc(r, region);
    return import_worldcover(r, region);
}

}  // namespace sitescreen::import
