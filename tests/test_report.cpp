// Reports people read: the per-site map (pixels where expected), Markdown/HTML content,
// safe file names, and the GeoPackage's four layers with their feature counts.
#include <cairo.h>
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/parallel_for.h"
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "io/atomic_file.h"
#include "io/checksum.h"
#include "io/gdal_handles.h"
#include "io/install_path.h"
#include "report/formats.h"
#include "report/gpkg_writer.h"
#include "screen/profile.h"
#include "report/html_report.h"
#include "report/map_context.h"
#include "report/markdown_report.h"
#include "report/record_line.h"
#include "report/portfolio_page.h"
#include "report/site_map.h"
#include "report/site_map_kit.h"
#include "report/writer.h"
#include "screen/screener.h"
#include "support/fixtures.h"

namespace fs = std::filesystem;
using namespace sitescreen;

namespace {

// ---------------------------------------------------------------- fixtures

// A folder removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("sitescreen-report-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write_text(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

// Around Beijing (116.40, 39.90): a nature reserve 2.6-6 km west of the site, a
// heritage point 2.8 km north-east, and an admin unit holding everything.
// East of the site is empty, so the buffer rings there are drawn on bare background.
constexpr double kLon = 116.40, kLat = 39.90;

LayerSpec vector_spec(const fs::path& dir, const std::string& id, const std::string& title, const std::string& theme,
                      Criterion criterion, bool demo, const std::string& geojson) {
    const fs::path file = dir / (id + ".geojson");
    write_text(file, geojson);
    LayerSpec s;
    s.id = id;
    s.title = title;
    s.kind = "vector";
    s.path = file.string();
    s.path_as_written = file.filename().string();
    s.catalog_file = "test catalog";
    s.id_field = "fid_text";
    s.name_field = "name";
    s.category_field = "zone";
    s.theme = theme;
    s.criterion = criterion;
    s.provenance.source = "sitescreen tests";
    s.provenance.licence = "CC0";
    s.provenance.date = "2024";
    s.provenance.demo = demo;
    return s;
}

std::shared_ptr<const LayerSet> test_layers(const fs::path& dir, bool demo = true) {
    Catalog cat;
    cat.file = (dir / "catalog.yaml").string();
    cat.layers.push_back(vector_spec(dir, "reserves", "Nature reserves (test)", "nature_reserve",
                                     Criterion::BiodiversityImportance, demo,
                                     R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"fid_text":"NR-1","name":"百花山自然保护区","zone":"core"},
  "geometry":{"type":"Polygon","coordinates":[[[116.30,39.86],[116.37,39.86],[116.37,39.94],[116.30,39.94],[116.30,39.86]]]}},
 {"type":"Feature","properties":{"fid_text":"NR-2","name":"松山湿地","zone":"buffer"},
  "geometry":{"type":"Polygon","coordinates":[[[116.33,39.80],[116.39,39.80],[116.39,39.84],[116.33,39.84],[116.33,39.80]]]}}]})"));
    cat.layers.push_back(vector_spec(dir, "heritage", "World heritage (test)", "heritage",
                                     Criterion::BiodiversityImportance, false,
                                     R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"fid_text":"WH-1","name":"天坛","zone":""},
  "geometry":{"type":"Point","coordinates":[116.42,39.92]}}]})"));
    cat.layers.push_back(vector_spec(dir, "admin", "Provinces (test)", "admin", Criterion::Context, false,
                                     R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"fid_text":"11","name":"北京市","zone":""},
  "geometry":{"type":"Polygon","coordinates":[[[115.0,39.0],[118.0,39.0],[118.0,41.0],[115.0,41.0],[115.0,39.0]]]}}]})"));
    return LayerSet::open(cat);
}

Site point_site(std::size_t index, const std::string& id, double lon = kLon, double lat = kLat) {
    Site s;
    s.index = index;
    s.id = id;
    s.where = "sites.csv:" + std::to_string(index + 2);
    s.type = "plant";
    s.lonlat = {lon, lat};
    s.has_coordinates = true;
    s.attributes = {{"id", id}, {"name", "测试电站 " + id}, {"capacity_mw", "120"}};
    return s;
}

Site polygon_site(std::size_t index, const std::string& id) {
    Site s = point_site(index, id, 116.52, 39.95);
    Polygon p;
    for (auto [x, y] : {std::pair{116.51, 39.94}, {116.53, 39.94}, {116.53, 39.96}, {116.51, 39.96}, {116.51, 39.94}})
        p.outer().push_back(Point(x, y));
    s.footprint_ll.push_back(p);
    return s;
}

Site error_site(std::size_t index, const std::string& id) {
    Site s;
    s.index = index;
    s.id = id;
    s.where = "sites.csv:" + std::to_string(index + 2);
    s.error = s.where + ": latitude 'abc' is not a number";
    s.attributes = {{"id", id}, {"name", "坏行"}};
    return s;
}

// The LEAP objects in the shapes the assessment writes (docs/leap.md).
void add_assessment(SiteResult& r, const std::string& level, bool with_alternative) {
    Verdict v;
    v.level = level_from_string(level).value();
    v.reasons = {"high: within 2.6 km of nature reserve '百花山自然保护区' (core zone) [demo layer]"};
    r.verdict = v;
    Locate l;
    l.site_type = "plant";
    l.title = "Span of the site";
    DriverMateriality land;
    land.driver = Driver::LandUseChange;
    land.materiality = land.profile_materiality = Materiality::High;
    l.drivers = {land};
    // L4 (the record's locate.l4, written by the serializer).
    const auto criterion = [](Criterion c, CriterionStatus s, std::string why) {
        CriterionFinding f;
        f.criterion = c;
        f.status = s;
        if (s == CriterionStatus::Met) {
            Evidence e;
            e.layer = "protected_areas";
            e.theme = "protected_area";
            e.demo = true;
            e.inside = false;
            e.distance_m = 2600.0;
            e.status = s;
            e.exposure = Rating::High;
            e.why = std::move(why);
            f.evidence.push_back(std::move(e));
        } else {
            f.why = std::move(why);
        }
        return f;
    };
    l.criteria = std::vector<CriterionFinding>{
        criterion(Criterion::BiodiversityImportance, CriterionStatus::Met, "百花山自然保护区 2.6 km west"),
        criterion(Criterion::EcosystemIntegrity, CriterionStatus::NotMet, ""),
        criterion(Criterion::RapidDecline, CriterionStatus::NotAssessed, "no layer for this criterion"),
        criterion(Criterion::WaterRisk, CriterionStatus::NotMet, ""),
        criterion(Criterion::EcosystemServices, CriterionStatus::NotAssessed, "no layer for this criterion")};
    r.locate = std::move(l);
    Evaluate e;
    DriverPair pair;
    pair.driver = Driver::LandUseChange;
    pair.receptor = Criterion::BiodiversityImportance;
    pair.materiality = Materiality::High;
    pair.exposure = pair.rating = Rating::High;
    pair.trace = "materiality high x exposure high";
    e.pairs = {pair};
    r.evaluate = std::move(e);
    r.mitigation = std::vector<MitigationStep>{
        {MitigationStage::Avoid, "Move the site east, away from the reserve", "core zone", "relocate"},
        {MitigationStage::Minimise, "Keep construction outside the breeding season", "birds", "setback"}};
    r.alternative.reset();
    if (with_alternative) {
        AlternativeLocation at;
        at.at = {116.45, 39.93};
        at.distance_m = 5300.0;
        at.bearing_deg = 50.0;
        at.clears = {
            {"cn_nature_reserve.core", Level::High, "nature_reserves", std::nullopt, std::nullopt, "百花山自然保护区"}};
        r.alternative = AlternativeSearch{};
        r.alternative->alternatives = {at};
    }
}

struct Screened {
    SiteResult result;
};

Screened screen_one(Screener& screener, const Site& site, const std::string& level, bool with_alternative) {
    Screened s;
    s.result = screener.screen(site, {1000, 5000});
    if (!s.result.site.error) add_assessment(s.result, level, with_alternative);
    return s;
}

RunContext context(const fs::path& out, const LayerSet* layers, bool demo) {
    RunContext ctx;
    ctx.out_dir = out.string();
    ctx.layers = layers;
    ctx.site_fields = {"id", "name", "capacity_mw"};
    ctx.any_demo = demo;
    ctx.tool_version = "0.0.0-test";
    return ctx;
}

// ---------------------------------------------------------------- pixels

struct Image {
    int width = 0, height = 0;
    std::vector<std::uint32_t> pixels;  // 0x00RRGGBB
    std::uint32_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

cairo_status_t read_png(void* closure, unsigned char* data, unsigned int length) {
    auto* in = static_cast<std::istringstream*>(closure);
    in->read(reinterpret_cast<char*>(data), length);
    return in->gcount() == static_cast<std::streamsize>(length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_READ_ERROR;
}

Image decode(const std::string& png) {
    std::istringstream in(png);
    cairo_surface_t* s = cairo_image_surface_create_from_png_stream(read_png, &in);
    Image img;
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(s);
        img.width = cairo_image_surface_get_width(s);
        img.height = cairo_image_surface_get_height(s);
        const int stride = cairo_image_surface_get_stride(s);
        const unsigned char* data = cairo_image_surface_get_data(s);
        for (int y = 0; y < img.height; ++y)
            for (int x = 0; x < img.width; ++x)
                img.pixels.push_back(reinterpret_cast<const std::uint32_t*>(data + y * stride)[x] & 0xFFFFFF);
    }
    cairo_surface_destroy(s);
    return img;
}

std::uint32_t hex(const char* h) { return static_cast<std::uint32_t>(std::strtoul(h + 1, nullptr, 16)); }

int colour_distance(std::uint32_t a, std::uint32_t b) {
    auto c = [](std::uint32_t v, int shift) { return static_cast<int>((v >> shift) & 255); };
    return std::abs(c(a, 16) - c(b, 16)) + std::abs(c(a, 8) - c(b, 8)) + std::abs(c(a, 0) - c(b, 0));
}

// The closest colour to `want` among the pixels within `radius` of (x, y).
int nearest_colour(const Image& img, double x, double y, std::uint32_t want, int radius = 1) {
    int best = 1 << 20;
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const int px = static_cast<int>(std::floor(x)) + dx, py = static_cast<int>(std::floor(y)) + dy;
            if (px >= 0 && py >= 0 && px < img.width && py < img.height)
                best = std::min(best, colour_distance(img.at(px, py), want));
        }
    return best;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// SITESCREEN_TEST_KEEP=<dir> keeps the images and reports for a look.
void keep(const std::string& name, const std::string& bytes) {
    if (const char* dir = std::getenv("SITESCREEN_TEST_KEEP")) {
        fs::create_directories(dir);
        std::ofstream(fs::path(dir) / name, std::ios::binary) << bytes;
    }
}

bool has_temp_files(const fs::path& dir) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------- the portfolio's admin outline

// The outline is cached on disk under its layers' checksums (portfolio_page.h): a run over the
// same admin layers and box reads it, any change of an admin layer's checksum, the box or the
// build's outline code (here "1.0", "1.1") makes it anew, and a layer without a checksum is never cached.
TEST(Portfolio, AdminOutlineIsCachedUnderTheAdminLayersChecksums) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    const std::string folder = (tmp.path / "cache" / "admin-outlines").string();
    Json catalog = Json::array(
        {Json{{"id", "admin"}, {"theme", "admin"}, {"sha256", std::string(64, 'a')}, {"sha256_from", "read"}},
         Json{{"id", "reserves"}, {"theme", "protected_area"}, {"sha256", std::string(64, 'b')}}});
    const double w = kLon - 0.2, s = kLat - 0.2, e = kLon + 0.2, n = kLat + 0.2;
    const std::string direct = admin_outline_geojson(*layers, w, s, e, n);
    ASSERT_FALSE(direct.empty());
    // The features outlined on several threads: the same text.
    EXPECT_EQ(admin_outline_geojson(*layers, w, s, e, n, 60000, 3), direct);
    auto files = [&] {
        std::vector<fs::path> out;
        if (fs::exists(folder))
            for (const auto& f : fs::directory_iterator(folder)) out.push_back(f.path());
        return out;
    };
    auto outline = [&](const Json& cat, const std::string& version, double west, bool& hit) {
        return cached_admin_outline_geojson(*layers, cat, version, folder, west, s, e, n, 60000, &hit);
    };
    bool hit = true;
    EXPECT_EQ(outline(catalog, "1.0", w, hit), direct);
    EXPECT_FALSE(hit);
    ASSERT_EQ(files().size(), 1u);
    EXPECT_EQ(outline(catalog, "1.0", w, hit), direct);
    EXPECT_TRUE(hit);

    // What is read is the file: change its outline, keep its key.
    const fs::path file = files().front();
    const std::string text = read_file(file);
    ASSERT_EQ(text.substr(text.size() - direct.size()), direct);
    write_text(file, text.substr(0, text.size() - direct.size()) + "{\"from\":\"the cache\"}");
    EXPECT_EQ(outline(catalog, "1.0", w, hit), "{\"from\":\"the cache\"}");
    EXPECT_TRUE(hit);
    // Read now or from the checksum cache: the same digest, the same outline.
    Json reused = catalog;
    reused[0]["sha256_from"] = "cache";
    EXPECT_EQ(outline(reused, "1.0", w, hit), "{\"from\":\"the cache\"}");
    EXPECT_TRUE(hit);
    // A layer other than admin is not part of the key.
    Json other = catalog;
    other[1]["sha256"] = std::string(64, 'c');
    EXPECT_EQ(outline(other, "1.0", w, hit), "{\"from\":\"the cache\"}");
    EXPECT_TRUE(hit);

    // The admin layer changed, another box, another version: made anew, each in its own file.
    Json changed = catalog;
    changed[0]["sha256"] = std::string(64, 'd');
    EXPECT_EQ(outline(changed, "1.0", w, hit), direct);
    EXPECT_FALSE(hit);
    EXPECT_EQ(outline(catalog, "1.0", w - 0.01, hit), admin_outline_geojson(*layers, w - 0.01, s, e, n));
    EXPECT_FALSE(hit);
    EXPECT_EQ(outline(catalog, "1.1", w, hit), direct);
    EXPECT_FALSE(hit);
    EXPECT_EQ(files().size(), 4u);

    // No checksum (a layer that is not a local file), no catalog, no folder: computed, not cached.
    Json unhashed = catalog;
    unhashed[0]["sha256"] = "";
    EXPECT_EQ(outline(unhashed, "1.0", w, hit), direct);
    EXPECT_FALSE(hit);
    EXPECT_EQ(outline(Json(), "1.0", w, hit), direct);
    EXPECT_FALSE(hit);
    EXPECT_EQ(cached_admin_outline_geojson(*layers, catalog, "1.0", "", w, s, e, n, 60000, &hit), direct);
    EXPECT_FALSE(hit);
    EXPECT_EQ(files().size(), 4u);

    // The build id the page uses is the digest CMake made of the outline's sources, not the tool
    // version: a build that draws outlines otherwise has another.
    EXPECT_EQ(outline_cache_build_id().size(), 64u);
    EXPECT_EQ(outline_cache_build_id().find_first_not_of("0123456789abcdef"), std::string::npos);

    // The folder keeps the outlines used last.
    for (int i = 0; i < static_cast<int>(kOutlineCacheFiles) + 4; ++i) outline(catalog, "1.0", w - 0.02 * (i + 1), hit);
    EXPECT_EQ(files().size(), kOutlineCacheFiles);
}

// The outline's features are outlined on the run's threads at the end of the run: the same text
// on any number of them. Units of a grid with wavy edges of hundreds of vertices, so that loading
// cuts each into pieces, which the outline joins again.
TEST(Portfolio, AdminOutlineIsTheSameTextOnAnyNumberOfThreads) {
    TempDir tmp;
    std::string features;
    int units = 0;
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 4; ++j) {
            const double x0 = 110 + 0.5 * i, y0 = 30 + 0.5 * j, x1 = x0 + 0.5, y1 = y0 + 0.5;
            std::string ring = fmt::format("[{},{}],[{},{}]", x0, y0, x1, y0);
            for (int k = 0; k <= 600; ++k) {  // the east side, wavy
                const double y = y0 + 0.5 * k / 600;
                ring += fmt::format(",[{:.6f},{:.6f}]", x1 + 0.02 * std::sin(k * 0.3), y);
            }
            ring += fmt::format(",[{},{}],[{},{}]", x0, y1, x0, y0);
            features +=
                fmt::format(R"({}{{"type":"Feature","properties":{{"fid_text":"U{}","name":"单元{}","zone":""}},)"
                            R"("geometry":{{"type":"Polygon","coordinates":[[{}]]}}}})",
                            units ? "," : "", units, units, ring);
            ++units;
        }
    Catalog cat;
    cat.file = (tmp.path / "catalog.yaml").string();
    cat.layers.push_back(vector_spec(tmp.path, "units", "Units (test)", "admin", Criterion::Context, false,
                                     R"({"type":"FeatureCollection","features":[)" + features + "]}"));
    const auto layers = LayerSet::open(cat);
    ASSERT_GT(layers->vectors()[0]->info().piece_count, static_cast<std::size_t>(2 * units));
    const std::string one = admin_outline_geojson(*layers, 110.5, 30.5, 112.5, 31.5, 60000, 1);
    std::size_t outlined = 0;
    for (std::size_t at = 0; (at = one.find("\"type\":\"Feature\"", at)) != std::string::npos; ++at) ++outlined;
    EXPECT_EQ(outlined, static_cast<std::size_t>(units));  // the box with its margin meets them all
    for (unsigned threads : {2u, 3u, 8u, 64u})
        EXPECT_EQ(admin_outline_geojson(*layers, 110.5, 30.5, 112.5, 31.5, 60000, threads), one) << threads;
    // Each unit one polygon: its pieces joined, no seam left.
    const Json fc = Json::parse(one);
    for (const Json& f : fc["features"]) EXPECT_EQ(f["geometry"]["coordinates"].size(), 1u) << f["properties"]["name"];
}

// ---------------------------------------------------------------- the map

TEST(SiteMap, SitePixelAndBufferRingsAreWhereTheyShouldBe) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1"), "high", false);
    ASSERT_FALSE(s.result.site.error.has_value()) << *s.result.site.error;

    const SiteMapImage map = render_site_map(s.result);
    keep("map_point.png", map.png);
    const Image img = decode(map.png);
    ASSERT_EQ(img.width, 1100);
    ASSERT_EQ(img.height, 760);
    EXPECT_EQ(map.width, 1100);

    // The site's pixel is the marker, in the verdict's colour.
    const Point site = map.main.pixel({kLon, kLat});
    EXPECT_NEAR(site.x(), map.main.w / 2, 0.5);
    EXPECT_NEAR(site.y(), map.main.h / 2, 0.5);
    EXPECT_LE(nearest_colour(img, site.x(), site.y(), hex(report::verdict_colour("high")), 0), 6);

    // Each ring passes through the point `radius` metres due east (geodesic), in the ring colour...
    const std::uint32_t ring = hex("#1f2f5c"), background = hex("#f6f4ee");
    for (double r : {1000.0, 5000.0}) {
        const LonLat east = geodesic::direct({kLon, kLat}, 90, r);
        const Point p = map.main.pixel(east);
        EXPECT_NEAR(p.x() - site.x(), r * map.main.px_per_m, 0.5);
        EXPECT_LE(nearest_colour(img, p.x(), p.y(), ring, 1), 40) << "ring " << r << " m at " << p.x() << "," << p.y();
    }
    // ... and nothing is drawn between the rings there.
    const Point between = map.main.pixel(geodesic::direct({kLon, kLat}, 90, 3000));
    EXPECT_EQ(img.at(static_cast<int>(between.x()), static_cast<int>(between.y())), background);

    // The nature reserve west of the site is filled (not background).
    const Point reserve = map.main.pixel({116.335, 39.90});
    EXPECT_GT(colour_distance(img.at(static_cast<int>(reserve.x()), static_cast<int>(reserve.y())), background), 20);

    // The detail inset shows the site too.
    ASSERT_TRUE(map.has_detail);
    const Point detail_site = map.detail.pixel({kLon, kLat});
    EXPECT_LE(nearest_colour(img, detail_site.x(), detail_site.y(), hex(report::verdict_colour("high")), 0), 6);
}

// The buffer rings drawn straight into the image (site_map_kit.h, raster_ring): the ink a ring
// lays down is its area (a band of the line's width around the circle), its pixels are cairo's
// within a few levels, and nothing outside the view's clip changes.
TEST(SiteMap, RasterRingsLayTheirAreaAndAgreeWithCairo) {
    using site_map_kit::PixelBox;
    using site_map_kit::Rgb;
    struct Case {
        double cx, cy, r, width, alpha;
    };
    for (const Case& c :
         {Case{200, 200, 100, 2, 1.0}, Case{201.3, 198.6, 57.25, 4, 0.7}, Case{200.5, 200.5, 8, 1.3, 1}}) {
        auto white = [] {
            cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 400);
            cairo_t* cr = cairo_create(s);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_paint(cr);
            cairo_destroy(cr);
            return s;
        };
        cairo_surface_t* ours = white();
        cairo_surface_t* theirs = white();
        ASSERT_TRUE(
            site_map_kit::raster_ring(ours, PixelBox{0, 0, 400, 400}, c.cx, c.cy, c.r, c.width, Rgb{0, 0, 0}, c.alpha));
        cairo_t* cr = cairo_create(theirs);
        cairo_arc(cr, c.cx, c.cy, c.r, 0, 2 * site_map_kit::kPi);
        cairo_set_source_rgba(cr, 0, 0, 0, c.alpha);
        cairo_set_line_width(cr, c.width);
        cairo_stroke(cr);
        cairo_destroy(cr);
        cairo_surface_flush(ours);
        cairo_surface_flush(theirs);
        double ink_ours = 0, ink_theirs = 0;
        int worst = 0;
        const int stride = cairo_image_surface_get_stride(ours);
        for (int y = 0; y < 400; ++y)
            for (int x = 0; x < 400; ++x) {
                const int a = cairo_image_surface_get_data(ours)[y * stride + 4 * x];
                const int b = cairo_image_surface_get_data(theirs)[y * stride + 4 * x];
                ink_ours += (255 - a) / 255.0, ink_theirs += (255 - b) / 255.0;
                worst = std::max(worst, std::abs(a - b));
            }
        const double area = 2 * site_map_kit::kPi * c.r * c.width * c.alpha;
        EXPECT_NEAR(ink_ours, area, 0.005 * area) << "r " << c.r;  // measured: within 0.2 %
        EXPECT_NEAR(ink_theirs, area, 0.01 * area) << "r " << c.r << " (cairo)";
        EXPECT_LE(worst, 32) << "r " << c.r;  // measured: 17 to 23 levels, at edge pixels
        cairo_surface_destroy(ours);
        cairo_surface_destroy(theirs);
    }
    // The clip: a ring across the clip's edge changes no pixel outside it.
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 300, 300);
    cairo_surface_flush(s);
    std::fill_n(cairo_image_surface_get_data(s), 300 * cairo_image_surface_get_stride(s), 0xFF);
    cairo_surface_mark_dirty(s);
    ASSERT_TRUE(site_map_kit::raster_ring(s, PixelBox{50, 60, 150, 170}, 140, 150, 60, 4, Rgb{0, 0, 0}, 1));
    cairo_surface_flush(s);
    int inked_inside = 0;
    for (int y = 0; y < 300; ++y)
        for (int x = 0; x < 300; ++x) {
            const bool inside = x >= 50 && x < 150 && y >= 60 && y < 170;
            const unsigned char v = cairo_image_surface_get_data(s)[y * cairo_image_surface_get_stride(s) + 4 * x];
            if (!inside) {
                ASSERT_EQ(v, 0xFF) << x << "," << y;
            } else if (v < 0xFF) {
                ++inked_inside;
            }
        }
    EXPECT_GT(inked_inside, 200);
    cairo_surface_destroy(s);
    // Any other surface, or a small circle, is left to cairo.
    cairo_surface_t* argb = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 50, 50);
    EXPECT_FALSE(site_map_kit::raster_ring(argb, PixelBox{0, 0, 50, 50}, 25, 25, 20, 2, Rgb{0, 0, 0}, 1));
    EXPECT_FALSE(site_map_kit::raster_ring(s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 50, 50),
                                           PixelBox{0, 0, 50, 50}, 25, 25, site_map_kit::kMinRasterRing - 1, 2,
                                           Rgb{0, 0, 0}, 1));
    cairo_surface_destroy(argb);
    cairo_surface_destroy(s);
}

// Strokes of one circle in one pass (a buffer ring's white halo, then its line) leave the image
// exactly as one raster_ring call per stroke does, clipped or not.
TEST(SiteMap, RingStrokesInOnePassEqualOneCallPerStroke) {
    using site_map_kit::PixelBox;
    using site_map_kit::Rgb;
    using site_map_kit::RingStroke;
    struct Case {
        double cx, cy, r;
        PixelBox clip;
    };
    for (const Case& c :
         {Case{200, 200, 100, PixelBox{0, 0, 400, 400}}, Case{201.3, 198.6, 57.25, PixelBox{0, 0, 400, 400}},
          Case{140.4, 150.7, 120.5, PixelBox{50, 60, 250, 270}}, Case{200.5, 200.5, 8, PixelBox{0, 0, 400, 400}}}) {
        const std::vector<RingStroke> strokes{RingStroke{4, Rgb{1, 1, 1}, 0.7}, RingStroke{2, Rgb{0.1, 0.2, 0.45}, 1},
                                              RingStroke{1.3, Rgb{0.8, 0.1, 0.1}, 0.5}};
        auto background = [] {
            cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 400);
            cairo_t* cr = cairo_create(s);
            cairo_pattern_t* p = cairo_pattern_create_linear(0, 0, 400, 400);  // every pixel its own colour
            cairo_pattern_add_color_stop_rgb(p, 0, 0.9, 0.3, 0.2);
            cairo_pattern_add_color_stop_rgb(p, 1, 0.1, 0.6, 0.95);
            cairo_set_source(cr, p);
            cairo_paint(cr);
            cairo_pattern_destroy(p);
            cairo_destroy(cr);
            return s;
        };
        cairo_surface_t* one_pass = background();
        cairo_surface_t* per_stroke = background();
        cairo_surface_t* untouched = background();
        ASSERT_TRUE(site_map_kit::raster_ring(one_pass, c.clip, c.cx, c.cy, c.r, strokes));
        for (const RingStroke& k : strokes)
            ASSERT_TRUE(site_map_kit::raster_ring(per_stroke, c.clip, c.cx, c.cy, c.r, k.width, k.colour, k.alpha));
        cairo_surface_flush(one_pass);
        cairo_surface_flush(per_stroke);
        const int stride = cairo_image_surface_get_stride(one_pass);
        int differ = 0, inked = 0;
        for (int y = 0; y < 400; ++y)
            for (int x = 0; x < 400; ++x) {
                const auto* a = cairo_image_surface_get_data(one_pass) + y * stride + 4 * x;
                const auto* b = cairo_image_surface_get_data(per_stroke) + y * stride + 4 * x;
                const auto* was = cairo_image_surface_get_data(untouched) + y * stride + 4 * x;
                differ += std::memcmp(a, b, 3) != 0;
                inked += std::memcmp(a, was, 3) != 0;
            }
        EXPECT_EQ(differ, 0) << "r " << c.r;
        EXPECT_GT(inked, 4 * c.r) << "r " << c.r;  // the strokes were drawn
        cairo_surface_destroy(one_pass);
        cairo_surface_destroy(per_stroke);
        cairo_surface_destroy(untouched);
    }
}

// A feature's numbers keep clear of the site, the furniture and each other, on the feature; the
// free area is the one GEOS's overlay leaves (Boost.Geometry's is used for speed).
TEST(SiteMap, NumbersKeepClearOfTheSiteTheFurnitureAndEachOther) {
    MapView v;
    v.px_per_m = 0.01;  // a pixel is 100 m
    v.x0 = v.y0 = 0, v.w = v.h = 400, v.cx = v.cy = 200;
    // A feature over most of the view with a lake-like hole west of the site (metres).
    Polygon feature;
    for (const Point& p : {Point(-15000, -19000), Point(19000, -19000), Point(19000, 19000), Point(-15000, 19000),
                           Point(-15000, -19000)})
        feature.outer().push_back(p);
    Polygon::ring_type hole;
    for (const Point& p :
         {Point(-9000, -3000), Point(-3000, -3000), Point(-3000, 3000), Point(-9000, 3000), Point(-9000, -3000)})
        hole.push_back(p);
    feature.inners().push_back(hole);
    bg::correct(feature);
    site_map_kit::DrawFeature f;
    f.area_xy = geos::from_polygon(feature);
    const Box furniture(Point(300, 0), Point(400, 60));  // pixels: a north arrow's corner
    site_map_kit::KeepOut keep(v, {furniture});
    keep.add_circle(Point(v.cx, v.cy), 22);
    std::vector<Point> placed;
    for (int k = 0; k < 8; ++k) {
        // The free area both ways: the same, to a millionth.
        geos::GeomPtr vis = geos::clip_by_rect(f.area_xy.get(), -18600, -18600, 18600, 18600);
        geos::GeomPtr ours = keep.take_from(geos::GeomPtr(GEOSGeom_clone_r(geos::context(), vis.get())));
        geos::GeomPtr theirs = keep.take_from_by_geos(std::move(vis));
        ASSERT_TRUE(ours && theirs);
        EXPECT_NEAR(geos::area(ours.get()), geos::area(theirs.get()), 1e-6 * geos::area(theirs.get()));
        Point p;
        ASSERT_TRUE(site_map_kit::label_point(f, v, keep, p)) << k;
        const Point m((p.x() - v.cx) / v.px_per_m, (v.cy - p.y()) / v.px_per_m);
        EXPECT_TRUE(bg::within(m, feature)) << k;
        EXPECT_GE(std::hypot(p.x() - v.cx, p.y() - v.cy), 22 - 1e-9) << k;
        EXPECT_FALSE(bg::within(p, furniture)) << k;
        for (const Point& q : placed) EXPECT_GE(std::hypot(p.x() - q.x(), p.y() - q.y()), 20 - 1e-9) << k;
        placed.push_back(p);
        keep.add_circle(p, 20);
    }
}

// A text too wide for its place is cut to the longest start, on a character boundary, that fits
// with an ellipsis (found by halving: widths grow with length).
TEST(SiteMap, TextIsCutToTheLongestStartThatFits) {
    cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
    cairo_t* cr = cairo_create(s);
    site_map_kit::set_font(cr, 11, false);
    using site_map_kit::fit;
    using site_map_kit::text_width;
    for (const std::string& t : {std::string("Sanjiangyuan National Nature Reserve, core zone"),
                                 std::string("三江源国家级自然保护区 核心区"), std::string("a")}) {
        const double whole = text_width(cr, t);
        EXPECT_EQ(fit(cr, t, whole), t);
        for (const double max_w : {whole - 1, whole / 2, whole / 5, 3.0, 0.0}) {
            const std::string cut = fit(cr, t, max_w);
            SCOPED_TRACE(t + " in " + std::to_string(max_w) + ": " + cut);
            const std::string ellipsis = "…";
            ASSERT_GE(cut.size(), ellipsis.size());
            ASSERT_EQ(cut.substr(cut.size() - ellipsis.size()), ellipsis);
            const std::string start = cut.substr(0, cut.size() - ellipsis.size());
            ASSERT_EQ(t.compare(0, start.size(), start), 0);
            ASSERT_LT(start.size(), t.size());
            // On a character boundary; and fits, unless nothing does.
            EXPECT_NE(static_cast<unsigned char>(t[start.size()]) & 0xC0, 0x80);
            if (!start.empty()) {
                EXPECT_LE(text_width(cr, cut), max_w);
            }
            // One more character would not fit.
            std::size_t next = start.size() + 1;
            while (next < t.size() && (static_cast<unsigned char>(t[next]) & 0xC0) == 0x80) ++next;
            if (next < t.size()) {
                EXPECT_GT(text_width(cr, t.substr(0, next) + ellipsis), max_w);
            }
        }
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

// Halo labels and number badges drawn from the thread's stamps (site_map_draw.cpp): the same
// ink, within an eighth of a pixel of where cairo draws them itself (on a surface the stamps are
// not used for).
void expect_stamps_match_cairo(const std::function<void(cairo_t*, double, double)>& paint) {
    auto draw = [&](cairo_format_t format, double x, double y) {
        cairo_surface_t* s = cairo_image_surface_create(format, 200, 80);
        cairo_t* cr = cairo_create(s);
        cairo_set_source_rgb(cr, 0.9, 0.85, 0.8);
        cairo_paint(cr);
        paint(cr, x, y);
        cairo_destroy(cr);
        cairo_surface_flush(s);
        return s;
    };
    // Ink (darkness against the background) and its centroid, from the red channel.
    auto ink = [](cairo_surface_t* s, double& cx, double& cy) {
        const unsigned char* d = cairo_image_surface_get_data(s);
        const int stride = cairo_image_surface_get_stride(s);
        double total = 0;
        cx = cy = 0;
        for (int y = 0; y < 80; ++y)
            for (int x = 0; x < 200; ++x) {
                const double v = std::abs(d[y * stride + 4 * x + 2] - 0.9 * 255);
                total += v, cx += v * x, cy += v * y;
            }
        cx /= total, cy /= total;
        return total;
    };
    for (const auto& [x, y] : {std::pair{40.0, 40.0}, {61.37, 44.81}, {20.5, 30.125}}) {
        cairo_surface_t* cached = draw(CAIRO_FORMAT_RGB24, x, y);
        cairo_surface_t* again = draw(CAIRO_FORMAT_RGB24, x, y);
        cairo_surface_t* direct = draw(CAIRO_FORMAT_ARGB32, x, y);  // not an RGB24 image: cairo's text
        double ax = 0, ay = 0, bx = 0, by = 0, cx = 0, cy = 0;
        const double a = ink(cached, ax, ay), b = ink(direct, bx, by);
        ink(again, cx, cy);
        EXPECT_NEAR(a, b, 0.01 * b) << x << "," << y;  // measured: within 0.3 %, centroids 0.08 px
        EXPECT_NEAR(ax, bx, 0.13) << x << "," << y;
        EXPECT_NEAR(ay, by, 0.13) << x << "," << y;
        EXPECT_EQ(std::memcmp(cairo_image_surface_get_data(cached), cairo_image_surface_get_data(again),
                              static_cast<std::size_t>(80 * cairo_image_surface_get_stride(cached))),
                  0);
        cairo_surface_destroy(cached);
        cairo_surface_destroy(again);
        cairo_surface_destroy(direct);
    }
}

TEST(SiteMap, CachedHaloLabelsMatchTheTextDrawnByCairo) {
    expect_stamps_match_cairo([](cairo_t* cr, double x, double y) {
        site_map_kit::set_font(cr, 11, true);
        site_map_kit::halo_text(cr, x, y, "10 km", site_map_kit::kRing);
    });
}

TEST(SiteMap, CachedBadgeRingsMatchTheBadgeDrawnByCairo) {
    expect_stamps_match_cairo([](cairo_t* cr, double x, double y) {
        site_map_kit::number_badge(cr, x, y, 17, site_map_kit::Rgb{0.8, 0.3, 0.1});
    });
}

TEST(SiteMap, AlternativeIsDrawnAndTheImageIsDeterministic) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1"), "no-go", true);
    const SiteMapImage a = render_site_map(s.result);
    keep("map_alternative.png", a.png);
    const SiteMapImage b = render_site_map(s.result);
    EXPECT_EQ(a.png, b.png);
    const Image img = decode(a.png);
    const Point alt = a.main.pixel({116.45, 39.93});
    EXPECT_LE(nearest_colour(img, alt.x(), alt.y(), hex("#08519c"), 1), 30);
    // The view grew to hold the alternative: it lies inside the map.
    EXPECT_GT(alt.x(), 0);
    EXPECT_LT(alt.x(), a.main.w);
}

// The palette PNG (site_map.cpp, encode_png): every pixel is drawn in the palette entry nearest
// (squared RGB distance) to its colour in the RGB drawing, the flat colours exactly, and few
// pixels move. Checks the nearest-entry search by brute force against the palette in the file.
TEST(SiteMap, PaletteDrawsEveryPixelInItsNearestEntry) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1"), "no-go", true);
    const SiteMapDrawing drawing(s.result);
    const SiteMapImage map = drawing.image();
    const Image png = decode(map.png);

    // The drawing itself, in 24-bit colour.
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, drawing.width(), drawing.height());
    cairo_t* cr = cairo_create(surface);
    drawing.draw(cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    Image truth;
    truth.width = drawing.width();
    truth.height = drawing.height();
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < truth.height; ++y)
        for (int x = 0; x < truth.width; ++x)
            truth.pixels.push_back(
                reinterpret_cast<const std::uint32_t*>(cairo_image_surface_get_data(surface) + y * stride)[x] &
                0xFFFFFF);
    cairo_surface_destroy(surface);
    ASSERT_EQ(png.width, truth.width);
    ASSERT_EQ(png.height, truth.height);

    // The palette: the PLTE chunk (length, type, entries).
    std::vector<std::uint32_t> palette;
    for (std::size_t i = 8; i + 8 <= map.png.size();) {
        auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(map.png[k])); };
        const std::uint32_t len = byte(i) << 24 | byte(i + 1) << 16 | byte(i + 2) << 8 | byte(i + 3);
        if (map.png.compare(i + 4, 4, "PLTE") == 0)
            for (std::uint32_t k = 0; k + 2 < len; k += 3)
                palette.push_back(byte(i + 8 + k) << 16 | byte(i + 9 + k) << 8 | byte(i + 10 + k));
        i += 12 + len;
    }
    ASSERT_FALSE(palette.empty()) << "a map is written as a palette PNG";
    ASSERT_LE(palette.size(), 256u);

    auto squared = [](std::uint32_t a, std::uint32_t b) {
        int d = 0;
        for (int shift : {16, 8, 0}) {
            const int c = static_cast<int>((a >> shift) & 255) - static_cast<int>((b >> shift) & 255);
            d += c * c;
        }
        return d;
    };
    std::map<std::uint32_t, int> nearest;  // per colour of the drawing: its distance to the nearest entry
    std::size_t moved = 0;
    for (std::size_t k = 0; k < truth.pixels.size(); ++k) {
        const std::uint32_t want = truth.pixels[k], got = png.pixels[k];
        auto it = nearest.find(want);
        if (it == nearest.end()) {
            int best = 1 << 30;
            for (std::uint32_t e : palette) best = std::min(best, squared(want, e));
            it = nearest.emplace(want, best).first;
        }
        ASSERT_NE(std::find(palette.begin(), palette.end(), got), palette.end()) << "pixel " << k;
        ASSERT_EQ(squared(want, got), it->second) << "pixel " << k << " is not in its nearest entry";
        if (got != want) ++moved;
    }
    // The flat colours (the 192 most frequent are entries) are exact: the background among them.
    std::map<std::uint32_t, std::size_t> count;
    for (std::uint32_t c : truth.pixels) ++count[c];
    ASSERT_GT(count.count(hex("#f6f4ee")), 0u);
    EXPECT_EQ(nearest[hex("#f6f4ee")], 0);
    EXPECT_EQ(nearest[std::max_element(count.begin(), count.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; })
                          ->first],
              0);
    EXPECT_LT(moved, truth.pixels.size() / 20) << "at most 5 % of the pixels (edges, text) move";
}

TEST(SiteMap, PolygonSiteShowsItsFootprint) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, polygon_site(0, "P1"), "low", false);
    ASSERT_FALSE(s.result.site.error.has_value()) << *s.result.site.error;
    const SiteMapImage map = render_site_map(s.result);
    keep("map_polygon.png", map.png);
    const Image img = decode(map.png);
    // A point of the footprint away from the marker: the verdict colour, half transparent on background.
    const Point inside = map.main.pixel({116.5265, 39.9565});
    EXPECT_GT(colour_distance(img.at(static_cast<int>(inside.x()), static_cast<int>(inside.y())), hex("#f6f4ee")), 30);
}

// The context under the map: the shipped pack (Natural Earth rivers and lakes, SimpleMaps towns
// with Chinese names from ECharts) around Wuhan, where the Yangtze runs through the city.
// A site 1.1 km west of the antimeridian, a reserve just across it (lon -180 to -179.97) and its
// twin on this side: both are drawn, in the same colour (the view's lon/lat box runs past 180,
// the far reserve's box lies at -180).
TEST(SiteMap, FeaturesAcrossTheAntimeridianAreDrawn) {
    TempDir tmp;
    Catalog cat;
    cat.file = (tmp.path / "catalog.yaml").string();
    cat.layers.push_back(vector_spec(tmp.path, "reserves", "Nature reserves (test)", "nature_reserve",
                                     Criterion::BiodiversityImportance, false,
                                     R"({"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"fid_text":"E","name":"East","zone":"core"},
  "geometry":{"type":"Polygon","coordinates":[[[-180,-0.05],[-179.97,-0.05],[-179.97,0.05],[-180,0.05],[-180,-0.05]]]}},
 {"type":"Feature","properties":{"fid_text":"W","name":"West","zone":"core"},
  "geometry":{"type":"Polygon","coordinates":[[[179.94,-0.05],[179.97,-0.05],[179.97,0.05],[179.94,0.05],[179.94,-0.05]]]}}]})"));
    auto layers = LayerSet::open(cat);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1", 179.99, 0.0), "high", false);
    ASSERT_FALSE(s.result.site.error.has_value()) << *s.result.site.error;
    const SiteMapImage map = render_site_map(s.result);
    keep("map_antimeridian.png", map.png);
    const Image img = decode(map.png);
    const std::uint32_t background = hex("#f6f4ee");
    const Point east = map.main.pixel({-179.985, 0.0}), west = map.main.pixel({179.955, 0.0});
    ASSERT_GT(east.x(), map.main.x0);
    ASSERT_LT(east.x(), map.main.x0 + map.main.w);
    const std::uint32_t e = img.at(static_cast<int>(east.x()), static_cast<int>(east.y()));
    const std::uint32_t w = img.at(static_cast<int>(west.x()), static_cast<int>(west.y()));
    EXPECT_GT(colour_distance(w, background), 20);
    EXPECT_GT(colour_distance(e, background), 20);
    EXPECT_LE(colour_distance(e, w), 2);
}

// An area cut to the scene's box is filled whole but outlined without the edges the cut made
// (outside the view; they were stroked, and dashed, for nothing): a square half over the box's
// east side gives one open run of three edges; a square inside the box stays a closed ring.
TEST(SiteMap, OutlinesLeaveOutTheEdgesOfTheCut) {
    using site_map_kit::add_geos_path;
    const Box cut(Point(-100, -100), Point(100, 100));
    MapView v;
    v.cx = 300, v.cy = 300, v.px_per_m = 1;
    auto square = [](double x0, double y0, double x1, double y1) {
        Polygon p;
        for (const Point& q : {Point(x0, y0), Point(x0, y1), Point(x1, y1), Point(x1, y0), Point(x0, y0)})
            p.outer().push_back(q);
        bg::correct(p);
        return p;
    };
    geos::GeomPtr half_out = geos::cut_to_box(square(50, -20, 150, 20), cut);
    geos::GeomPtr inside = geos::cut_to_box(square(-50, -20, 20, 20), cut);
    ASSERT_TRUE(half_out && inside);
    site_map_kit::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, 600, 600));
    site_map_kit::CairoPtr cr(cairo_create(surface.get()));
    // Moves, lines and closes of a path; and whether a line runs along x = 400 (the box's east side).
    auto count = [&](const GEOSGeometry* g, const Box* with_cut, int& moves, int& lines, int& closes, bool& on_side) {
        cairo_new_path(cr.get());
        add_geos_path(cr.get(), v, g, with_cut);
        cairo_path_t* path = cairo_copy_path(cr.get());
        moves = lines = closes = 0;
        on_side = false;
        double lx = 0;
        for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
            const cairo_path_data_t& d = path->data[i];
            if (d.header.type == CAIRO_PATH_MOVE_TO) ++moves, lx = path->data[i + 1].point.x;
            if (d.header.type == CAIRO_PATH_CLOSE_PATH) ++closes;
            if (d.header.type == CAIRO_PATH_LINE_TO) {
                ++lines;
                const double x = path->data[i + 1].point.x;
                if (x == 400 && lx == 400) on_side = true;
                lx = x;
            }
        }
        cairo_path_destroy(path);
    };
    int moves = 0, lines = 0, closes = 0;
    bool on_side = false;
    count(half_out.get(), nullptr, moves, lines, closes, on_side);
    EXPECT_EQ(closes, 1);
    EXPECT_TRUE(on_side);
    count(half_out.get(), &cut, moves, lines, closes, on_side);
    EXPECT_EQ(moves, 1);
    EXPECT_EQ(lines, 3);
    EXPECT_EQ(closes, 0);
    EXPECT_FALSE(on_side);
    count(inside.get(), &cut, moves, lines, closes, on_side);
    EXPECT_EQ(lines, 3);  // the fourth edge is the close
    EXPECT_EQ(closes, 1);
}

TEST(SiteMap, ContextShowsTheRiverAndTheTownAroundWuhan) {
    const std::string path = installed_path("SITESCREEN_MAP_CONTEXT", "layers/context/map_context.gpkg");
    const LoadedMapContext pack = load_map_context(path);
    ASSERT_TRUE(pack.data) << pack.note;
    EXPECT_EQ(pack.note, "");
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    Screener screener(layers, ScreenOptions{});
    SiteResult r = screener.screen(point_site(0, "W1", 114.30, 30.59), {2000, 20000});
    ASSERT_FALSE(r.site.error.has_value()) << *r.site.error;
    add_assessment(r, "low", false);
    const Json record = site_record(r, screener.options());

    SiteMapOptions en;
    en.context = pack.data.get();
    const SiteMapDrawing map(r, en);
    const SiteMapContextSummary c = map.context();
    EXPECT_GT(c.river_pieces, 0u);
    ASSERT_FALSE(c.towns.empty());
    EXPECT_EQ(c.towns.front(), "Wuhan");  // a province capital comes first
    SiteMapOptions zh = en;
    zh.lang = i18n::Lang::Zh;
    const SiteMapContextSummary czh = SiteMapDrawing(r, zh).context();
    ASSERT_FALSE(czh.towns.empty());
    EXPECT_EQ(czh.towns.front(), "武汉");
    EXPECT_EQ(czh.river_pieces, c.river_pieces);
    const SiteMapImage img = map.image();
    keep("map_context_wuhan.png", img.png);
    EXPECT_FALSE(img.png.empty());

    // Far from any river, lake or town (the middle of the Taklamakan): no context, same map.
    SiteResult desert = screener.screen(point_site(1, "D1", 83.0, 39.0), {1000, 5000});
    add_assessment(desert, "low", false);
    const SiteMapContextSummary none = SiteMapDrawing(desert, en).context();
    EXPECT_EQ(none.river_pieces, 0u);
    EXPECT_EQ(none.lakes, 0u);
    EXPECT_TRUE(none.towns.empty());
}

TEST(SiteMap, PortfolioContextHoldsTheRiversAndTownsOfTheBoxInTheRunsLanguage) {
    const LoadedMapContext pack =
        load_map_context(installed_path("SITESCREEN_MAP_CONTEXT", "layers/context/map_context.gpkg"));
    ASSERT_TRUE(pack.data) << pack.note;
    const Box wuhan(Point(113.8, 30.2), Point(114.8, 31.0));
    const Json zh = Json::parse(map_context_geojson(*pack.data, wuhan, wuhan, i18n::Lang::Zh));
    std::map<std::string, int> kinds;
    std::vector<std::string> names;
    for (const Json& f : zh["features"]) {
        ++kinds[f["properties"]["kind"].get<std::string>()];
        if (f["properties"]["kind"] == "town") names.push_back(f["properties"]["name"].get<std::string>());
    }
    EXPECT_GT(kinds["river"], 0);
    EXPECT_GT(kinds["lake"], 0);
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names.front(), "武汉");
    // Towns only within their own box; nothing at all in the open ocean.
    const Box none(Point(-150.0, -40.0), Point(-149.0, -39.0));
    const Json water_only = Json::parse(map_context_geojson(*pack.data, wuhan, none, i18n::Lang::En));
    for (const Json& f : water_only["features"]) EXPECT_NE(f["properties"]["kind"], "town");
    EXPECT_EQ(map_context_geojson(*pack.data, none, none, i18n::Lang::En), "");
}

TEST(SiteMap, WithoutTheContextPackTheMapStillRenders) {
    TempDir tmp;
    const LoadedMapContext missing = load_map_context((tmp.path / "none.gpkg").string());
    EXPECT_FALSE(missing.data);
    EXPECT_NE(missing.note.find((tmp.path / "none.gpkg").string()), std::string::npos) << missing.note;
    write_text(tmp.path / "broken.gpkg", "not a GeoPackage");
    const LoadedMapContext broken = load_map_context((tmp.path / "broken.gpkg").string(), i18n::Lang::Zh);
    EXPECT_FALSE(broken.data);
    EXPECT_NE(broken.note.find("broken.gpkg"), std::string::npos) << broken.note;
    EXPECT_NE(broken.note.find("地图"), std::string::npos) << broken.note;
    // A file OGR opens but that is not a pack: the note names the file and what is wrong.
    write_text(
        tmp.path / "rivers.geojson",
        R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]})");
    const LoadedMapContext projected = load_map_context((tmp.path / "rivers.geojson").string());
    EXPECT_FALSE(projected.data);
    EXPECT_NE(projected.note.find("rivers.geojson: map context layer 'rivers' is not in WGS 84"), std::string::npos)
        << projected.note;
    write_text(tmp.path / "rivers.geojson", R"({"type":"FeatureCollection","features":[]})");
    const LoadedMapContext partial = load_map_context((tmp.path / "rivers.geojson").string());
    EXPECT_FALSE(partial.data);
    EXPECT_NE(partial.note.find("map context has no layer 'lakes'"), std::string::npos) << partial.note;

    auto layers = test_layers(tmp.path);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1"), "high", false);
    SiteMapOptions bare;
    bare.shared_context = false;  // as when the pack is missing
    const SiteMapDrawing map(s.result, bare);
    EXPECT_EQ(map.context().river_pieces, 0u);
    EXPECT_TRUE(map.context().towns.empty());
    const Image img = decode(map.image().png);
    EXPECT_EQ(img.width, 1100);
    const Point site = map.image().main.pixel({kLon, kLat});
    EXPECT_LE(nearest_colour(img, site.x(), site.y(), hex(report::verdict_colour("high")), 0), 6);
}

TEST(SiteMap, ErrorRowsHaveNoMap) {
    SiteResult r;
    r.site = error_site(0, "E1");
    EXPECT_TRUE(render_site_map(r).png.empty());
}

// ---------------------------------------------------------------- text reports

// Site S1 screened on the test layers (verdict high, with an alternative), and what its reports
// are built with.
struct ScreenedS1 {
    TempDir tmp;
    std::shared_ptr<const LayerSet> layers = test_layers(tmp.path);
    Screener screener{layers, ScreenOptions{}};
    Screened s = screen_one(screener, point_site(0, "S1"), "high", true);
    report::ProvenanceTable prov;
    RunContext ctx = context(tmp.path / "out", layers.get(), true);
    ScreenedS1() { prov.begin(ctx); }
};

TEST(SiteReport, MarkdownStartsWithTheDemoBannerAndHasVerdictTablesAndChecksums) {
    ScreenedS1 f;
    const Screened& s = f.s;
    const RunContext& ctx = f.ctx;
    TempDir& tmp = f.tmp;
    report::ProvenanceTable& prov = f.prov;
    const std::string md = markdown_site_report(report::site_report_doc(s.result, ctx, prov.rows(s.result), "S1.png"));

    EXPECT_EQ(md.rfind("> **⚠ DEMONSTRATION DATA", 0), 0u) << md.substr(0, 200);
    EXPECT_NE(md.find("## Verdict: HIGH"), std::string::npos);
    EXPECT_LT(md.find("DEMONSTRATION"), md.find("Verdict: HIGH"));
    EXPECT_NE(md.find("百花山自然保护区"), std::string::npos);
    EXPECT_NE(md.find("![Map of site S1](S1.png)"), std::string::npos);
    // Locate L4: the five criteria with their status.
    EXPECT_NE(md.find("| **Biodiversity importance** | **met** |"), std::string::npos) << md;
    EXPECT_NE(md.find("| **Rapid decline** | not assessed |"), std::string::npos);
    // Mitigation as a table, alternative described.
    EXPECT_NE(md.find("| Step | Action | Because |"), std::string::npos);
    EXPECT_NE(md.find("5.3 km away at bearing 50°"), std::string::npos);
    // Provenance: each layer with its checksum.
    const std::string sum = sha256_file((tmp.path / "reserves.geojson").string());
    ASSERT_EQ(sum.size(), 64u);
    EXPECT_NE(md.find(sum), std::string::npos);
    EXPECT_NE(md.find("sitescreen 0.0.0-test"), std::string::npos);
    // Deterministic: no clock in a per-site file.
    EXPECT_EQ(md, markdown_site_report(report::site_report_doc(s.result, ctx, prov.rows(s.result), "S1.png")));
}

// The md, html and pdf writers of a run share one document per site: built on the first of its
// users' calls (the provenance rows read once), served to the others with their own map
// source, built again after the last; an Image block without a source is not shown.
TEST(SiteReport, OneDocumentServesTheWritersThatShareIt) {
    ScreenedS1 f;
    const Screened& s = f.s;
    const RunContext& ctx = f.ctx;
    report::ProvenanceTable& prov = f.prov;
    int built = 0;
    auto rows = [&] {
        ++built;
        return prov.rows(s.result);
    };
    report::SiteReportDocCache docs(2);
    const std::string with_map = markdown_site_report(docs.get(s.result, ctx, rows, "S1.png"));
    const std::string without_map = markdown_site_report(docs.get(s.result, ctx, rows, ""));
    EXPECT_EQ(built, 1);
    EXPECT_EQ(with_map, markdown_site_report(report::site_report_doc(s.result, ctx, prov.rows(s.result), "S1.png")));
    EXPECT_EQ(without_map, markdown_site_report(report::site_report_doc(s.result, ctx, prov.rows(s.result), "")));
    EXPECT_NE(with_map.find("![Map of site S1](S1.png)"), std::string::npos);
    EXPECT_EQ(without_map.find("!["), std::string::npos);
    EXPECT_EQ(html_site_report(docs.get(s.result, ctx, rows, "")).find("<img"), std::string::npos);
    EXPECT_EQ(built, 2);  // a third call: built again
    // Another site, or another cache, is built for itself.
    const Screened t = screen_one(f.screener, point_site(0, "S2"), "high", true);
    EXPECT_NE(markdown_site_report(docs.get(t.result, ctx, rows, "S2.png")).find("(S2.png)"), std::string::npos);
    EXPECT_EQ(built, 3);
    report::SiteReportDocCache other(2);
    other.get(t.result, ctx, rows, "");
    EXPECT_EQ(built, 4);
}

TEST(SiteReport, NoBannerWithoutDemonstrationLayers) {
    TempDir tmp;
    auto layers = test_layers(tmp.path, /*demo=*/false);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1"), "low", false);
    report::ProvenanceTable prov;
    const RunContext ctx = context(tmp.path / "out", layers.get(), false);
    prov.begin(ctx);
    const report::SiteReportDoc doc = report::site_report_doc(s.result, ctx, prov.rows(s.result), "");
    const std::string md = markdown_site_report(doc);
    EXPECT_EQ(md.find("DEMONSTRATION"), std::string::npos);
    EXPECT_EQ(md.rfind("# Site S1", 0), 0u);
    const std::string html = html_site_report(doc);
    EXPECT_EQ(html.find("class=\"banner\""), std::string::npos);
}

TEST(SiteReport, HtmlIsSelfContainedWithBannerFirstAndEmbeddedMap) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    const fs::path out = tmp.path / "out";
    auto writers = make_writers({"html", "md", "png"});
    ASSERT_EQ(writers.size(), 3u);
    const RunContext ctx = context(out, layers.get(), true);
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "站点/1"), "high", false);
    std::vector<BegunWriter> begun;
    for (auto& w : writers) begun.push_back({w.get(), w->begin(ctx)});
    for (const auto& w : begun) write_site(w, s.result);
    for (auto& w : writers) w->finish(RunSummary{Json::object()});

    const std::string html = read_file(out / "sites" / "站点_1.html");
    ASSERT_FALSE(html.empty());
    keep("site.html", html);
    keep("site.md", read_file(out / "sites" / "站点_1.md"));
    const auto body = html.find("<body>");
    const auto banner = html.find("<div class=\"banner\"");
    ASSERT_NE(banner, std::string::npos);
    EXPECT_EQ(html.find_first_not_of(" \n", body + 6), banner);  // the first thing in the page
    EXPECT_LT(banner, html.find("Verdict: HIGH"));
    EXPECT_NE(html.find("src=\"data:image/png;base64,iVBORw0KGgo"), std::string::npos);
    EXPECT_NE(html.find("百花山自然保护区"), std::string::npos);
    EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
    // Nothing fetched: no external scripts, styles or images.
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_TRUE(fs::exists(out / "sites" / "站点_1.md"));
    EXPECT_TRUE(fs::exists(out / "sites" / "站点_1.png"));
    EXPECT_FALSE(has_temp_files(out));
}

TEST(SiteReport, ErrorRowsGetAReportSayingWhy) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    SiteResult r;
    r.site = error_site(0, "E1");
    const Json record = site_record(r, ScreenOptions{});
    report::ProvenanceTable prov;
    const RunContext ctx = context(tmp.path, layers.get(), true);
    prov.begin(ctx);
    const std::string md = markdown_site_report(report::site_report_doc(r, ctx, prov.rows(r), ""));
    EXPECT_NE(md.find("NOT SCREENED"), std::string::npos);
    EXPECT_NE(md.find("latitude 'abc' is not a number"), std::string::npos);
    EXPECT_EQ(md.find("## Locate"), std::string::npos);
}

// ---------------------------------------------------------------- file names

// The HTML's escaping and the map's base64 (report/formats.h), on their edge cases: RFC 4648's
// test vectors, and text with and without characters to escape.
TEST(SiteReport, Base64AndHtmlEscapeGiveTheStandardResults) {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [in, out] : vectors) EXPECT_EQ(report::base64(in), out) << in;
    EXPECT_EQ(report::base64(std::string("\xff\x00\xfe", 3)), "/wD+");
    EXPECT_EQ(report::html_escape("data:image/png;base64,iVBO+/w=="), "data:image/png;base64,iVBO+/w==");
    EXPECT_EQ(report::html_escape("生态保护红线 & <b>\"it's\"</b>"),
              "生态保护红线 &amp; &lt;b&gt;&quot;it&#39;s&quot;&lt;/b&gt;");
    EXPECT_EQ(report::html_escape("a>"), "a&gt;");
    EXPECT_EQ(report::html_escape(""), "");
}

TEST(SiteFiles, SafeStemsKeepChineseAndReplacePathCharacters) {
    EXPECT_EQ(safe_file_stem("站点 1"), "站点_1");
    EXPECT_EQ(safe_file_stem("a/b\\c:d"), "a_b_c_d");
    EXPECT_EQ(safe_file_stem("../etc/passwd"), "_._etc_passwd");
    EXPECT_EQ(safe_file_stem(""), "site");
    EXPECT_EQ(safe_file_stem("///"), "site");
    EXPECT_EQ(safe_file_stem("CON"), "_CON");
    EXPECT_EQ(safe_file_stem("ok-1.2_x"), "ok-1.2_x");
    EXPECT_EQ(safe_file_stem(std::string("bad\xff"
                                         "byte")),
              "bad_byte");
    EXPECT_LE(safe_file_stem(std::string(400, 'x')).size(), 120u);
    // Cut on a character boundary: 41 three-byte characters do not fit in 120 bytes.
    std::string cjk;
    for (int i = 0; i < 41; ++i) cjk += "站";
    EXPECT_EQ(safe_file_stem(cjk).size(), 120u);
}

TEST(SiteFiles, DuplicatesAreDisambiguatedByIndex) {
    SiteFileNames names;
    EXPECT_EQ(names.stem(0, "A"), "A");
    EXPECT_EQ(names.stem(0, "A"), "A");  // the same site asked twice
    EXPECT_EQ(names.stem(1, "a"), "a-1");
    EXPECT_EQ(names.stem(2, "A"), "A-2");
    EXPECT_EQ(names.stem(3, "x/y"), "x_y");
    EXPECT_EQ(names.stem(4, "x:y"), "x_y-4");
    EXPECT_EQ(url_path_escape("站点 1.html"), "%E7%AB%99%E7%82%B9%201.html");
}

// ---------------------------------------------------------------- GeoPackage

TEST(Gpkg, FourLayersWithTheRightFeatureCounts) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    const fs::path out = tmp.path / "out";
    Screener screener(layers, ScreenOptions{});
    std::vector<Screened> sites;
    sites.push_back(screen_one(screener, point_site(0, "S1"), "high", true));
    sites.push_back(screen_one(screener, polygon_site(1, "P1"), "low", false));
    {
        Screened e;
        e.result.site = error_site(2, "E1");
        sites.push_back(std::move(e));
    }
    std::size_t expected_hits = 0;
    for (const auto& s : sites)
        for (const auto& o : s.result.layers)
            if (o.vector()) expected_hits += o.vector()->hits.size();
    ASSERT_GE(expected_hits, 4u);  // reserve, heritage point and admin unit for S1; admin unit for P1

    // P1's low verdict left two of five criteria unassessed: sites.gpkg states it, as the reports do.
    ASSERT_TRUE(sites[1].result.verdict);
    sites[1].result.verdict->coverage.assessed = 3;
    sites[1].result.verdict->coverage.needed = 5;

    GpkgWriter writer(".html");
    const BegunWriter begun{&writer, writer.begin(context(out, layers.get(), true))};
    for (const auto& s : sites) write_site(begun, s.result);
    writer.finish(RunSummary{Json::object()});
    EXPECT_FALSE(has_temp_files(out));

    gdal_init();
    DatasetPtr ds(GDALOpenEx((out / "sites.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr,
                             nullptr));
    ASSERT_TRUE(ds);
    ASSERT_EQ(GDALDatasetGetLayerCount(ds.get()), 4);
    auto count = [&](const char* name) -> long long {
        OGRLayerH l = GDALDatasetGetLayerByName(ds.get(), name);
        return l ? OGR_L_GetFeatureCount(l, TRUE) : -1;
    };
    EXPECT_EQ(count("sites"), 3);
    EXPECT_EQ(count("buffers"), 4);  // two sites x two radii
    EXPECT_EQ(count("hits"), static_cast<long long>(expected_hits));
    EXPECT_EQ(count("alternatives"), 1);

    // The sites layer carries the verdict, criteria, key figures and the input's attributes.
    OGRLayerH sites_layer = GDALDatasetGetLayerByName(ds.get(), "sites");
    OGR_L_SetAttributeFilter(sites_layer, "site_id = 'S1'");
    FeaturePtr f(OGR_L_GetNextFeature(sites_layer));
    ASSERT_TRUE(f);
    EXPECT_STREQ(OGR_F_GetFieldAsString(f.get(), OGR_F_GetFieldIndex(f.get(), "verdict")), "high");
    EXPECT_EQ(OGR_F_GetFieldAsInteger(f.get(), OGR_F_GetFieldIndex(f.get(), "criteria_met")), 1);
    EXPECT_STREQ(OGR_F_GetFieldAsString(f.get(), OGR_F_GetFieldIndex(f.get(), "name")), "测试电站 S1");
    EXPECT_STREQ(OGR_F_GetFieldAsString(f.get(), OGR_F_GetFieldIndex(f.get(), "report")), "sites/S1.html");
    EXPECT_EQ(OGR_F_GetFieldAsInteger(f.get(), OGR_F_GetFieldIndex(f.get(), "reserves_inside")), 0);
    EXPECT_NEAR(OGR_F_GetFieldAsDouble(f.get(), OGR_F_GetFieldIndex(f.get(), "reserves_nearest_m")), 2560, 60);
    // The input's own "id" column does not clash with ours.
    EXPECT_GE(OGR_F_GetFieldIndex(f.get(), "id"), 0);

    EXPECT_STREQ(OGR_F_GetFieldAsString(f.get(), OGR_F_GetFieldIndex(f.get(), "verdict_text")), "high");
    OGR_L_SetAttributeFilter(sites_layer, "site_id = 'P1'");
    FeaturePtr p1(OGR_L_GetNextFeature(sites_layer));
    ASSERT_TRUE(p1);
    EXPECT_STREQ(OGR_F_GetFieldAsString(p1.get(), OGR_F_GetFieldIndex(p1.get(), "verdict")), "low");
    EXPECT_STREQ(OGR_F_GetFieldAsString(p1.get(), OGR_F_GetFieldIndex(p1.get(), "verdict_text")),
                 "low (3 of 5 criteria assessed)");

    // Hits are clipped to the largest buffer: the reserve's part within 5 km.
    OGRLayerH hits = GDALDatasetGetLayerByName(ds.get(), "hits");
    OGR_L_SetAttributeFilter(hits, "site_id = 'S1' AND feature_id = 'NR-1'");
    FeaturePtr h(OGR_L_GetNextFeature(hits));
    ASSERT_TRUE(h);
    // A demonstration layer's feature carries the marker (issue 20), here and in the demo_data field.
    EXPECT_STREQ(OGR_F_GetFieldAsString(h.get(), OGR_F_GetFieldIndex(h.get(), "name")), "百花山自然保护区 [DEMO]");
    EXPECT_STREQ(OGR_F_GetFieldAsString(h.get(), OGR_F_GetFieldIndex(h.get(), "demo_data")), "DEMO layer: reserves");
    OGREnvelope env;
    OGR_G_GetEnvelope(OGR_F_GetGeometryRef(h.get()), &env);
    EXPECT_GT(env.MinX, 116.30 + 0.005);  // the reserve starts at 116.30, the buffer at ~116.3415

    // The admin unit covers the whole buffer: its hit is the largest buffer itself, with the
    // buffer's box and area (gpkg_writer.cpp takes the buffer as it is for such a feature).
    OGR_L_SetAttributeFilter(hits, "site_id = 'S1' AND theme = 'admin'");
    FeaturePtr admin(OGR_L_GetNextFeature(hits));
    ASSERT_TRUE(admin);
    OGRGeometryH admin_geom = OGR_F_GetGeometryRef(admin.get());
    ASSERT_TRUE(admin_geom);
    Box buffer_box;
    const MultiPolygon& largest = sites[0].result.geometry->buffers_ll().back();
    bg::envelope(largest, buffer_box);
    OGR_G_GetEnvelope(admin_geom, &env);
    EXPECT_NEAR(env.MinX, buffer_box.min_corner().x(), 1e-9);
    EXPECT_NEAR(env.MaxX, buffer_box.max_corner().x(), 1e-9);
    EXPECT_NEAR(env.MinY, buffer_box.min_corner().y(), 1e-9);
    EXPECT_NEAR(env.MaxY, buffer_box.max_corner().y(), 1e-9);
    EXPECT_NEAR(OGR_G_Area(admin_geom), bg::area(largest), 1e-12);
}

TEST(Gpkg, AbortLeavesNothingBehind) {
    TempDir tmp;
    auto layers = test_layers(tmp.path);
    const fs::path out = tmp.path / "out";
    Screener screener(layers, ScreenOptions{});
    const Screened s = screen_one(screener, point_site(0, "S1"), "high", false);
    {
        GpkgWriter writer("");
        const BegunWriter begun{&writer, writer.begin(context(out, layers.get(), true))};
        write_site(begun, s.result);
        writer.abort();
    }
    EXPECT_TRUE(fs::is_empty(out)) << fs::directory_iterator(out)->path();
}

TEST(ReportFormats, FactoryMakesOnlyTheRequestedWriters) {
    EXPECT_EQ(make_writers({}).size(), 0u);
    EXPECT_EQ(make_writers({"jsonl", "csv", "run"}).size(), 3u);
    EXPECT_EQ(make_writers({"html", "md", "png", "gpkg", "portfolio", "jsonl"}).size(), 6u);
    EXPECT_EQ(make_writers({"docx", "png"}).size(), 1u);  // names outside the table make nothing
}

TEST(AtomicOutput, LargeFileWrittenOutAsItGrowsArrivesWhole) {
    // wrote() asks the kernel to start writing the file out every
    // kWritebackBytes; the file must still appear only at commit(), whole,
    // and nothing of it once discarded.
    TempDir tmp;
    const std::string path = (tmp.path / "big.jsonl").string();
    std::string line(1000, 'x');
    line.back() = '\n';
    const std::size_t lines = 3 * AtomicFile::kWritebackBytes / line.size() + 17;
    {
        AtomicFile file(path);
        for (std::size_t i = 0; i < lines; ++i) {
            line[0] = static_cast<char>('a' + i % 26);
            file.stream() << line;
            file.wrote(line.size());
        }
        EXPECT_FALSE(std::filesystem::exists(path)) << "visible before commit";
        file.stream().flush();
        EXPECT_EQ(std::filesystem::file_size(file.temp_path()), lines * line.size());
        file.commit();
        file.wrote(1);  // after commit: nothing to do, no error
    }
    ASSERT_EQ(std::filesystem::file_size(path), lines * line.size());
    std::ifstream in(path, std::ios::binary);
    std::string got;
    for (std::size_t i = 0; i < lines; ++i) {
        ASSERT_TRUE(std::getline(in, got)) << i;
        ASSERT_EQ(got.size() + 1, line.size()) << i;
        ASSERT_EQ(got[0], static_cast<char>('a' + i % 26)) << i;
    }
    EXPECT_FALSE(std::getline(in, got));

    std::string temp;
    {
        AtomicFile dropped((tmp.path / "dropped.jsonl").string());
        temp = dropped.temp_path();
        for (std::size_t i = 0; i < 2 * AtomicFile::kWritebackBytes / line.size(); ++i) {
            dropped.stream() << line;
            dropped.wrote(line.size());
        }
    }  // destroyed uncommitted
    EXPECT_FALSE(std::filesystem::exists(tmp.path / "dropped.jsonl"));
    EXPECT_FALSE(std::filesystem::exists(temp));
}

TEST(AtomicOutput, PerSiteFilesAppearWholeAndAreSyncedOncePerFolder) {
    // The per-site reports skip the two fsyncs a file and are made durable by one sync_folder() at
    // the end of the run; they still appear only at commit(), whole, by rename.
    TempDir tmp;
    const std::string path = (tmp.path / "s1.md").string();
    std::string temp;
    {
        AtomicFile f(path, true, Durability::AtFolderSync);
        temp = f.temp_path();
        f.stream() << "# s1\n\nno-go\n";
        f.stream().flush();
        EXPECT_FALSE(std::filesystem::exists(path)) << "visible before commit";
        EXPECT_TRUE(std::filesystem::exists(temp));
        f.commit();
    }
    EXPECT_FALSE(std::filesystem::exists(temp));
    std::ifstream in(path, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "# s1\n\nno-go\n");
    EXPECT_NO_THROW(sync_folder(tmp.path.string()));

    // The PNG, Markdown, HTML and PDF writers each sync sites/ when they finish: after the first,
    // nothing waits there and the others return at once (one syncfs a run, `strace -c`). A file
    // committed after a sync is waited for again, and a failure is reported on every call.
    EXPECT_NO_THROW(sync_folder(tmp.path.string()));
    {
        AtomicFile f((tmp.path / "s2.md").string(), true, Durability::AtFolderSync);
        f.stream() << "# s2\n";
        f.commit();
    }
    EXPECT_NO_THROW(sync_folder(tmp.path.string() + "/"));
    EXPECT_TRUE(std::filesystem::exists(tmp.path / "s2.md"));

    const std::string missing = (tmp.path / "not-there").string();
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            sync_folder(missing);
            ADD_FAILURE() << "no error for a folder that does not exist (attempt " << attempt + 1 << ")";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
        }
    }

    // The writers finish side by side: a call made while another syncs the folder waits for that
    // sync, so it fails when that one does, rather than return as if its files were on disk.
    std::atomic<int> failures{0};
    parallel_for(8, 8, [&](std::size_t) {
        try {
            sync_folder(missing);
        } catch (const InputError&) {
            failures.fetch_add(1);
        }
    });
    EXPECT_EQ(failures.load(), 8);
}
// The coverage note of a low verdict: in the run's language, empty for a complete or non-low
// verdict, an error row or a site not assessed (the map badge, PDF tables and reports show it).
TEST(ReportFormats, CoverageNoteInTheRunsLanguage) {
    Verdict v;
    v.level = Level::Low;
    v.coverage.assessed = 3;
    v.coverage.needed = 5;
    EXPECT_EQ(report::verdict_coverage_note(v), " (3 of 5 criteria assessed)");
    EXPECT_EQ(report::verdict_coverage_note(v, i18n::catalog(i18n::Lang::Zh)), "（已评估 3/5 项所需标准）");
    SiteResult r;
    r.verdict = v;
    EXPECT_EQ(report::verdict_coverage_note(r), " (3 of 5 criteria assessed)");
    r.site.error = "sites.csv:3: field lat: not a number";
    EXPECT_EQ(report::verdict_coverage_note(r), "");  // an error row states no level
    r.site.error.reset();
    r.verdict.reset();
    EXPECT_EQ(report::verdict_coverage_note(r), "");  // not assessed
    v.level = Level::Medium;                          // only a low verdict carries the note
    EXPECT_EQ(report::verdict_coverage_note(v), "");
    v.level = Level::Low;
    v.coverage.assessed = 5;
    EXPECT_EQ(report::verdict_coverage_note(v), "");
    v.coverage.assessed = 0;
    v.covered = false;  // not_covered: no layer has data there, no partial-coverage note
    EXPECT_EQ(report::verdict_coverage_note(v), "");
}

TEST(OutputFormats, OneTableNamesEveryFormatAndItsGroups) {
    using S = std::set<std::string>;
    EXPECT_EQ(output_format_list(), "jsonl,csv,gpkg,portfolio,html,md,png,pdf,run");
    EXPECT_EQ(output_format_group("data"), "jsonl,csv,run");
    EXPECT_EQ(output_format_group("all", true), "pdf");
    EXPECT_EQ(parse_formats("data"), (S{"jsonl", "csv", "run"}));
    EXPECT_EQ(parse_formats("all"), (S{"jsonl", "csv", "run", "gpkg", "portfolio", "html", "md", "png"}));
    EXPECT_EQ(parse_formats("all,pdf").count("pdf"), 1u);
    EXPECT_EQ(parse_formats("csv,,png"), (S{"csv", "png", "run"}));  // run is always written
    try {
        parse_formats("data,docx");
        FAIL() << "an unknown format must be refused";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(),
                     "--formats: unknown format 'docx' (known: all, data, jsonl, csv, gpkg, portfolio, html, md, "
                     "png, pdf, run)");
    }
}

namespace {

// "a, b" -> {"a", "b"}; backquotes dropped.
std::vector<std::string> cell_list(std::string cell) {
    cell.erase(std::remove(cell.begin(), cell.end(), '`'), cell.end());
    std::vector<std::string> out;
    std::stringstream ss(cell);
    for (std::string item; std::getline(ss, item, ',');) {
        const auto b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
        if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    }
    return out;
}

}  // namespace

// docs/cli.md's table of formats is the table of src/report/formats.cpp: the same names in the
// same order, the same files and groups, and no other format.
TEST(OutputFormats, DocsNameEveryFormatOfTheTableAndNoOther) {
    std::ifstream in(std::string(SITESCREEN_SOURCE_DIR) + "/docs/cli.md");
    ASSERT_TRUE(in) << "docs/cli.md";
    std::vector<std::vector<std::string>> rows;  // name, files, groups
    bool in_section = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("### ", 0) == 0) in_section = line == "### Output formats";
        if (!in_section || line.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        std::stringstream ss(line.substr(1));
        for (std::string c; std::getline(ss, c, '|');) cells.push_back(c);
        ASSERT_GE(cells.size(), 4u) << line;
        rows.push_back({cell_list(cells[0]).at(0), cells[1], cells[2]});
    }
    const auto& formats = output_formats();
    ASSERT_EQ(rows.size(), formats.size()) << "docs/cli.md, \"Output formats\": a row per format";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const OutputFormat& f = formats[i];
        EXPECT_EQ(rows[i][0], f.name) << "row " << i;
        EXPECT_EQ(cell_list(rows[i][1]), f.files) << f.name;
        std::vector<std::string> groups;
        if (f.in_data) groups.push_back("data");
        if (f.in_all) groups.push_back("all");
        EXPECT_EQ(cell_list(rows[i][2]), groups) << f.name;
    }
}

// `screen --help` lists every format of the table, with its files, and no other.
TEST(OutputFormats, HelpNamesEveryFormatOfTheTableAndNoOther) {
    sitescreen::testing::TempDir dir;
    const sitescreen::testing::CommandResult help =
        sitescreen::testing::run_capture(std::string(SITESCREEN_BINARY) + " screen --help", dir);
    ASSERT_EQ(help.exit_code, 0) << help.err;
    // The lines "  <name>  <files>: <description>" under --formats, up to the next option.
    const auto start = help.out.find("--formats");
    ASSERT_NE(start, std::string::npos) << help.out;
    const auto end = help.out.find("\n  -", start);
    std::stringstream ss(help.out.substr(start, end - start));
    std::vector<std::pair<std::string, std::string>> listed;
    for (std::string line; std::getline(ss, line);) {
        std::stringstream words(line);
        std::string name, rest;
        words >> name;
        std::getline(words, rest);
        const auto colon = rest.find(": ");
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos ||
            colon == std::string::npos || rest.find_first_not_of(' ') < 2)
            continue;
        listed.emplace_back(name, rest.substr(rest.find_first_not_of(' '), colon - rest.find_first_not_of(' ')));
    }
    const auto& formats = output_formats();
    ASSERT_EQ(listed.size(), formats.size()) << help.out.substr(start, end - start);
    for (std::size_t i = 0; i < formats.size(); ++i) {
        EXPECT_EQ(listed[i].first, formats[i].name);
        EXPECT_EQ(cell_list(listed[i].second), formats[i].files) << formats[i].name;
    }
}

// ---------------------------------------------------------------- the writers' finish

// A writer whose finish() records when it ran: it waits (up to ten seconds) for `partner` to
// start finishing too, to show whether the two overlap, and may throw.
class FinishProbe : public OutputWriter {
public:
    struct Shared {
        std::mutex m;
        std::condition_variable cv;
        std::vector<std::string> started, finished;
    };
    FinishProbe(Shared& s, std::string name, bool last = false, std::string partner = "", bool fails = false)
        : s_(s), name_(std::move(name)), last_(last), partner_(std::move(partner)), fails_(fails) {}
    WriterPlan begin(const RunContext&) override { return {}; }
    void write(const SiteOutput&) override {}
    void finish(const RunSummary&) override {
        std::unique_lock<std::mutex> lock(s_.m);
        s_.started.push_back(name_);
        finished_before = s_.finished.size();
        s_.cv.notify_all();
        if (!partner_.empty())
            saw_partner = s_.cv.wait_for(lock, std::chrono::seconds(10), [&] {
                return std::find(s_.started.begin(), s_.started.end(), partner_) != s_.started.end();
            });
        if (fails_) throw std::runtime_error(name_ + ": cannot commit");
        s_.finished.push_back(name_);
    }
    void abort() noexcept override {}
    bool finishes_last() const override { return last_; }
    bool saw_partner = false;
    std::size_t finished_before = 0;  // how many writers had finished when this one started

private:
    Shared& s_;
    std::string name_;
    bool last_;
    std::string partner_;
    bool fails_;
};

// On two threads the GeoPackage-like and portfolio-like writers finish side by side (each sees
// the other start before it returns), and the run.json-like writer, listed before them, finishes
// after both.
TEST(FinishWriters, OthersFinishSideBySideAndTheLastOneAfterThemAll) {
    FinishProbe::Shared s;
    FinishProbe run_json(s, "run.json", true), gpkg(s, "gpkg", false, "page"), page(s, "page", false, "gpkg");
    finish_writers({&run_json, &gpkg, &page}, RunSummary{Json::object()}, 2);
    EXPECT_TRUE(gpkg.saw_partner);
    EXPECT_TRUE(page.saw_partner);
    EXPECT_EQ(run_json.finished_before, 2u);
    EXPECT_EQ(s.finished.back(), "run.json");
}

// On one thread the writers finish in their order, the last one after them, as a plain loop.
TEST(FinishWriters, OneThreadFinishesInOrder) {
    FinishProbe::Shared s;
    FinishProbe a(s, "a"), last(s, "run.json", true), b(s, "b"), c(s, "c");
    finish_writers({&a, &last, &b, &c}, RunSummary{Json::object()}, 1);
    EXPECT_EQ(s.finished, (std::vector<std::string>{"a", "b", "c", "run.json"}));
}

// A writer that throws: its exception reaches the caller, no writer is started after it (one
// thread), and the last writer (run.json, which says the run is complete) is not written.
TEST(FinishWriters, AFailureIsRethrownAndRunJsonIsNotWritten) {
    FinishProbe::Shared s;
    FinishProbe a(s, "a"), bad(s, "gpkg", false, "", true), c(s, "c"), last(s, "run.json", true);
    try {
        finish_writers({&a, &bad, &c, &last}, RunSummary{Json::object()}, 1);
        FAIL() << "the writer's exception was swallowed";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "gpkg: cannot commit");
    }
    EXPECT_EQ(s.started, (std::vector<std::string>{"a", "gpkg"}));
    EXPECT_EQ(s.finished, (std::vector<std::string>{"a"}));

    // On four threads too: the exception comes back once the others have returned, and run.json
    // is never started.
    FinishProbe::Shared s4;
    FinishProbe a4(s4, "a"), bad4(s4, "gpkg", false, "", true), last4(s4, "run.json", true);
    EXPECT_THROW(finish_writers({&a4, &bad4, &last4}, RunSummary{Json::object()}, 4), std::runtime_error);
    EXPECT_EQ(std::count(s4.started.begin(), s4.started.end(), "run.json"), 0);
}

// The helper behind finish_writers, the admin outline and the layer index's overlap marks: every
// job runs once, whatever the thread count (more threads than jobs, none asked for).
TEST(ParallelFor, EveryJobRunsOnceOnAnyThreadCount) {
    for (unsigned threads : {0u, 1u, 2u, 3u, 64u})
        for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
            std::vector<std::atomic<int>> runs(count);
            parallel_for(count, threads, [&](std::size_t i) { runs[i].fetch_add(1); });
            for (std::size_t i = 0; i < count; ++i)
                EXPECT_EQ(runs[i].load(), 1) << "job " << i << " of " << count << " on " << threads << " threads";
        }
}
