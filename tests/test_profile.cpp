// Site-type profiles: the shipped files load, and every validation error names the file and the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

#include "core/errors.h"
#include "screen/profile.h"
#include "screen/rules/rule.h"

using namespace sitescreen;
namespace fs = std::filesystem;

namespace {

const std::string kProfiles = std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A scratch folder removed at scope exit.
struct Scratch {
    fs::path dir;
    Scratch() {
        std::string tmpl = (fs::temp_directory_path() / "sitescreen-profile-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream((dir / name).string(), std::ios::binary) << text;
        return (dir / name).string();
    }
};

// The shipped plant profile with one text replaced (the replaced text must be present).
std::string plant_with(const std::string& from, const std::string& to) {
    std::string t = read_text(kProfiles + "/plant.yaml");
    const auto pos = t.find(from);
    EXPECT_NE(pos, std::string::npos) << "test setup: '" << from << "' not in plant.yaml";
    if (pos != std::string::npos) t.replace(pos, from.size(), to);
    return t;
}

// The shipped plant profile without the line that starts with `prefix`.
std::string plant_without_line(const std::string& prefix) {
    std::string t = read_text(kProfiles + "/plant.yaml");
    const auto pos = t.find(prefix);
    EXPECT_NE(pos, std::string::npos) << "test setup: '" << prefix << "' not in plant.yaml";
    if (pos != std::string::npos) t.erase(pos, t.find('\n', pos) + 1 - pos);
    return t;
}

// Loads `text` as a profile and returns the error message ("" when it loads).
std::string load_error(const Scratch& s, const std::string& text) {
    const std::string path = s.write("plant.yaml", text);
    try {
        load_profile(path);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Profile, ShippedProfilesLoadWithTheirValueChains) {
    const auto profiles = load_profiles(kProfiles);
    ASSERT_EQ(profiles.size(), 3u);
    EXPECT_EQ(profiles.at("plant").value_chain, "midstream");
    EXPECT_EQ(profiles.at("mine").value_chain, "upstream");
    EXPECT_EQ(profiles.at("charger").value_chain, "downstream");
    EXPECT_EQ(profiles.at("mine").buffers_m, (std::vector<double>{1000, 10000, 50000}));
    // Source report's value-chain table: upstream has every driver material.
    for (const auto& d : profiles.at("mine").drivers)
        EXPECT_EQ(d.materiality, Materiality::High) << to_string(d.driver);
    EXPECT_EQ(profiles.at("plant").driver(Driver::WaterUse)->materiality, Materiality::Medium);
    // The named rules (docs/rules/), China and international sets, in every shipped profile;
    // cultivated land (土地管理法 art. 37) for plants and mines, the urban development boundary for
    // plants only (docs/rules/cn_cropland.md, cn_urban_boundary.md).
    const std::map<std::string, std::vector<std::string>> expected = {
        {"plant",
         {"cn_ecrl", "cn_nature_reserve", "cn_national_park", "cn_wetland", "cn_farmland", "cn_cropland",
          "cn_drinking_water", "cn_groundwater_overdraft", "cn_urban_boundary", "cn_eia_sensitive_area",
          "intl_protected_area", "intl_world_heritage", "intl_recognised_area"}},
        {"mine",
         {"cn_ecrl", "cn_nature_reserve", "cn_national_park", "cn_wetland", "cn_farmland", "cn_cropland",
          "cn_drinking_water", "cn_groundwater_overdraft", "cn_eia_sensitive_area", "intl_protected_area",
          "intl_world_heritage", "intl_recognised_area"}},
        {"charger",
         {"cn_ecrl", "cn_nature_reserve", "cn_national_park", "cn_wetland", "cn_farmland", "cn_drinking_water",
          "cn_groundwater_overdraft", "cn_eia_sensitive_area", "intl_protected_area", "intl_world_heritage",
          "intl_recognised_area"}},
    };
    for (const auto& [type, p] : profiles) {
        std::vector<std::string> names;
        for (const auto& r : p.rules) names.push_back(r->name());
        ASSERT_TRUE(expected.count(type)) << type;
        EXPECT_EQ(names, expected.at(type)) << type;
    }
    EXPECT_TRUE(profiles.at("charger").inside.count("green_space"));
    EXPECT_EQ(profiles.at("plant").water_stress.high_bws_cat, 3);
}

TEST(Profile, NonIntegerThresholdNamesFileAndKey) {
    Scratch s;
    const std::string msg = load_error(s, plant_with("high_bws_cat: 3", "high_bws_cat: three"));
    EXPECT_NE(msg.find((s.dir / "plant.yaml").string() + ": rules.water_stress: high_bws_cat: expected an integer"),
              std::string::npos)
        << msg;
}

TEST(Profile, UnknownKeyIsAnError) {
    Scratch s;
    const std::string msg = load_error(s, plant_with("high_bws_cat: 3", "high_bws_cat: 3\n    hihg_bws_cat: 3"));
    EXPECT_NE(msg.find("plant.yaml: rules.water_stress: hihg_bws_cat: unknown key"), std::string::npos) << msg;
}

TEST(Profile, MissingKeyIsNamed) {
    Scratch s;
    const std::string msg = load_error(s, plant_without_line("    high_within_m: 2000"));
    EXPECT_NE(msg.find("plant.yaml: rules.proximity: high_within_m: missing"), std::string::npos) << msg;
}

TEST(Profile, BadLevelNamesTheRule) {
    Scratch s;
    const std::string msg = load_error(s, plant_with("levels: {forbidden: no-go, conditional: high}\n    activities",
                                                     "levels: {forbidden: nogo, conditional: high}\n    activities"));
    EXPECT_NE(msg.find("plant.yaml: rules.cn_ecrl: levels.forbidden: expected no-go, high, medium or low, not 'nogo'"),
              std::string::npos)
        << msg;
}

TEST(Profile, BandsMustBeOrdered) {
    Scratch s;
    const std::string msg = load_error(s, plant_with("moderate_within_m: 5000", "moderate_within_m: 1500"));
    EXPECT_NE(msg.find("plant.yaml: rules.proximity: moderate_within_m must be >= high_within_m"), std::string::npos)
        << msg;
}

TEST(Profile, LandCoverRadiusMustBeAProfileBuffer) {
    Scratch s;
    const std::string msg = load_error(s, plant_with("radius_m: 1000 ", "radius_m: 2500 "));
    EXPECT_NE(msg.find("plant.yaml: rules.land_cover: radius_m 2500 must be one of buffers_m (1000, 5000, 10000)"),
              std::string::npos)
        << msg;
}

TEST(Profile, MeasuredRulesAreAppliedByEveryProfile) {
    // proximity, water_stress and land_cover are rules a profile lists under rules.apply
    // (docs/rules/README.md, "Measured rules"); the exposures of the rating matrix rest on them.
    Scratch s;
    const std::string msg =
        load_error(s, plant_with("apply: [proximity, water_stress, land_cover,", "apply: [proximity, land_cover,"));
    EXPECT_NE(msg.find("plant.yaml: rules.apply: 'water_stress' missing: every profile applies the measured rules"),
              std::string::npos)
        << msg;
    const std::string twice = load_error(s, plant_with("apply: [proximity,", "apply: [proximity, proximity,"));
    EXPECT_NE(twice.find("plant.yaml: rules.apply: rule 'proximity' listed twice"), std::string::npos) << twice;
    const auto profiles = load_profiles(kProfiles);
    EXPECT_EQ(profiles.at("charger").proximity.high_within_m, 500);
    EXPECT_EQ(profiles.at("plant").land_cover.radius_m, 1000);
    EXPECT_EQ(profiles.at("mine").water_stress.band(3, false).id, "water_stress.high");
}

TEST(Profile, UnknownPlaceholderInAMitigationText) {
    Scratch s;
    const std::string msg = load_error(s, plant_with("at least {setback_m} m", "at least {setback} m"));
    EXPECT_NE(msg.find("mitigation.setback.action: unknown placeholder {setback}"), std::string::npos) << msg;
}

TEST(Profile, BuffersMustAscend) {
    Scratch s;
    const std::string msg =
        load_error(s, plant_with("buffers_m: [1000, 5000, 10000]", "buffers_m: [5000, 1000, 10000]"));
    EXPECT_NE(msg.find("plant.yaml: buffers_m: distances must be ascending"), std::string::npos) << msg;
}

TEST(Profile, BuffersKeepTheLimitsOfTheCommandLine) {
    // A profile may not ask for the runaway buffers that --buffers refuses (issue 22).
    Scratch s;
    std::string msg = load_error(s, plant_with("buffers_m: [1000, 5000, 10000]", "buffers_m: [1000, 5000, 1.0e9]"));
    EXPECT_NE(msg.find("plant.yaml: buffers_m: 1e+09 m is outside 1 m to 200 km"), std::string::npos) << msg;
    msg = load_error(s, plant_with("buffers_m: [1000, 5000, 10000]", "buffers_m: [0.5, 5000, 10000]"));
    EXPECT_NE(msg.find("plant.yaml: buffers_m: 0.5 m is outside 1 m to 200 km"), std::string::npos) << msg;
}

TEST(Profile, NamedRulesAreListedOnceKnownAndNotDoubledByAnInsideRule) {
    Scratch s;
    std::string msg = load_error(s, plant_with("land_cover,\n          cn_ecrl,", "land_cover,\n          cn_ecrll,"));
    EXPECT_NE(
        msg.find(
            "plant.yaml: rules.apply: unknown rule 'cn_ecrll' (known: proximity, water_stress, land_cover, cn_ecrl, "),
        std::string::npos)
        << msg;
    msg = load_error(s, plant_with("land_cover,\n          cn_ecrl,", "land_cover,\n         "));
    EXPECT_NE(msg.find("plant.yaml: rules.cn_ecrl: section given but the rule is not listed in rules.apply"),
              std::string::npos)
        << msg;
    msg = load_error(s, plant_with("  inside: {}", "  inside:\n    red_line: {rule: x, level: no-go, because: y}"));
    EXPECT_NE(
        msg.find(
            "plant.yaml: rules.inside.red_line: theme 'red_line' is judged by rule cn_ecrl (rules.apply): remove one"),
        std::string::npos)
        << msg;
}

TEST(Profile, NotYamlNamesTheFile) {
    Scratch s;
    const std::string msg = load_error(s, "type: [plant\n");
    EXPECT_NE(msg.find("plant.yaml: not valid YAML"), std::string::npos) << msg;
}

TEST(Profile, TwoFilesWithOneTypeAreRefused) {
    Scratch s;
    s.write("a.yaml", read_text(kProfiles + "/plant.yaml"));
    s.write("b.yaml", read_text(kProfiles + "/plant.yaml"));
    s.write("README.md", "not a profile");
    try {
        load_profiles(s.dir.string());
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("b.yaml: type: 'plant' is already declared by"), std::string::npos)
            << e.what();
    }
}
