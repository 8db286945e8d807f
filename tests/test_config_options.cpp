// The assessment's tables from the command line (#23): screen and serve --activities, --ecosystems,
// --materiality name the activity table, the ecosystem map and the E4 factors; a bad one stops the
// run before any output or layer with an error naming the file and the key; the file used is the one
// recorded in sites.jsonl and run.json (path, SHA-256, and who named it).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "io/checksum.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

const std::string kConfig = std::string(SITESCREEN_SOURCE_DIR) + "/config/";

std::string abs_path(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

// A copy of a shipped table with `from` replaced by `to` (the first time it occurs).
std::string changed_copy(const TempDir& dir, const std::string& name, const std::string& from, const std::string& to) {
    std::string text = read_file(kConfig + name);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << name << ": " << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return dir.write("my_" + name, text);
}

std::map<std::string, Json> config_files(const Json& run) {
    std::map<std::string, Json> by_role;
    for (const Json& f : run.at("config_files")) by_role[f.at("role").get<std::string>()] = f;
    return by_role;
}

}  // namespace

TEST(ConfigOptions, HelpOfScreenAndServeListsTheTables) {
    TempDir dir;
    for (const char* command : {"screen", "serve"}) {
        const CommandResult r = run_capture(std::string(SITESCREEN_BINARY) + " " + command + " --help", dir);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        for (const char* option : {"--activities", "--ecosystems", "--materiality", "SITESCREEN_ACTIVITIES",
                                   "config/ecosystems.yaml", "config/materiality.yaml"})
            EXPECT_NE(r.out.find(option), std::string::npos) << command << " --help lacks " << option << "\n" << r.out;
    }
}

// The tables given are the ones used: a changed rating shows in the record, and run.json records
// each file with its digest and who named it (option, environment, shipped); the option wins over
// the environment variable.
TEST(ConfigOptions, TheTablesGivenAreUsedAndRecorded) {
    TempDir dir;
    const std::string catalog = write_square_catalog(dir);
    const std::string sites = dir.write("sites.csv", "id,lon,lat\nA,116.5,40.5\n");
    // vehicle_assembly (the plant profile's default) rates disturbances VH; this copy says L.
    const std::string activities =
        changed_copy(dir, "activities.yaml", "generation_and_release_of_solid_waste: L, disturbances: VH",
                     "generation_and_release_of_solid_waste: L, disturbances: L");
    const std::string materiality = changed_copy(dir, "materiality.yaml", "\n", "\n# a local copy\n");
    const Screening s = screen_cli(dir,
                                   "--sites " + shell_quote(sites) + " --activities " + shell_quote(activities) +
                                       " --materiality " + shell_quote(materiality),
                                   catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    ASSERT_EQ(s.sites.size(), 1u);
    const Json& a = s.sites[0]["locate"]["activity"];
    EXPECT_EQ(a["id"], "vehicle_assembly");
    EXPECT_EQ(a["source"]["file"], activities);
    for (const Json& i : a["impacts"])
        if (i["pressure"] == "disturbances") {
            EXPECT_EQ(i["encore_rating"], "L");
        }
    auto files = config_files(s.run);
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files["activities"]["file"], abs_path(activities));
    EXPECT_EQ(files["activities"]["sha256"], sha256_file(activities));
    EXPECT_EQ(files["activities"]["from"], "option");
    EXPECT_EQ(files["materiality"]["file"], abs_path(materiality));
    EXPECT_EQ(files["materiality"]["sha256"], sha256_file(materiality));
    EXPECT_EQ(files["materiality"]["from"], "option");
    EXPECT_EQ(files["ecosystems"]["from"], "shipped");
    EXPECT_EQ(files["ecosystems"]["sha256"], sha256_file(files["ecosystems"]["file"].get<std::string>()));

    // The option beats the environment variable; the variable alone is recorded as such.
    const std::string env = "SITESCREEN_ACTIVITIES=" + shell_quote(dir.file("nowhere.yaml")) +
                            " SITESCREEN_ECOSYSTEMS=" + shell_quote(kConfig + "ecosystems.yaml") + " ";
    const CommandResult r = run_capture(
        env + std::string(SITESCREEN_BINARY) + " screen -q --layers " + shell_quote(catalog) + " --sites " +
            shell_quote(sites) + " --out " + shell_quote(dir.file("out2")) +
            " --formats run --buffers 1000 --no-avoidance --type plant --activities " + shell_quote(activities),
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files = config_files(Json::parse(read_file(dir.file("out2/run.json"))));
    EXPECT_EQ(files["activities"]["from"], "option");
    EXPECT_EQ(files["activities"]["file"], abs_path(activities));
    EXPECT_EQ(files["ecosystems"]["from"], "environment");
}

// A bad table stops `screen` (exit 1) before it writes anything, naming the file and the key; a
// missing one names the file and how to name another.
TEST(ConfigOptions, ABadTableNamesTheFileAndTheKeyBeforeAnyOutput) {
    TempDir dir;
    const std::string catalog = write_square_catalog(dir);
    const std::string sites = dir.write("sites.csv", "id,lon,lat\nA,116.5,40.5\n");
    struct Case {
        const char* option;
        std::string file;
        std::string says;
    };
    const std::vector<Case> cases = {
        {"--activities", changed_copy(dir, "activities.yaml", "storm_mitigation: M,", "storm_mitigation: X,"),
         ": activities.metal_ore_mining.dependencies.storm_mitigation: 'X' is not on the scale"},
        {"--materiality", changed_copy(dir, "materiality.yaml", "high: likely", "high: sure"),
         ": likelihood.high: expected almost_certain"},
        {"--ecosystems", dir.file("no_such_map.yaml"),
         ": cannot read the ecosystem map (name another with --ecosystems FILE or $SITESCREEN_ECOSYSTEMS)"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.option);
        const std::string out = dir.file(std::string("out") + c.option);
        const Screening s =
            screen_cli(dir, "--sites " + shell_quote(sites) + " " + c.option + " " + shell_quote(c.file), catalog, out);
        EXPECT_EQ(s.cmd.exit_code, 1) << s.cmd.err;
        EXPECT_NE(s.cmd.err.find("sitescreen: error: " + c.file + c.says), std::string::npos) << s.cmd.err;
        EXPECT_FALSE(fs::exists(out)) << "the run wrote " << out << " before refusing the table";
        EXPECT_EQ(s.cmd.err.find("opening"), std::string::npos) << "layers were opened first:\n" << s.cmd.err;
    }
    // `serve` refuses it the same way, before it opens a layer or listens.
    const CommandResult r =
        run_capture("timeout 60 " + std::string(SITESCREEN_BINARY) + " serve --port 0 --jobs-dir '' --layers " +
                        shell_quote(catalog) + " --materiality " + shell_quote(cases[1].file),
                    dir);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("sitescreen: error: " + cases[1].file + cases[1].says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("listening"), std::string::npos) << r.err;
}
