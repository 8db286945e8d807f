// Dependencies and impacts by activity (config/activities.yaml, #23 item 1): the table loads and is
// complete, its ratings are ENCORE's, a site's `activity` / `isic` attribute picks its row, an unknown
// one is a warning naming the site and the attribute, and L2 / E2 of the sample sites show the row.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "i18n/messages.h"
#include "screen/activities.h"
#include "screen/assess.h"
#include "support/fixtures.h"
#include "support/require.h"
#include "support/sample_sites.h"

using namespace sitescreen;
using sitescreen::testing::read_all;
using sitescreen::testing::shipped_layers;
using sitescreen::testing::TempDir;

namespace {

const std::string kTable = std::string(SITESCREEN_SOURCE_DIR) + "/config/activities.yaml";
const std::string kProfiles = std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles";

const ActivityTable& table() {
    static const ActivityTable t = ActivityTable::load(kTable);
    return t;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string load_error(const std::string& yaml) {
    TempDir dir;
    try {
        (void)ActivityTable::load(dir.write("activities.yaml", yaml));
    } catch (const InputError& e) {
        return e.what();
    }
    return "(loaded)";
}

// A record's list (dependencies or impacts) as id -> ENCORE rating.
std::map<std::string, std::string> ratings(const Json& list, const char* id_key) {
    std::map<std::string, std::string> out;
    for (const auto& e : list) out[e[id_key].get<std::string>()] = e["encore_rating"].get<std::string>();
    return out;
}

// The site's warning about its activity attribute (screening may add others), or "".
std::string activity_warning(const SiteResult& r) {
    for (const auto& w : r.warnings)
        if (w.find("attribute 'activity'") != std::string::npos || w.find("attribute 'isic'") != std::string::npos)
            return w;
    return "";
}

}  // namespace

TEST(Activities, ShippedTableHasTheProfileSubTypesAndEveryRatingOfEachRow) {
    const ActivityTable& t = table();
    for (const char* id : {"metal_ore_mining", "hard_rock_lithium", "nickel_laterite", "lithium_brine", "cathode_plant",
                           "battery_cell_plant", "vehicle_assembly", "charging_hub"})
        EXPECT_NE(t.find(id), nullptr) << id;
    EXPECT_GE(t.services.size(), 10u);
    EXPECT_GE(t.pressures.size(), 13u);
    for (const auto& row : t.rows) {
        EXPECT_EQ(row.dependencies.size(), t.services.size()) << row.id;
        EXPECT_EQ(row.impacts.size(), t.pressures.size()) << row.id;
        if (row.match == "judgement") {
            EXPECT_FALSE(row.note.empty()) << row.id;
        }
    }
    // Every shipped profile names a default row that belongs to it.
    for (const auto& [type, p] : load_profiles(kProfiles)) {
        const ActivityRow* row = t.find(p.activity);
        ASSERT_NE(row, nullptr) << type;
        EXPECT_EQ(row->profile, type);
        EXPECT_EQ(row->value_chain, p.value_chain) << type;
    }
    EXPECT_EQ(t.encore_licence, "CC BY-SA 4.0");
    EXPECT_NE(t.encore_version.find("May 2026"), std::string::npos) << t.encore_version;
}

// Cells of ENCORE's "06. Dependency mat ratings.csv" and "07. Pressure mat ratings.csv" (May 2026),
// read off the files for the rows named: the table copies them, it does not set them. The files
// read are the redistribution named in config/activities.yaml, not ENCORE's own download (which
// needs a registration and was not checked: docs/leap.md).
TEST(Activities, RatingsAreEncoresCells) {
    const ActivityTable& t = table();
    EXPECT_EQ(t.find("metal_ore_mining")->encore_code, "B_7_72");
    EXPECT_EQ(t.find("metal_ore_mining")->dependencies.at("water_purification"), "VH");  // B_7_72
    EXPECT_EQ(t.find("metal_ore_mining")->dependencies.at("rainfall_pattern_regulation"), "VH");
    EXPECT_EQ(t.find("metal_ore_mining")->impacts.at("emissions_of_nutrient_soil_and_water_pollutants"), "ND");
    EXPECT_EQ(t.find("battery_cell_plant")->encore_code, "C_27_272");
    EXPECT_EQ(t.find("battery_cell_plant")->impacts.at("emissions_of_toxic_soil_and_water_pollutants"), "H");
    EXPECT_EQ(t.find("battery_cell_plant")->dependencies.at("soil_and_sediment_retention"), "L");
    EXPECT_EQ(t.find("vehicle_assembly")->encore_code, "C_29_291");
    EXPECT_EQ(t.find("vehicle_assembly")->impacts.at("disturbances"), "VH");
    EXPECT_EQ(t.find("vehicle_assembly")->dependencies.at("soil_and_sediment_retention"), "M");
    EXPECT_EQ(t.find("lithium_brine")->impacts.at("emissions_of_ghg"), "H");         // B_8_89
    EXPECT_EQ(t.find("charging_hub")->dependencies.at("water_purification"), "ND");  // G_47_473
    // The scale: ND is no data, never a materiality; N/A is none.
    EXPECT_FALSE(t.materiality("ND").has_value());
    EXPECT_EQ(t.materiality("N/A"), Materiality::None);
    EXPECT_EQ(t.materiality("VH"), Materiality::High);
    EXPECT_EQ(t.materiality("M"), Materiality::Medium);
    EXPECT_EQ(t.materiality("VL"), Materiality::Low);
    // Rows ENCORE does not name are marked as the project's judgement, the others as exact.
    for (const char* id : {"hard_rock_lithium", "nickel_laterite", "lithium_brine", "cathode_plant", "charging_hub"})
        EXPECT_EQ(t.find(id)->match, "judgement") << id;
    for (const char* id : {"metal_ore_mining", "battery_cell_plant", "vehicle_assembly"})
        EXPECT_EQ(t.find(id)->match, "exact") << id;
}

TEST(Activities, IsicClassPicksTheRowWhateverItsSpreadsheetForm) {
    const ActivityTable& t = table();
    EXPECT_EQ(t.find_isic("2720")->id, "battery_cell_plant");
    EXPECT_EQ(t.find_isic("729")->id, "metal_ore_mining");  // 0729 read from a number column
    EXPECT_EQ(t.find_isic("2910.0")->id, "vehicle_assembly");
    EXPECT_EQ(t.find_isic(" 4730 ")->id, "charging_hub");
    EXPECT_EQ(t.find_isic("1234"), nullptr);
    EXPECT_EQ(t.find_isic("C2720"), nullptr);
}

TEST(Activities, LoadErrorsNameTheFileAndTheKey) {
    std::string text = read_text(kTable);
    // A rating off the scale.
    std::string bad = text;
    bad.replace(bad.find("storm_mitigation: M,"), 20, "storm_mitigation: X,");
    std::string msg = load_error(bad);
    EXPECT_NE(
        msg.find("activities.yaml: activities.metal_ore_mining.dependencies.storm_mitigation: 'X' is not on the scale"),
        std::string::npos)
        << msg;
    // A missing rating.
    bad = text;
    bad.replace(bad.find(" storm_mitigation: M,"), 21, "");
    msg = load_error(bad);
    EXPECT_NE(msg.find("activities.metal_ore_mining.dependencies.storm_mitigation: missing"), std::string::npos) << msg;
    // A judgement row without its note.
    bad = text;
    const auto at = bad.find(", match: judgement,");
    bad.replace(at, bad.find('}', at) - at, ", match: judgement");
    msg = load_error(bad);
    EXPECT_NE(msg.find("activities.hard_rock_lithium.encore.note: a judgement mapping needs a note"), std::string::npos)
        << msg;
    // Two rows for one ISIC class.
    bad = text;
    bad.replace(bad.find("isic: [\"2910\"]"), 14, "isic: [\"2720\"]");
    msg = load_error(bad);
    EXPECT_NE(msg.find("activities.vehicle_assembly.isic: class 2720 already picks 'battery_cell_plant'"),
              std::string::npos)
        << msg;
}

// A user's table (SITESCREEN_ACTIVITIES) may list an activity or a service the message catalogs do
// not name: its own `title` / `title_zh` name it in the record (in the run's language), and without
// them its id does; the catalog's name is the default for the shipped ids.
TEST(Activities, AUsersActivityIsNamedByItsOwnTitlesElseByItsId) {
    std::string yaml = read_text(kTable);
    const std::string row = yaml.substr(yaml.find("  charging_hub:\n"));
    std::string named = row, bare = row;
    named.replace(
        0, std::string("  charging_hub:\n").size(),
        "  sodium_battery_plant:\n    title: \"Sodium-ion battery plant\"\n    title_zh: \"钠离子电池工厂\"\n");
    bare.replace(0, std::string("  charging_hub:\n").size(), "  bare_plant:\n");
    for (std::string* r : {&named, &bare}) r->replace(r->find("isic: [\"4730\"]"), 14, "isic: []");
    yaml += named + bare;
    yaml.replace(yaml.find("  water_supply:  "), 17,
                 "  water_supply: {title: \"Water supply (mine)\", title_zh: \"供水（自定）\", encore: \"Water "
                 "supply\", criteria: [water_risk, ecosystem_services]}\n  old_water_supply:");
    // old_water_supply: the shipped line, renamed; every row rates water_supply already, so rate the
    // renamed one too by copying the rows' water_supply ratings.
    for (std::size_t at = yaml.find("dependencies: {water_supply: "); at != std::string::npos;
         at = yaml.find("dependencies: {water_supply: ", at + 40)) {
        const std::size_t v = at + std::string("dependencies: {water_supply: ").size();
        const std::string rating = yaml.substr(v, yaml.find(',', v) - v);
        yaml.insert(v + rating.size(), ", old_water_supply: " + rating);
    }
    TempDir dir;
    const ActivityTable t = ActivityTable::load(dir.write("activities.yaml", yaml));
    ActivityChoice named_choice, bare_choice, shipped_choice;
    named_choice.row = t.find("sodium_battery_plant");
    bare_choice.row = t.find("bare_plant");
    shipped_choice.row = t.find("charging_hub");
    ASSERT_TRUE(named_choice.row && bare_choice.row && shipped_choice.row);
    {
        i18n::Scope zh(i18n::Lang::Zh);
        const ActivityUse u = activity_use(t, named_choice);
        EXPECT_EQ(u.title, "钠离子电池工厂");
        ASSERT_GE(u.dependencies.size(), 2u);
        EXPECT_EQ(u.dependencies[0].title, "供水（自定）");
        EXPECT_EQ(u.dependencies[1].title, "old_water_supply");  // no title, no catalog name: the id
        EXPECT_EQ(activity_use(t, bare_choice).title, "bare_plant");
        EXPECT_EQ(activity_use(t, shipped_choice).title, "电动汽车充电站");
    }
    const ActivityUse en = activity_use(t, named_choice);
    EXPECT_EQ(en.title, "Sodium-ion battery plant");
    ASSERT_FALSE(en.dependencies.empty());
    EXPECT_EQ(en.dependencies[0].title, "Water supply (mine)");
    EXPECT_EQ(activity_use(t, shipped_choice).title, "EV charging hub");
    EXPECT_EQ(activity_use(t, bare_choice).title, "bare_plant");
}

TEST(Activities, AProfileWhoseDefaultActivityIsNotInTheTableIsRefused) {
    auto profiles = load_profiles(kProfiles);
    profiles.at("mine").activity = "gold_panning";
    try {
        const Assessor a(profiles, nullptr);
        FAIL() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("mine.yaml: activity: 'gold_panning' is not in"), std::string::npos)
            << e.what();
    }
}

// #23 "Done when": for each sample site type L2 shows dependencies and impacts from the activity
// table, and changing the site's `activity` changes them.
TEST(Activities, SampleSitesShowTheirActivityInL2AndChangingItChangesThem) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    const std::string csv = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv";
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(kProfiles), layers);
    Screener screener(layers, ScreenOptions{});
    const std::vector<Site> sites = read_all(csv);
    // One sample site of each type, its profile's default row, and another row to switch to.
    struct Case {
        const char* id;
        const char* type;
        const char* default_row;
        const char* other_row;
    };
    for (const Case& c : {Case{"C05", "plant", "vehicle_assembly", "battery_cell_plant"},
                          Case{"C10", "mine", "metal_ore_mining", "lithium_brine"},
                          Case{"C09", "charger", "charging_hub", "vehicle_assembly"}}) {
        SCOPED_TRACE(c.id);
        auto it = std::find_if(sites.begin(), sites.end(), [&](const Site& s) { return s.id == c.id; });
        ASSERT_NE(it, sites.end());
        ASSERT_EQ(it->type, c.type);
        ASSERT_FALSE(it->attributes.contains("activity"));

        SiteResult r = screener.screen(*it, assessor.radii_for(it->type));
        assessor.assess(r, screener);
        const Json l2 = to_json(r.locate->activity);  // as the record has it
        EXPECT_EQ(l2["id"], c.default_row);
        EXPECT_EQ(l2["from"], "profile_default");
        const ActivityRow& row = *table().find(c.default_row);
        EXPECT_EQ(ratings(l2["dependencies"], "service"), row.dependencies);
        EXPECT_EQ(ratings(l2["impacts"], "pressure"), row.impacts);
        EXPECT_EQ(l2["encore"]["code"], row.encore_code);
        // E2 pairs each rated dependency and impact with what Locate found for its criteria.
        const Json e2 = to_json(r.evaluate->activity);
        ASSERT_FALSE(e2["dependencies"].empty());
        ASSERT_FALSE(e2["impacts"].empty());
        for (const char* kind : {"dependencies", "impacts"})
            for (const auto& e : e2[kind]) {
                for (const auto& f : e["locate"]) {
                    const Json l4 = l4_json(r.locate.value().criteria)["criteria"][f["criterion"].get<std::string>()];
                    EXPECT_EQ(f["status"], l4["status"]) << e.dump();
                    EXPECT_EQ(f["exposure"], l4["exposure"]) << e.dump();
                }
                bool met = false;
                for (const auto& f : e["locate"]) met = met || f["status"] == "met";
                if (met) {
                    EXPECT_EQ(e["found"], "met") << e.dump();
                }
                if (e["locate"].empty()) {
                    EXPECT_EQ(e["found"], "location_independent") << e.dump();
                }
                EXPECT_NE(e["materiality"], "none") << e.dump();  // ENCORE N/A is left out of E2
            }

        // The same site with another activity: L2 and E2 follow the new row.
        Site changed = *it;
        changed.attributes["activity"] = c.other_row;
        SiteResult r2 = screener.screen(changed, assessor.radii_for(changed.type));
        assessor.assess(r2, screener);
        EXPECT_EQ(to_json(r2.locate->activity)["id"], c.other_row);
        EXPECT_EQ(to_json(r2.locate->activity)["from"], "attribute:activity");
        const ActivityRow& other = *table().find(c.other_row);
        EXPECT_EQ(ratings(to_json(r2.locate->activity)["dependencies"], "service"), other.dependencies);
        EXPECT_EQ(ratings(to_json(r2.locate->activity)["impacts"], "pressure"), other.impacts);
        EXPECT_NE(to_json(r2.locate->activity)["impacts"], l2["impacts"]);
        EXPECT_NE(to_json(r2.evaluate->activity), e2);
        EXPECT_EQ(activity_warning(r2), "");
    }
}

TEST(Activities, IsicAttributePicksTheRowAndAnUnknownActivityIsAWarningNamingSiteAndAttribute) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(kProfiles), layers);
    Screener screener(layers, ScreenOptions{});
    const std::vector<Site> sites = read_all(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv");
    auto it = std::find_if(sites.begin(), sites.end(), [](const Site& s) { return s.id == "C05"; });
    ASSERT_NE(it, sites.end());

    Site by_isic = *it;
    by_isic.attributes["isic"] = 2720;
    SiteResult r = screener.screen(by_isic, assessor.radii_for(by_isic.type));
    assessor.assess(r, screener);
    EXPECT_EQ(to_json(r.locate->activity)["id"], "battery_cell_plant");
    EXPECT_EQ(to_json(r.locate->activity)["from"], "attribute:isic");

    Site unknown = *it;
    unknown.attributes["activity"] = "gigafactory";
    SiteResult u = screener.screen(unknown, assessor.radii_for(unknown.type));
    assessor.assess(u, screener);
    EXPECT_EQ(to_json(u.locate->activity)["id"], "vehicle_assembly");  // the plant profile's default
    EXPECT_EQ(to_json(u.locate->activity)["from"], "profile_default");
    const std::string w = activity_warning(u);
    EXPECT_NE(w.find("site 'C05': attribute 'activity': no activity 'gigafactory'"), std::string::npos) << w;
    EXPECT_EQ(to_json(u.locate->activity)["warning"], w);

    Site bad_isic = *it;
    bad_isic.attributes["isic"] = "9999";
    SiteResult b = screener.screen(bad_isic, assessor.radii_for(bad_isic.type));
    assessor.assess(b, screener);
    EXPECT_NE(activity_warning(b).find("site 'C05': attribute 'isic': ISIC class '9999'"), std::string::npos)
        << activity_warning(b);
}
