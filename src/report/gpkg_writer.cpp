// DIR/sites.gpkg through GDAL's GPKG driver: sites, buffers, hits (clipped to the
// largest buffer) and alternatives, in WGS 84, written in transactions to a temporary file.
#include "report/gpkg_writer.h"

#include <cpl_conv.h>
#include <ogr_api.h>
#include <unistd.h>

#include <algorithm>
#include <any>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/errors.h"
#include "geo/geos_kit.h"
#include "io/atomic_file.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"
#include "layers/registry.h"
#include "report/markdown_report.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

constexpr std::size_t kSitesPerTransaction = 5000;

// GeoPackage timestamps (gpkg_contents.last_change) fixed, so that the same run
// gives the same file; run.json holds the run's times.
class FixedGpkgDate {
public:
    FixedGpkgDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z"); }
    ~FixedGpkgDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
    FixedGpkgDate(const FixedGpkgDate&) = delete;
    FixedGpkgDate& operator=(const FixedGpkgDate&) = delete;
};

struct FieldDefnDestroy {
    void operator()(OGRFieldDefnH h) const noexcept {
        if (h) OGR_Fld_Destroy(h);
    }
};
using FieldDefnPtr = std::unique_ptr<std::remove_pointer_t<OGRFieldDefnH>, FieldDefnDestroy>;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<double> as_number(const Json& v) {
    if (v.is_number()) return v.get<double>();
    if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
    if (v.is_string()) {
        const std::string s = v.get<std::string>();
        if (s.empty()) return std::nullopt;
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (end && *end == '\0' && std::isfinite(d)) return d;
    }
    return std::nullopt;
}

using HitShapes = std::vector<GeometryPtr>;

// The part of a feature inside the site's largest buffer (polygons), or its points.
GeometryPtr hit_geometry(const VectorLayer& vl, std::uint32_t feature, const GEOSGeometry* buffer,
                         const Box& buffer_box) {
    // Each piece cut to the buffer's box first (geos::cut_to_box): the union and the
    // intersection then work on what can be in the buffer, not on whole pieces.
    std::vector<geos::GeomPtr> parts;
    for (const Polygon& piece : vl.feature_polygons(feature))
        if (geos::GeomPtr part = geos::cut_to_box(piece, buffer_box)) parts.push_back(std::move(part));
    if (!parts.empty()) {
        geos::GeomPtr u = geos::union_all(std::move(parts));
        geos::GeomPtr clipped = geos::intersection(u.get(), buffer);
        MultiPolygon mp;
        geos::to_multipolygon(clipped.get(), mp);
        if (!mp.empty()) return GeometryPtr(to_ogr(mp));
    }
    const std::vector<Point> pts = vl.feature_points(feature);
    if (pts.size() == 1) return GeometryPtr(to_ogr(pts[0]));
    if (pts.size() > 1) {
        GeometryPtr mp(OGR_G_CreateGeometry(wkbMultiPoint));
        for (const Point& p : pts) OGR_G_AddGeometryDirectly(mp.get(), to_ogr(p));
        return mp;
    }
    return nullptr;
}

// The shapes of a site's hits, in the order write_hits writes them: the part of each feature
// inside the largest buffer. Made on the screening threads (the GeoPackage's digest), so that the
// writing thread, which writes every site in turn, only inserts them.
HitShapes hit_shapes(const SiteResult& r) {
    HitShapes shapes;
    if (!r.geometry || r.geometry->buffers_ll().empty()) return shapes;
    const MultiPolygon& largest = r.geometry->buffers_ll().back();
    geos::GeomPtr buffer = geos::from_multipolygon(largest);
    Box box;
    bg::envelope(largest, box);
    for (const LayerOutcome& o : r.layers) {
        if (!o.vector() || !o.vector_layer || !o.spec) continue;
        for (const FeatureHit& h : o.vector()->hits) {
            // A feature the screening found covering the whole largest buffer (its overlap is the
            // buffer's area) is, within the buffer, the buffer itself: no overlay to make it.
            const auto& buffers = o.vector()->buffers;
            const bool covers = !buffers.empty() && buffers.back().buffer_area_m2 > 0 && !h.overlap_area_m2.empty() &&
                                h.overlap_area_m2.back() >= buffers.back().buffer_area_m2 * (1 - 1e-9);
            shapes.push_back(covers ? GeometryPtr(to_ogr(largest))
                                    : hit_geometry(*o.vector_layer, h.feature, buffer.get(), box));
        }
    }
    return shapes;
}

}  // namespace

struct GpkgWriter::Impl {
    struct Column {
        std::string name;
        OGRFieldType type = OFTString;
    };
    struct KeyFigure {  // one per catalog layer
        std::string layer_id;
        std::vector<std::string> columns;  // one per key figure of the layer's kind (layers/layer.h, KeyColumn)
    };

    std::string report_suffix;
    RunContext ctx;
    std::string final_path, temp_path;
    DatasetPtr ds;
    OGRLayerH sites = nullptr, buffers = nullptr, hits = nullptr, alternatives = nullptr;
    SiteFileNames names;
    std::set<std::string> site_columns;  // lower-cased names in use
    bool inputs_defined = false, keys_defined = false;
    std::vector<std::pair<std::string, Column>> inputs;  // attribute -> column
    std::vector<KeyFigure> keys;
    std::size_t in_transaction = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(final_path + ": " + what + " (" + gdal_last_error() + ")");
    }

    OGRLayerH create_layer(const char* name, OGRwkbGeometryType type) {
        SrsPtr srs = wgs84_srs();
        const char* options[] = {"FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES", nullptr};
        OGRLayerH l = GDALDatasetCreateLayer(ds.get(), name, srs.get(), type, const_cast<char**>(options));
        if (!l) fail(std::string("cannot create layer '") + name + "'");
        return l;
    }

    void add_field(OGRLayerH layer, const std::string& name, OGRFieldType type, bool boolean = false) {
        FieldDefnPtr f(OGR_Fld_Create(name.c_str(), type));
        if (boolean) OGR_Fld_SetSubType(f.get(), OFSTBoolean);
        if (OGR_L_CreateField(layer, f.get(), TRUE) != OGRERR_NONE) fail("cannot create field '" + name + "'");
        if (layer == sites) site_columns.insert(lower(name));
    }

    // A column name for the sites layer that no other column has (SQLite names ignore case).
    std::string free_column(const std::string& wanted) {
        std::string name = wanted.empty() ? "field" : wanted;
        if (!site_columns.count(lower(name))) return name;
        name = "input_" + name;
        std::string n = name;
        for (int k = 2; site_columns.count(lower(n)); ++k) n = name + "_" + std::to_string(k);
        return n;
    }

    void define_inputs(const Json& attrs) {
        inputs_defined = true;
        std::vector<std::string> fields = ctx.site_fields;
        if (fields.empty() && attrs.is_object())
            for (auto it = attrs.begin(); it != attrs.end(); ++it) fields.push_back(it.key());
        for (const auto& f : fields) {
            // The type of the first site's value: numbers stay numbers for filtering in a GIS.
            OGRFieldType type = OFTString;
            bool boolean = false;
            if (attrs.is_object() && attrs.contains(f)) {
                const Json& v = attrs[f];
                if (v.is_number_integer() || v.is_number_unsigned())
                    type = OFTInteger64;
                else if (v.is_number_float())
                    type = OFTReal;
                else if (v.is_boolean())
                    type = OFTInteger, boolean = true;
            }
            Column c{free_column(f), type};
            add_field(sites, c.name, type, boolean);
            inputs.emplace_back(f, c);
        }
    }

    void define_keys(const SiteResult& r) {
        std::vector<const LayerSpec*> specs;
        if (ctx.layers) {
            for (const auto& s : ctx.layers->catalog().layers) specs.push_back(&s);
        } else {
            if (r.layers.empty()) return;  // an error row: wait for a screened site
            for (const auto& o : r.layers) specs.push_back(o.spec);
        }
        keys_defined = true;
        for (const LayerSpec* s : specs) {
            KeyFigure k;
            k.layer_id = s->id;
            for (const KeyColumn& c : layer_kind(*s).key_columns(*s)) {
                k.columns.push_back(free_column(s->id + c.suffix));
                add_field(sites, k.columns.back(),
                          c.type == KeyColumn::Type::Boolean ? OFTInteger
                          : c.type == KeyColumn::Type::Real  ? OFTReal
                                                             : OFTString,
                          c.type == KeyColumn::Type::Boolean);
            }
            keys.push_back(std::move(k));
        }
    }

    void create_feature(OGRLayerH layer, OGRFeatureH f) {
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) fail("cannot write a feature");
    }

    static void set_string(OGRFeatureH f, const char* field, const std::string& v) {
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, field), v.c_str());
    }
    static void set_double(OGRFeatureH f, const char* field, double v) {
        OGR_F_SetFieldDouble(f, OGR_F_GetFieldIndex(f, field), v);
    }
    static void set_int(OGRFeatureH f, const char* field, long long v) {
        OGR_F_SetFieldInteger64(f, OGR_F_GetFieldIndex(f, field), v);
    }

    void write_site(const SiteResult& r, const SiteAnswer& answer, const std::string& stem, const std::string& demo) {
        FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(sites)));
        set_string(f.get(), "site_id", r.site.id);
        set_int(f.get(), "site_index", static_cast<long long>(r.site.index));
        set_string(f.get(), "source", r.site.where);
        set_string(f.get(), "type", r.site.type);
        set_string(f.get(), "status", r.site.error ? "error" : "ok");
        if (r.site.error) set_string(f.get(), "error", *r.site.error);
        if (r.verdict && !r.site.error) {
            const std::string level = level_key(*r.verdict);
            set_string(f.get(), "verdict", level);
            // The level as the verdict states it: "low (3 of 5 criteria assessed)" where coverage is partial.
            set_string(f.get(), "verdict_text", level + report::verdict_coverage_note(*r.verdict));
            std::string reasons;
            for (const auto& s : r.verdict->reasons) reasons += (reasons.empty() ? "" : "; ") + s;
            if (!reasons.empty()) set_string(f.get(), "verdict_reasons", reasons);
        }
        const auto crit = report::criteria_statuses(answer);
        if (!crit.empty()) {
            std::string met;
            int n = 0;
            for (const auto& [c, s] : crit)
                if (s == "met") met += (met.empty() ? "" : ", ") + c, ++n;
            set_int(f.get(), "criteria_met", n);
            set_string(f.get(), "criteria", met);
        }
        if (r.alternative && r.alternative->found())
            set_double(f.get(), "alternative_distance_m", r.alternative->alternatives.front().distance_m);
        if (!report_suffix.empty()) set_string(f.get(), "report", "sites/" + stem + report_suffix);
        if (!demo.empty()) set_string(f.get(), "demo_data", demo);

        for (const KeyFigure& k : keys) {
            const LayerOutcome* o = nullptr;
            for (const auto& lo : r.layers)
                if (lo.spec && lo.spec->id == k.layer_id) o = &lo;
            if (!o) continue;
            const std::vector<KeyValue> values = key_values(o->measurement, *o->spec, i18n::current().lang());
            for (std::size_t c = 0; c < values.size() && c < k.columns.size(); ++c) {
                const char* column = k.columns[c].c_str();
                if (const auto* n = std::get_if<long long>(&values[c]))
                    set_int(f.get(), column, *n);
                else if (const auto* x = std::get_if<double>(&values[c]))
                    set_double(f.get(), column, *x);
                else if (const auto* t = std::get_if<std::string>(&values[c]))
                    set_string(f.get(), column, *t);
            }
        }
        const Json& attrs = r.site.attributes;
        for (const auto& [attr, col] : inputs) {
            if (!attrs.is_object() || !attrs.contains(attr) || attrs[attr].is_null()) continue;
            const Json& v = attrs[attr];
            const int idx = OGR_F_GetFieldIndex(f.get(), col.name.c_str());
            if (col.type == OFTString) {
                OGR_F_SetFieldString(f.get(), idx, report::inline_text(v).c_str());
            } else if (auto d = as_number(v)) {
                if (col.type == OFTReal)
                    OGR_F_SetFieldDouble(f.get(), idx, *d);
                else if (std::fabs(*d) < 9e18)
                    OGR_F_SetFieldInteger64(f.get(), idx, static_cast<long long>(*d));
            }
        }

        GeometryPtr g;
        if (!r.site.footprint_ll.empty())
            g.reset(to_ogr(r.site.footprint_ll));
        else if (r.site.has_coordinates)
            g.reset(to_ogr(Point(r.site.lonlat.lon, r.site.lonlat.lat)));
        if (g) OGR_F_SetGeometry(f.get(), g.get());
        create_feature(sites, f.get());
    }

    void write_buffers(const SiteResult& r, const std::string& demo) {
        const SiteGeometry& g = *r.geometry;
        for (std::size_t k = 0; k < g.buffers_ll().size() && k < g.radii_m.size(); ++k) {
            FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(buffers)));
            set_string(f.get(), "site_id", r.site.id);
            set_int(f.get(), "site_index", static_cast<long long>(r.site.index));
            set_double(f.get(), "radius_m", g.radii_m[k]);
            if (k < g.buffer_area_m2.size()) set_double(f.get(), "area_m2", g.buffer_area_m2[k]);
            if (!demo.empty()) set_string(f.get(), "demo_data", demo);
            GeometryPtr geom(to_ogr(g.buffers_ll()[k]));
            OGR_F_SetGeometry(f.get(), geom.get());
            create_feature(buffers, f.get());
        }
    }

    // The hits, their shapes made ahead (hit_shapes, in the same order).
    void write_hits(const SiteResult& r, const HitShapes& shapes) {
        const SiteGeometry& g = *r.geometry;
        if (g.buffers_ll().empty()) return;
        const double radius = g.radii_m.empty() ? 0.0 : g.radii_m.back();
        std::size_t next = 0;
        for (const LayerOutcome& o : r.layers) {
            if (!o.vector() || !o.vector_layer || !o.spec) continue;
            const auto& feats = o.vector_layer->features();
            for (const FeatureHit& h : o.vector()->hits) {
                const VectorFeature& vf = feats[h.feature];
                FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(hits)));
                set_string(f.get(), "site_id", r.site.id);
                set_int(f.get(), "site_index", static_cast<long long>(r.site.index));
                set_string(f.get(), "layer_id", o.spec->id);
                set_string(f.get(), "layer_title", o.spec->title);
                set_string(f.get(), "theme", o.spec->theme);
                set_string(f.get(), "criterion", to_string(o.spec->criterion));
                set_int(f.get(), "demo", o.spec->provenance.demo ? 1 : 0);
                if (o.spec->provenance.demo)
                    set_string(f.get(), "demo_data", std::string(report::kDemoMarker) + " layer: " + o.spec->id);
                set_string(f.get(), "feature_id", vf.id);
                set_string(f.get(), "name", vf.name);
                set_string(f.get(), "category", vf.category);
                set_double(f.get(), "distance_m", h.distance_m);
                const bool inside = std::find(o.vector()->inside_features.begin(), o.vector()->inside_features.end(),
                                              h.feature) != o.vector()->inside_features.end();
                set_int(f.get(), "inside", inside ? 1 : 0);
                if (!h.overlap_area_m2.empty()) set_double(f.get(), "overlap_area_m2", h.overlap_area_m2.back());
                set_double(f.get(), "clipped_to_m", radius);
                if (!vf.attributes.empty())
                    set_string(f.get(), "attributes",
                               vf.attributes.dump(-1, ' ', false, Json::error_handler_t::replace));
                if (next < shapes.size() && shapes[next]) OGR_F_SetGeometry(f.get(), shapes[next].get());
                ++next;
                create_feature(hits, f.get());
            }
        }
    }

    // One point per ranked alternative (docs/leap.md): rank 1 is the record's own alternative.
    void write_alternative(const SiteResult& r, const std::string& demo) {
        if (!r.alternative || !r.alternative->found()) return;
        const Json search = search_settings(*r.alternative);  // what the search did, the same for each
        for (std::size_t i = 0; i < r.alternative->alternatives.size(); ++i) {
            const AlternativeLocation& alt = r.alternative->alternatives[i];
            FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(alternatives)));
            set_string(f.get(), "site_id", r.site.id);
            set_int(f.get(), "site_index", static_cast<long long>(r.site.index));
            set_int(f.get(), "rank", static_cast<long long>(i + 1));
            set_string(f.get(), "level_at_alternative", to_string(alt.level_at_alternative));
            set_double(f.get(), "distance_m", alt.distance_m);
            set_double(f.get(), "bearing_deg", alt.bearing_deg);
            if (!demo.empty()) set_string(f.get(), "demo_data", demo);
            set_string(f.get(), "clears", report::inline_text(to_json(alt.clears)));
            Json details = search;
            details["remaining"] = Json(alt.remaining);
            set_string(f.get(), "details", details.dump(-1, ' ', false, Json::error_handler_t::replace));
            GeometryPtr g(to_ogr(Point(alt.at.lon, alt.at.lat)));
            OGR_F_SetGeometry(f.get(), g.get());
            create_feature(alternatives, f.get());
        }
    }

    void discard() noexcept {
        ds.reset();
        if (!temp_path.empty()) {
            for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((temp_path + suffix).c_str());
            unregister_temp_path(temp_path);
            temp_path.clear();
        }
    }
};

GpkgWriter::GpkgWriter(std::string report_suffix) : impl_(std::make_unique<Impl>()) {
    impl_->report_suffix = std::move(report_suffix);
}

GpkgWriter::~GpkgWriter() { impl_->discard(); }

WriterPlan GpkgWriter::begin(const RunContext& ctx) {
    gdal_init();
    FixedGpkgDate fixed_date;
    Impl& m = *impl_;
    m.ctx = ctx;
    fs::create_directories(ctx.out_dir);
    m.final_path = (fs::path(ctx.out_dir) / "sites.gpkg").string();
    // The GPKG driver wants the .gpkg extension, so not temp_path_for()'s name.
    m.temp_path = (fs::path(ctx.out_dir) / (".sites.tmp-" + std::to_string(::getpid()) + ".gpkg")).string();
    ::unlink(m.temp_path.c_str());
    register_temp_path(m.temp_path);
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) m.fail("GDAL has no GPKG driver");
    m.ds.reset(GDALCreate(drv, m.temp_path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m.ds) m.fail("cannot create the GeoPackage");

    // Input geometry: points, or polygon footprints, in one layer.
    m.sites = m.create_layer("sites", wkbUnknown);
    m.site_columns = {"fid", "geom"};
    m.add_field(m.sites, "site_id", OFTString);
    m.add_field(m.sites, "site_index", OFTInteger64);
    m.add_field(m.sites, "source", OFTString);
    m.add_field(m.sites, "type", OFTString);
    m.add_field(m.sites, "status", OFTString);
    m.add_field(m.sites, "error", OFTString);
    m.add_field(m.sites, "verdict", OFTString);
    m.add_field(m.sites, "verdict_text", OFTString);
    m.add_field(m.sites, "verdict_reasons", OFTString);
    m.add_field(m.sites, "criteria_met", OFTInteger);
    m.add_field(m.sites, "criteria", OFTString);
    m.add_field(m.sites, "alternative_distance_m", OFTReal);
    if (!m.report_suffix.empty()) m.add_field(m.sites, "report", OFTString);
    m.add_field(m.sites, "demo_data", OFTString);  // the demonstration marker (report::demo_marker)

    m.buffers = m.create_layer("buffers", wkbMultiPolygon);
    m.add_field(m.buffers, "site_id", OFTString);
    m.add_field(m.buffers, "site_index", OFTInteger64);
    m.add_field(m.buffers, "radius_m", OFTReal);
    m.add_field(m.buffers, "area_m2", OFTReal);
    m.add_field(m.buffers, "demo_data", OFTString);

    m.hits = m.create_layer("hits", wkbUnknown);
    for (const char* name :
         {"site_id", "site_index", "layer_id", "layer_title", "theme", "criterion", "demo", "demo_data", "feature_id",
          "name", "category", "distance_m", "inside", "overlap_area_m2", "clipped_to_m", "attributes"}) {
        const std::string n = name;
        if (n == "site_index")
            m.add_field(m.hits, n, OFTInteger64);
        else if (n == "demo" || n == "inside")
            m.add_field(m.hits, n, OFTInteger, true);
        else if (n == "distance_m" || n == "overlap_area_m2" || n == "clipped_to_m")
            m.add_field(m.hits, n, OFTReal);
        else
            m.add_field(m.hits, n, OFTString);
    }

    m.alternatives = m.create_layer("alternatives", wkbPoint);
    m.add_field(m.alternatives, "site_id", OFTString);
    m.add_field(m.alternatives, "site_index", OFTInteger64);
    m.add_field(m.alternatives, "rank", OFTInteger64);
    m.add_field(m.alternatives, "level_at_alternative", OFTString);
    m.add_field(m.alternatives, "distance_m", OFTReal);
    m.add_field(m.alternatives, "bearing_deg", OFTReal);
    m.add_field(m.alternatives, "clears", OFTString);
    m.add_field(m.alternatives, "demo_data", OFTString);
    m.add_field(m.alternatives, "details", OFTString);

    if (ctx.layers) m.define_keys(SiteResult{});
    if (GDALDatasetStartTransaction(m.ds.get(), FALSE) != OGRERR_NONE) m.fail("cannot start a transaction");
    WriterPlan plan;
    plan.reads_result = true;  // the geometry and the figures, in write()
    plan.digest = [](const SiteOutput& s) {
        return std::any(std::make_shared<const HitShapes>(hit_shapes(*s.result)));
    };
    return plan;
}

void GpkgWriter::write(const SiteOutput& s) {
    const SiteResult& result = *s.result;
    FixedGpkgDate fixed_date;
    Impl& m = *impl_;
    const std::string& stem = m.names.stem(result.site.index, result.site.id);
    if (!m.inputs_defined || !m.keys_defined) {
        // Field definitions change the table: outside a transaction.
        GDALDatasetCommitTransaction(m.ds.get());
        if (!m.inputs_defined) m.define_inputs(result.site.attributes);
        if (!m.keys_defined) m.define_keys(result);
        GDALDatasetStartTransaction(m.ds.get(), FALSE);
    }
    const std::string demo = report::demo_marker(s.answer);
    m.write_site(result, s.answer, stem, demo);
    if (result.geometry) {
        m.write_buffers(result, demo);
        m.write_hits(result, *std::any_cast<const std::shared_ptr<const HitShapes>&>(s.digest));
        m.write_alternative(result, demo);
    }
    if (++m.in_transaction == kSitesPerTransaction) {
        if (GDALDatasetCommitTransaction(m.ds.get()) != OGRERR_NONE) m.fail("cannot commit");
        GDALDatasetStartTransaction(m.ds.get(), FALSE);
        m.in_transaction = 0;
    }
}

void GpkgWriter::finish(const RunSummary&) {
    FixedGpkgDate fixed_date;
    Impl& m = *impl_;
    if (!m.ds) return;
    if (GDALDatasetCommitTransaction(m.ds.get()) != OGRERR_NONE) m.fail("cannot commit");
    m.ds.reset();  // closes the file: everything is on disk
    commit_temp(m.temp_path, m.final_path);
    m.temp_path.clear();
}

void GpkgWriter::abort() noexcept { impl_->discard(); }

}  // namespace sitescreen
