// End-to-end CLI behaviour (issue 7, docs/cli.md): exit codes, --out safety, interrupted runs that never
// leave a truncated file, byte-identical outputs for any thread count, and standard input/output.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "io/gdal_handles.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBinary = SITESCREEN_BINARY;

CommandResult run_tool(const TempDir& dir, const std::string& args) { return run_capture(kBinary + " " + args, dir); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> temp_leftovers(const std::string& dir) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec))
        if (contains(e.path().filename().string(), ".tmp-")) found.push_back(e.path().string());
    return found;
}

// ---------------------------------------------------------------- exit codes

class Cli : public ::testing::Test {
protected:
    TempDir dir;
    std::string catalog = write_square_catalog(dir);
    std::string good = dir.write("good.csv", "id,lon,lat\nA,100.5,30.5\nZ,102,30.5\n");
    std::string with_error = dir.write("bad.csv", "id,lon,lat\nA,100.5,30.5\nB,east,30.5\nZ,102,30.5\n");
    std::string screen_args(const std::string& sites, const std::string& out) {
        return "screen --layers " + shell_quote(catalog) + " --sites " + shell_quote(sites) + " --out " +
               shell_quote(out) + " --formats data --buffers 1000 --no-avoidance --type plant";
    }
};

TEST_F(Cli, ExitZeroWhenDoneEvenWithSiteErrors) {
    const CommandResult r = run_tool(dir, screen_args(with_error, dir.file("out")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "site errors (1):")) << r.err;
    EXPECT_TRUE(contains(r.err, "screened 3 sites")) << r.err;
    EXPECT_TRUE(contains(r.err, "2 ok, 1 in error")) << r.err;
    EXPECT_EQ(r.out, "");  // stdout is for data only
}

TEST_F(Cli, ExitThreeWithFailOnSiteError) {
    const CommandResult bad = run_tool(dir, screen_args(with_error, dir.file("out1")) + " --fail-on-site-error");
    EXPECT_EQ(bad.exit_code, 3) << bad.err;
    // The outputs are complete all the same.
    EXPECT_EQ(parse_jsonl(read_file(dir.file("out1/sites.jsonl"))).size(), 3u);
    EXPECT_TRUE(fs::exists(dir.file("out1/run.json")));

    const CommandResult fine = run_tool(dir, screen_args(good, dir.file("out2")) + " --fail-on-site-error");
    EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

// The map context (layers/context) is optional: without it the maps are drawn all the same and
// the run says once why they have no rivers, lakes or towns.
TEST_F(Cli, MapsWithoutTheContextPackAreANoteNotAFailure) {
    auto png_args = [&](const std::string& out) {
        return "screen --layers " + shell_quote(catalog) + " --sites " + shell_quote(good) + " --out " +
               shell_quote(out) + " --formats png,html --buffers 1000 --no-avoidance --type plant";
    };
    const std::string out = dir.file("out"), none = dir.file("none.gpkg");
    const CommandResult r =
        run_capture("SITESCREEN_MAP_CONTEXT=" + shell_quote(none) + " " + kBinary + " " + png_args(out), dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "note: map context not found at " + none)) << r.err;
    std::size_t maps = 0;
    for (const auto& e : fs::directory_iterator(out + "/sites"))
        if (e.path().extension() == ".png" && fs::file_size(e.path()) > 1000) ++maps;
    EXPECT_EQ(maps, 2u);
    // With the shipped pack: no note.
    const CommandResult with = run_tool(dir, png_args(dir.file("out2")));
    EXPECT_EQ(with.exit_code, 0) << with.err;
    EXPECT_FALSE(contains(with.err, "map context")) << with.err;
}

TEST_F(Cli, ExitOneWhenTheRunCannotStart) {
    const CommandResult missing = run_tool(dir, screen_args(dir.file("none.csv"), dir.file("out")));
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_TRUE(contains(missing.err, "sitescreen: error: " + dir.file("none.csv") + ": file not found"))
        << missing.err;

    const CommandResult bad_catalog =
        run_tool(dir, "screen --layers " + shell_quote(dir.file("none.yaml")) + " --sites " + shell_quote(good) +
                          " --out " + shell_quote(dir.file("out")));
    EXPECT_EQ(bad_catalog.exit_code, 1);
    EXPECT_TRUE(contains(bad_catalog.err, dir.file("none.yaml") + ": file not found")) << bad_catalog.err;
}

TEST_F(Cli, ExitTwoOnUsageErrors) {
    const std::string out = " --out " + shell_quote(dir.file("out"));
    for (const std::string& args :
         {std::string("screen") + out,                                           // --sites missing
          "screen --sites " + shell_quote(good) + out + " --no-such-option",     // unknown option
          "screen --sites " + shell_quote(good) + out + " --threads -1",         // out of range
          "screen --sites " + shell_quote(good) + out + " --buffers 10,abc",     // bad distance
          "screen --sites " + shell_quote(good) + out + " --formats data,docx",  // unknown format
          "screen --sites " + shell_quote(good) + out + " --coords mars",        // not a choice
          "screen --sites " + shell_quote(good) + out + " --shard 3/2",          // bad shard
          std::string("")}) {                                                    // no subcommand
        const CommandResult r = run_tool(dir, args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
        EXPECT_FALSE(r.err.empty()) << args;
    }
    EXPECT_FALSE(fs::exists(dir.file("out/sites.jsonl")));
}

TEST_F(Cli, HelpAndVersionExitZero) {
    const CommandResult help = run_tool(dir, "screen --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(contains(help.out, "--fail-on-site-error")) << help.out;
    const CommandResult version = run_tool(dir, "--version");
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_TRUE(contains(version.out, "sitescreen ")) << version.out;
}

// ---------------------------------------------------------------- --out safety

TEST_F(Cli, RefusesANonEmptyFolderUnlessOverwrite) {
    const std::string out = dir.file("out");
    ASSERT_EQ(run_tool(dir, screen_args(good, out)).exit_code, 0);
    const std::string before = read_file(out + "/sites.jsonl");

    const CommandResult refused = run_tool(dir, screen_args(with_error, out));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(contains(refused.err, "--out " + out +
                                          ": the folder is not empty (outputs of another run?); pass "
                                          "--overwrite to replace them, or choose another folder"))
        << refused.err;
    EXPECT_EQ(read_file(out + "/sites.jsonl"), before);

    const CommandResult replaced = run_tool(dir, screen_args(with_error, out) + " --overwrite");
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_EQ(parse_jsonl(read_file(out + "/sites.jsonl")).size(), 3u);
    EXPECT_TRUE(temp_leftovers(out).empty());
}

TEST_F(Cli, AcceptsAnEmptyExistingFolderAndRefusesAFile) {
    fs::create_directories(dir.file("empty"));
    EXPECT_EQ(run_tool(dir, screen_args(good, dir.file("empty"))).exit_code, 0);
    EXPECT_TRUE(fs::exists(dir.file("empty/sites.jsonl")));

    dir.write("afile", "x");
    const CommandResult r = run_tool(dir, screen_args(good, dir.file("afile")) + " --overwrite");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "exists and is not a folder")) << r.err;
    EXPECT_EQ(read_file(dir.file("afile")), "x");
}

// ---------------------------------------------------------------- interrupted runs

// Waits until `pred` holds or `seconds` pass.
template <class Pred>
bool wait_for(Pred pred, double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

// A file of the run is either the earlier run's, byte for byte, or complete for all `n` sites.
void expect_old_or_complete(const std::string& out, const std::string& old_jsonl, const std::string& old_csv,
                            std::size_t n) {
    const std::string jsonl = read_file(out + "/sites.jsonl");
    if (jsonl != old_jsonl) {
        ASSERT_FALSE(jsonl.empty());
        ASSERT_EQ(jsonl.back(), '\n') << "sites.jsonl does not end with a whole line";
        std::size_t rows = 0;
        for (const auto& line : split_lines(jsonl)) {
            const Json j = Json::parse(line);  // throws on a cut line
            EXPECT_EQ(j["index"], rows);
            ++rows;
        }
        EXPECT_EQ(rows, n);
    }
    const std::string csv = read_file(out + "/summary.csv");
    if (csv != old_csv) {
        EXPECT_EQ(split_lines(csv).size(), n + 1);
    }
    EXPECT_TRUE(temp_leftovers(out).empty()) << temp_leftovers(out).front();
}

class InterruptedRun : public Cli {
protected:
    static constexpr std::size_t kSites = 200000;
    std::string big, out;
    std::string old_jsonl, old_csv;

    void SetUp() override {
        std::string text = "id,lon,lat\n";
        text.reserve(kSites * 28);
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> lon(99.0, 102.0), lat(29.0, 32.0);
        char buf[64];
        for (std::size_t i = 0; i < kSites; ++i) {
            std::snprintf(buf, sizeof buf, "S%zu,%.5f,%.5f\n", i, lon(rng), lat(rng));
            text += buf;
        }
        big = dir.write("big.csv", text);
        out = dir.file("out");
        // The earlier run whose outputs must survive.
        ASSERT_EQ(run_tool(dir, screen_args(with_error, out)).exit_code, 0);
        old_jsonl = read_file(out + "/sites.jsonl");
        old_csv = read_file(out + "/summary.csv");
        ASSERT_EQ(parse_jsonl(old_jsonl).size(), 3u);
    }

    // Starts the big run, waits until it is writing its temporary sites.jsonl, sends the signals.
    int interrupt(const std::vector<int>& signals) {
        const pid_t pid =
            spawn_logged({kBinary, "screen", "--layers", catalog, "--sites", big, "--out", out, "--formats", "data",
                          "--buffers", "1000", "--no-avoidance", "--type", "plant", "--overwrite", "--threads", "2"},
                         dir.file("log.txt"));
        const std::string temp = out + "/.sites.jsonl.tmp-" + std::to_string(pid);
        const bool writing = wait_for(
            [&] {
                std::error_code ec;
                return fs::exists(temp, ec) && fs::file_size(temp, ec) > 0 && !ec;
            },
            60);
        EXPECT_TRUE(writing) << "the run never started writing";
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        for (int sig : signals) ::kill(pid, sig);
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
};

TEST_F(InterruptedRun, SigtermLeavesTheEarlierOutputs) {
    const int code = interrupt({SIGTERM});
    EXPECT_EQ(code, 143) << read_file(dir.file("log.txt"));  // 128 + SIGTERM
    EXPECT_TRUE(contains(read_file(dir.file("log.txt")), "interrupted; no output was replaced"));
    expect_old_or_complete(out, old_jsonl, old_csv, kSites);
    EXPECT_EQ(read_file(out + "/sites.jsonl"), old_jsonl);  // killed mid-way: nothing was replaced
}

TEST_F(InterruptedRun, SigintTwiceLeavesAtOnceWithoutTemporaryFiles) {
    const int code = interrupt({SIGINT, SIGINT});
    EXPECT_TRUE(code == 130 || code == 128 + SIGINT) << code << "\n" << read_file(dir.file("log.txt"));
    expect_old_or_complete(out, old_jsonl, old_csv, kSites);
}

// ---------------------------------------------------------------- determinism

// Sites scattered over and around the square reserve and a raster, with some error rows.
std::string write_scattered_sites(const TempDir& dir, std::size_t n) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> lon(99.0, 102.0), lat(29.0, 32.0);
    std::string text = "id,name,lon,lat\n";
    char buf[96];
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 97 == 13) {
            std::snprintf(buf, sizeof buf, "S%zu,bad,%s,30\n", i, i % 2 ? "nan" : "");
        } else {
            std::snprintf(buf, sizeof buf, "S%zu,\"site %zu, 名称\",%.6f,%.6f\n", i, i, lon(rng), lat(rng));
        }
        text += buf;
    }
    return dir.write("scattered.csv", text);
}

std::string determinism_catalog(const TempDir& dir) {
    write_square_catalog(dir);
    // A continuous raster with a gradient, so that every buffer has its own mean.
    write_wgs84_raster(dir.file("grad.tif"), 60, 60, GDT_Float32, 99.0, 32.0, 0.05,
                       [](int x, int y) { return static_cast<float>(x * 1.5 + y * 0.25); });
    return dir.write("det.yaml", read_file(dir.file("catalog.yaml")) + R"(  - id: grad
    kind: raster
    path: grad.tif
    criterion: water_risk
    theme: water_stress
    units: index
  - id: nothing
    kind: vector
    path: square.geojson
    filter: "rid = 'none'"
    criterion: context
    theme: admin
    crs: "EPSG:4326"
)");
}

Json without_timestamps(Json run) {
    run.erase("started_at");
    run.erase("finished_at");
    return run;
}

// One screening run of the scattered sites into `out`.
void determinism_run(const TempDir& dir, const std::string& catalog, const std::string& sites, const std::string& out,
                     int threads) {
    const CommandResult r = run_tool(dir, "screen -q --layers " + shell_quote(catalog) + " --sites " +
                                              shell_quote(sites) + " --out " + shell_quote(out) +
                                              " --formats data --buffers 1000,5000 --no-avoidance --type plant "
                                              "--overwrite --threads " +
                                              std::to_string(threads));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");  // -q: nothing unexpected on stderr
}

TEST(Determinism, OneAndFourThreadsGiveByteIdenticalOutputs) {
    TempDir dir;
    const std::string catalog = determinism_catalog(dir);
    const std::string sites = write_scattered_sites(dir, 1100);  // two batches of 4 x 256, five of 1 x 256
    determinism_run(dir, catalog, sites, dir.file("t1"), 1);
    determinism_run(dir, catalog, sites, dir.file("t4"), 4);
    const std::string jsonl = read_file(dir.file("t1/sites.jsonl"));
    ASSERT_EQ(parse_jsonl(jsonl).size(), 1100u);
    EXPECT_EQ(jsonl, read_file(dir.file("t4/sites.jsonl")));
    EXPECT_EQ(read_file(dir.file("t1/summary.csv")), read_file(dir.file("t4/summary.csv")));
}

TEST(Determinism, RasterCacheBudgetDoesNotChangeOutputs) {
    // With no room in the raster caches every block is read again and its
    // segment summaries recomputed, on two threads sharing them. A tiled
    // Int16 raster of 3000 x 3000 cells (0.001 degree) under the scattered
    // sites; 40 km buffers are wide enough to take segment summaries.
    TempDir dir;
    gdal_init();
    const char* options[] = {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", nullptr};
    DatasetPtr ds(GDALCreate(GDALGetDriverByName("GTiff"), dir.file("wave.tif").c_str(), 3000, 3000, 1, GDT_Int16,
                             const_cast<char**>(options)));
    double gt[6] = {99.0, 0.001, 0.0, 32.0, 0.0, -0.001};
    GDALSetGeoTransform(ds.get(), gt);
    SrsPtr wgs84 = wgs84_srs();
    GDALSetSpatialRef(ds.get(), wgs84.get());
    GDALSetRasterNoDataValue(GDALGetRasterBand(ds.get(), 1), -1);
    std::vector<std::int16_t> row(3000);
    for (int y = 0; y < 3000; ++y) {
        for (int x = 0; x < 3000; ++x)
            row[x] = static_cast<std::int16_t>((x * 7 + y * 13) % 1000 - (x % 97 == 0 ? 1000 : 0));
        ASSERT_EQ(
            GDALRasterIO(GDALGetRasterBand(ds.get(), 1), GF_Write, 0, y, 3000, 1, row.data(), 3000, 1, GDT_Int16, 0, 0),
            CE_None);
    }
    ds.reset();
    const std::string catalog = dir.write("wave.yaml", R"(layers:
  - id: wave
    kind: raster
    path: wave.tif
    criterion: water_risk
    theme: water_stress
    units: index
)");
    const std::string sites = write_scattered_sites(dir, 400);
    for (const char* budget : {"0", "512"}) {
        const CommandResult r = run_capture(std::string("SITESCREEN_RASTER_CACHE_MB=") + budget + " " + kBinary +
                                                " screen -q --layers " + shell_quote(catalog) + " --sites " +
                                                shell_quote(sites) + " --out " + shell_quote(dir.file(budget)) +
                                                " --formats data --buffers 1000,5000,40000 --no-avoidance --type plant"
                                                " --threads 2",
                                            dir);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::string jsonl = read_file(dir.file("0/sites.jsonl"));
    const std::vector<Json> rows = parse_jsonl(jsonl);
    ASSERT_EQ(rows.size(), 400u);
    EXPECT_TRUE(rows[0]["layers"][0]["buffers"][2]["mean"].is_number()) << rows[0].dump();
    EXPECT_EQ(jsonl, read_file(dir.file("512/sites.jsonl")));
}

TEST(Determinism, SameRunTwiceDiffersOnlyInRunTimestamps) {
    TempDir dir;
    const std::string catalog = determinism_catalog(dir);
    const std::string sites = write_scattered_sites(dir, 300);
    const std::string out = dir.file("out");
    determinism_run(dir, catalog, sites, out, 3);
    const std::string jsonl = read_file(out + "/sites.jsonl"), csv = read_file(out + "/summary.csv");
    const std::string run = read_file(out + "/run.json");
    ASSERT_EQ(parse_jsonl(jsonl).size(), 300u);
    determinism_run(dir, catalog, sites, out, 3);
    EXPECT_EQ(read_file(out + "/sites.jsonl"), jsonl);
    EXPECT_EQ(read_file(out + "/summary.csv"), csv);
    const Json first = Json::parse(run), second = Json::parse(read_file(out + "/run.json"));
    EXPECT_EQ(without_timestamps(first), without_timestamps(second));
    EXPECT_TRUE(first.contains("started_at") && first.contains("finished_at"));
}

TEST(Determinism, ShippedPackWithFullAssessment) {
    TempDir dir;
    const std::string sites = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv";
    const std::string catalog = std::string(SITESCREEN_SOURCE_DIR) + "/layers/catalog.yaml";
    for (int threads : {1, 4}) {
        const CommandResult r =
            run_tool(dir, "screen -q --layers " + shell_quote(catalog) + " --sites " + shell_quote(sites) +
                              " --formats data --threads " + std::to_string(threads) + " --out " +
                              shell_quote(dir.file("t" + std::to_string(threads))));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    EXPECT_EQ(read_file(dir.file("t1/sites.jsonl")), read_file(dir.file("t4/sites.jsonl")));
    EXPECT_EQ(read_file(dir.file("t1/summary.csv")), read_file(dir.file("t4/summary.csv")));
    EXPECT_FALSE(read_file(dir.file("t1/sites.jsonl")).empty());
}

// ---------------------------------------------------------------- standard input and output

TEST_F(Cli, SitesFromStdinResultsToStdout) {
    // Excel's BOM and CRLF, read from a pipe (which cannot seek back).
    const std::string csv =
        dir.write("in.csv", "\xEF\xBB\xBFid,lon,lat\r\nA,100.5,30.5\r\nB,east,30.5\r\nZ,102,30.5\r\n");
    const CommandResult piped =
        run_capture("cat " + shell_quote(csv) + " | " + kBinary + " screen -q --layers " + shell_quote(catalog) +
                        " --sites - --out - --buffers 1000 --no-avoidance --type plant",
                    dir);
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    const std::vector<Json> rows = parse_jsonl(piped.out);  // stdout holds nothing but JSON lines
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0]["source"], "<stdin>:2");
    EXPECT_EQ(rows[1]["error"], "<stdin>:3: field 'lon': 'east' is not a number");
    EXPECT_EQ(rows[2]["source"], "<stdin>:4");
    EXPECT_EQ(rows[0]["layers"][0]["inside"], true);
    EXPECT_EQ(rows[2]["layers"][0]["inside"], false);

    // The same records as from the file, but for where they came from.
    const CommandResult from_file = run_tool(dir, screen_args(csv, "-") + " -q");
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    std::vector<Json> file_rows = parse_jsonl(from_file.out);
    ASSERT_EQ(file_rows.size(), 3u);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Json a = rows[i], b = file_rows[i];
        a.erase("source");
        b.erase("source");
        if (a["error"].is_string()) a["error"] = a["error"].get<std::string>().substr(std::string("<stdin>").size());
        if (b["error"].is_string()) b["error"] = b["error"].get<std::string>().substr(csv.size());
        EXPECT_EQ(a, b) << i;
    }
}

}  // namespace
