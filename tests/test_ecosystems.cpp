// Ecosystems at a site (config/ecosystems.yaml, #23 item 2): land-cover classes to IUCN GET units, the
// mix in each buffer (checked against the raster shares the screen measured), and E1's services.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "i18n/messages.h"
#include "screen/assess.h"
#include "screen/ecosystems.h"
#include "support/fixtures.h"
#include "support/require.h"
#include "support/sample_sites.h"

using namespace sitescreen;
using sitescreen::testing::read_all;
using sitescreen::testing::shipped_layers;
using sitescreen::testing::TempDir;

namespace {

const std::string kMap = std::string(SITESCREEN_SOURCE_DIR) + "/config/ecosystems.yaml";
const std::string kProfiles = std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles";

const ActivityTable& activities() {
    static const ActivityTable t = ActivityTable::load(std::string(SITESCREEN_SOURCE_DIR) + "/config/activities.yaml");
    return t;
}
const EcosystemMap& eco() {
    static const EcosystemMap m = EcosystemMap::load(kMap, activities());
    return m;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST(Ecosystems, GetLevelsFollowTheCode) {
    EXPECT_EQ(get_level("T"), "realm");
    EXPECT_EQ(get_level("TF"), "realm");
    EXPECT_EQ(get_level("T7"), "biome");
    EXPECT_EQ(get_level("TF1"), "biome");
    EXPECT_EQ(get_level("T7.1"), "functional_group");
    EXPECT_EQ(get_level("MFT1.2"), "functional_group");
    EXPECT_EQ(get_level("X1"), "unknown");
    EXPECT_EQ(get_level("T7."), "unknown");
}

TEST(Ecosystems, EveryModisAndWorldCoverClassIsMappedAndEveryCodeIsNamedInBothLanguages) {
    for (long long v = 0; v <= 16; ++v) EXPECT_NE(eco().unit("modis_igbp", v), nullptr) << v;
    for (long long v : {10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100})
        EXPECT_NE(eco().unit("worldcover", v), nullptr) << v;
    EXPECT_EQ(eco().unit("modis_igbp", 255), nullptr);  // fill
    EXPECT_EQ(eco().unit("wdpa", 1), nullptr);
    // Only classes that are a functional group are mapped to one (the limits in docs/leap.md).
    EXPECT_EQ(eco().unit("modis_igbp", 12)->code, "T7.1");
    EXPECT_EQ(eco().unit("modis_igbp", 13)->code, "T7.4");
    EXPECT_EQ(eco().unit("modis_igbp", 15)->code, "T6.1");
    EXPECT_EQ(eco().unit("worldcover", 95)->code, "MFT1.2");
    EXPECT_EQ(eco().unit("modis_igbp", 4)->code, "T");  // temperate deciduous or tropical dry: land cover cannot tell
    EXPECT_EQ(eco().unit("modis_igbp", 4)->candidates, (std::vector<std::string>{"T2.2", "T1.2"}));
    // Every code the file uses has a name in en and zh.
    std::string text;  // the file without its comments
    {
        std::istringstream in(read_text(kMap));
        for (std::string line; std::getline(in, line);) text += line.substr(0, line.find('#')) + "\n";
    }
    static const std::regex code(R"((?:get: |candidates: \[|, )((?:T|F|M|S|TF|FM|MT|MFT|SF|SM)[0-9.]*)\b)");
    std::set<std::string> codes;
    for (std::sregex_iterator it(text.begin(), text.end(), code), end; it != end; ++it) codes.insert((*it)[1].str());
    EXPECT_GT(codes.size(), 40u);
    for (std::string c : codes) {
        std::replace(c.begin(), c.end(), '.', '_');
        for (i18n::Lang lang : i18n::languages())
            EXPECT_TRUE(i18n::catalog(lang).has("ecosystem.get." + c)) << c << " " << i18n::to_string(lang);
    }
}

TEST(Ecosystems, ServicesAreThoseEveryCandidateProvides) {
    // Deciduous broadleaf: both candidates are forests, so the forests' services.
    const auto forest = eco().services_of(*eco().unit("modis_igbp", 4));
    EXPECT_TRUE(has(forest, "water_flow_regulation"));
    EXPECT_TRUE(has(forest, "soil_and_sediment_retention"));
    // Croplands and urban provide none of them (T7).
    EXPECT_TRUE(eco().services_of(*eco().unit("modis_igbp", 12)).empty());
    EXPECT_TRUE(eco().services_of(*eco().unit("modis_igbp", 13)).empty());
    // Water: the freshwater candidates' services; the sea (M) has no entry and is left out.
    const auto water = eco().services_of(*eco().unit("modis_igbp", 0));
    EXPECT_TRUE(has(water, "water_supply"));
    // Barren: desert (soil retention) and alpine scree (water) share nothing.
    EXPECT_TRUE(eco().services_of(*eco().unit("modis_igbp", 16)).empty());
}

TEST(Ecosystems, BadMapNamesTheFileAndTheKey) {
    TempDir dir;
    std::string text = read_text(kMap);
    text.replace(text.find("13: {get: T7.4"), 14, "13: {get: X7.4");
    try {
        (void)EcosystemMap::load(dir.write("ecosystems.yaml", text), activities());
        FAIL() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("ecosystems.yaml: presets.modis_igbp.13.get: 'X7.4' is not a GET code"),
                  std::string::npos)
            << e.what();
    }
    text = read_text(kMap);
    const std::string t5 = "T5:   [soil_and_sediment_retention]";
    text.replace(text.find(t5), t5.size(), "T5:   [sand_supply]");
    try {
        (void)EcosystemMap::load(dir.write("ecosystems2.yaml", text), activities());
        FAIL() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("provides.T5: 'sand_supply' is not a service"), std::string::npos)
            << e.what();
    }
}

// L3 names the ecosystem at each sample site and its mix per buffer; the mix adds up the class
// shares the screen measured, class by class through the map (an independent sum here); E1 lists
// only dependencies of the site's activity that an ecosystem found there provides.
TEST(Ecosystems, SampleSitesNameTheirEcosystemAndE1ListsServicesTheyProvide) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(kProfiles), layers);
    Screener screener(layers, ScreenOptions{});
    std::size_t with_services = 0, named = 0;
    for (const Site& site : read_all(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv")) {
        SCOPED_TRACE(site.id);
        SiteResult r = screener.screen(site, assessor.radii_for(site.type));
        assessor.assess(r, screener);
        const Json ecos = to_json(r.locate->ecosystems);  // as the record has it
        ASSERT_TRUE(ecos.is_array());
        for (const LayerOutcome& o : r.layers) {
            if (!o.raster() || !o.spec->categorical || o.spec->theme != "land_cover") continue;
            const Json* e = nullptr;
            for (const auto& x : ecos)
                if (x["layer"] == o.spec->id) e = &x;
            ASSERT_NE(e, nullptr) << o.spec->id;
            if (!eco().maps(o.spec->preset)) {
                EXPECT_FALSE((*e)["mapped"].get<bool>());
                continue;
            }
            if (o.raster()->value_at_site) {
                const GetUnit* u = eco().unit(o.spec->preset, std::llround(*o.raster()->value_at_site));
                ASSERT_NE(u, nullptr);
                EXPECT_EQ((*e)["at_site"]["get"]["code"], u->code);
                ++named;
            }
            ASSERT_EQ((*e)["buffers"].size(), o.raster()->buffers.size());
            for (std::size_t i = 0; i < o.raster()->buffers.size(); ++i) {
                std::map<std::string, double> want;  // per unit: code and its candidates
                for (const auto& [value, share] : o.raster()->buffers[i].class_shares)
                    if (const GetUnit* u = eco().unit(o.spec->preset, value))
                        want[Json(u->candidates).dump() + u->code] += share;
                const Json& mix = (*e)["buffers"][i]["mix"];
                ASSERT_EQ(mix.size(), want.size());
                for (const auto& m : mix)
                    EXPECT_NEAR(m["share"].get<double>(),
                                want.at(m["candidates"].dump() + m["code"].get<std::string>()), 0.0006);
            }
        }
        const Json services = to_json(r.evaluate->services);
        ASSERT_TRUE(services.is_array());
        const ActivityRow* row = activities().find(r.locate->activity.id);
        ASSERT_NE(row, nullptr);
        for (const auto& s : services) {
            const std::string id = s["service"].get<std::string>();
            const auto mat = activities().materiality(row->dependencies.at(id));
            ASSERT_TRUE(mat.has_value());
            EXPECT_NE(*mat, Materiality::None);
            ASSERT_FALSE(s["provided_by"].empty());
            for (const auto& by : s["provided_by"]) {
                // The provider is an ecosystem L3 found, and the map says it provides the service.
                bool found = false;
                GetUnit u{by["code"].get<std::string>(), by["candidates"].get<std::vector<std::string>>()};
                EXPECT_TRUE(has(eco().services_of(u), id)) << by.dump();
                for (const auto& e : ecos) {
                    if (e["at_site"].is_object() && e["at_site"]["get"].is_object() &&
                        e["at_site"]["get"]["code"] == by["code"])
                        found = true;
                    for (const auto& b : e.value("buffers", Json::array()))
                        for (const auto& m : b["mix"])
                            if (m["code"] == by["code"] && m["candidates"] == by["candidates"]) found = true;
                }
                EXPECT_TRUE(found) << by.dump();
            }
        }
        if (!services.empty()) ++with_services;
    }
    EXPECT_GT(named, 10u);         // MODIS covers every sample site
    EXPECT_GT(with_services, 3u);  // forest, wetland and water sites supply services their activity relies on
}
