// A third layer kind, registered by the test alone (docs/architecture.md, "Adding a layer kind"): a tiny
// in-memory layer whose probes return a constant measurement, screened through the Screener and
// written into a site's record with no change to the screener or the output code.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "layers/raster/raster_kind.h"
#include "layers/registry.h"
#include "report/record_line.h"
#include "screen/screener.h"
#include "support/fixtures.h"

namespace sitescreen {
namespace {

std::atomic<int> probes_made{0};

// Every site reads `value` everywhere: 42 at the site and 42 as the mean of each buffer.
class ConstantProbe final : public Probe {
public:
    explicit ConstantProbe(std::shared_ptr<int> sites_on_thread) : sites_(std::move(sites_on_thread)) {}
    Measurement measure(const SiteGeometry& site, const ProbeOptions&) override {
        ++*sites_;
        RasterMeasurement m;
        m.value_at_site = 42.0;
        for (std::size_t k = 0; k < site.radii_m.size(); ++k) {
            RasterBufferStats b;
            b.radius_m = site.radii_m[k];
            b.buffer_area_m2 = site.buffer_area_m2[k];
            b.valid_share = 1;
            b.mean = b.min = b.max = 42.0;
            m.buffers.push_back(b);
        }
        return m;
    }

private:
    std::shared_ptr<int> sites_;  // shared by this thread's probes (ThreadState)
};

class ConstantLayer final : public Layer {
public:
    explicit ConstantLayer(const LayerSpec& spec) : spec_(spec) {}
    const LayerSpec& spec() const override { return spec_; }
    std::unique_ptr<Probe> make_probe(ThreadState& thread) const override {
        ++probes_made;
        return std::make_unique<ConstantProbe>(thread.get<int>());
    }
    void describe(Json& entry) const override { entry["constant"] = 42; }
    std::string check(Json& entry) const override {
        describe(entry);
        return "constant  42 everywhere";
    }

private:
    LayerSpec spec_;
};

// A catalog entry of a kind with no data of its own.
std::string catalog_entry(const std::string& id, const std::string& kind) {
    return "  - id: " + id + "\n    kind: " + kind +
           "\n    path: nothing.dat\n    criterion: context\n    theme: test\n";
}

void register_constant_kind() {
    LayerKindInfo k;
    k.name = "constant";
    k.open = [](const LayerSpec& spec, unsigned) -> std::unique_ptr<Layer> {
        return std::make_unique<ConstantLayer>(spec);
    };
    k.check_spec = [](const LayerSpec&) { return std::string(); };
    // Its measurements are a raster's, so they are written as a raster layer's are.
    k.measures = MeasurementIndex<RasterMeasurement>::value;
    k.summary_columns = raster_summary_columns;
    k.key_columns = raster_key_columns;
    register_layer_kind(std::move(k));
}

TEST(LayerKinds, BuiltInKindsAreRegistered) {
    const std::vector<std::string> names = layer_kind_names();
    ASSERT_GE(names.size(), 2u);
    EXPECT_EQ(names[0], "vector");
    EXPECT_EQ(names[1], "raster");
    EXPECT_EQ(find_layer_kind("no such kind"), nullptr);
    LayerSpec raster;
    raster.kind = "raster";
    EXPECT_TRUE(measures<RasterMeasurement>(raster));
    EXPECT_FALSE(measures<VectorMeasurement>(raster));
    // A kind's rules on its catalog entries: a raster takes no OGR filter.
    raster.filter = "x = 1";
    EXPECT_EQ(layer_kind(raster).check_spec(raster), "'filter' applies to vector layers only");
}

TEST(LayerKinds, AThirdKindIsScreenedThroughTheScreener) {
    register_constant_kind();
    testing::TempDir dir;
    // The catalog accepts the kind once registered.
    dir.write("catalog.yaml", "layers:\n" + catalog_entry("everywhere", "constant"));
    const Catalog cat = load_catalog(dir.file("catalog.yaml"));
    ASSERT_EQ(cat.layers.size(), 1u);
    EXPECT_EQ(cat.layers[0].kind, "constant");
    EXPECT_FALSE(measures<VectorMeasurement>(cat.layers[0]));
    EXPECT_EQ(layer_kind(cat.layers[0]).summary_columns(cat.layers[0]).site.size(), 1u);

    const int before = probes_made;
    auto layers = LayerSet::open(cat);
    EXPECT_EQ(layers->vectors()[0], nullptr);  // no features in memory
    Json described = Json::object();
    layers->layer(0).describe(described);
    EXPECT_EQ(described["constant"], 42);

    ScreenOptions options;
    options.radii_m = {1000, 5000};
    Screener screener(layers, options);
    EXPECT_EQ(probes_made - before, 1);  // one probe per layer per screener
    Site site;
    site.id = "s1";
    site.where = "test";
    site.lonlat = {116.4, 39.9};
    site.has_coordinates = true;
    const SiteResult r = screener.screen(site);
    ASSERT_FALSE(r.site.error) << *r.site.error;
    ASSERT_EQ(r.layers.size(), 1u);
    ASSERT_NE(r.layers[0].raster(), nullptr);
    EXPECT_EQ(r.layers[0].vector(), nullptr);
    EXPECT_EQ(*r.layers[0].raster()->value_at_site, 42.0);
    ASSERT_EQ(r.layers[0].raster()->buffers.size(), 2u);
    const double kDisc = 3.14159265358979 * 5000 * 5000;
    EXPECT_NEAR(r.layers[0].raster()->buffers[1].buffer_area_m2, kDisc, 0.01 * kDisc);

    // The record writes it as it writes a raster's measurement, under its own kind.
    const Json rec = site_record(r, options);
    ASSERT_EQ(rec["layers"].size(), 1u);
    const Json& entry = rec["layers"][0];
    EXPECT_EQ(entry["layer"], "everywhere");
    EXPECT_EQ(entry["kind"], "constant");
    EXPECT_EQ(entry["value_at_site"], 42.0);
    EXPECT_EQ(entry["buffers"][1]["mean"], 42.0);
    // Its GeoPackage key figures come from the measurement.
    const std::vector<KeyValue> keys = key_values(r.layers[0].measurement, cat.layers[0], i18n::Lang::En);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(std::get<double>(keys[0]), 42.0);
}

// Layers open side by side (raster layers first); the layer reported as failing is the first in
// catalog order that cannot be used, whatever the thread count and whichever fails first in time.
TEST(LayerKinds, TheFirstBadLayerInCatalogOrderIsReportedWhateverTheThreads) {
    // "slow_bad" fails after a while; "quick_bad" at once, and is opened first (as a raster).
    auto failing = [](const std::string& name, std::size_t measures, int delay_ms) {
        LayerKindInfo k;
        k.name = name;
        k.open = [delay_ms](const LayerSpec& spec, unsigned) -> std::unique_ptr<Layer> {
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
            throw InputError("layer '" + spec.id + "': cannot be used");
        };
        k.check_spec = [](const LayerSpec&) { return std::string(); };
        k.measures = measures;
        k.summary_columns = raster_summary_columns;
        k.key_columns = raster_key_columns;
        return k;
    };
    register_layer_kind(failing("slow_bad", MeasurementIndex<VectorMeasurement>::value, 50));
    register_layer_kind(failing("quick_bad", MeasurementIndex<RasterMeasurement>::value, 0));
    register_constant_kind();
    testing::TempDir dir;
    dir.write("catalog.yaml", "layers:\n" + catalog_entry("first_bad", "slow_bad") +
                                  catalog_entry("second_bad", "quick_bad") + catalog_entry("fine", "constant"));
    const Catalog cat = load_catalog(dir.file("catalog.yaml"));
    for (unsigned threads : {1u, 2u, 3u}) {
        std::vector<std::string> started;
        try {
            (void)LayerSet::open(
                cat, [&](const LayerSpec& l) { started.push_back(l.id); }, threads);
            ADD_FAILURE() << "no error with " << threads << " thread(s)";
        } catch (const InputError& e) {
            EXPECT_EQ(std::string(e.what()), "layer 'first_bad': cannot be used") << threads << " thread(s)";
        }
        // The raster layers start first; once second_bad has failed, the layer after it in the
        // catalog does not start, the one before it does.
        ASSERT_FALSE(started.empty());
        EXPECT_EQ(started.front(), "second_bad");
        EXPECT_NE(std::find(started.begin(), started.end(), "first_bad"), started.end());
        if (threads == 1) {
            EXPECT_EQ(started, (std::vector<std::string>{"second_bad", "first_bad"}));
        }
    }
}

}  // namespace
}  // namespace sitescreen
