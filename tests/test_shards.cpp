// Sharding (--shard i/N, docs/scale.md): the shards' sites.jsonl, merged by
// `index`, equal the single-machine run byte for byte. Runs the CLI binary.
#include <gtest/gtest.h>

#include <gdal.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "support/fixtures.h"
#include "support/require.h"

using sitescreen::testing::feature_collection;
using sitescreen::testing::read_file;
using sitescreen::testing::run_command;
using sitescreen::testing::TempDir;

namespace {

constexpr int kSites = 300;
constexpr int kShards = 3;

std::string shell_quote(const std::string& s) { return "'" + s + "'"; }

std::string star_polygon(double cx, double cy, double r, int n, std::mt19937& rng) {
    std::uniform_real_distribution<double> jitter(0.6, 1.4);
    std::ostringstream s;
    s.precision(10);
    s << R"({"type":"Polygon","coordinates":[[)";
    double x0 = 0, y0 = 0;
    for (int i = 0; i < n; ++i) {
        const double a = 2 * 3.14159265358979 * i / n;
        const double rr = r * jitter(rng);
        const double x = cx + rr * std::cos(a), y = cy + rr * std::sin(a);
        if (i == 0) x0 = x, y0 = y;
        s << (i ? "," : "") << "[" << x << "," << y << "]";
    }
    s << ",[" << x0 << "," << y0 << "]]]}";
    return s.str();
}

// A small geographic GeoTIFF over 100-106E, 28-34N at 0.02 degree.
void write_raster(const std::string& path, GDALDataType type, bool categorical) {
    GDALAllRegister();
    const int w = 300, h = 300;
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path.c_str(), w, h, 1, type, nullptr);
    ASSERT_NE(ds, nullptr);
    double gt[6] = {100.0, 0.02, 0, 34.0, 0, -0.02};
    GDALSetGeoTransform(ds, gt);
    GDALSetProjection(
        ds,
        R"(GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]])");
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    GDALSetRasterNoDataValue(b, categorical ? 0 : -9999);
    std::vector<double> v(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const bool hole = (x - 220) * (x - 220) + (y - 80) * (y - 80) < 900;  // a nodata disc
            double val = categorical ? 1 + ((x / 7 + 3 * (y / 5)) % 6) : 100 + 50 * std::sin(x * 0.05) + y;
            if (hole) val = categorical ? 0 : -9999;
            v[static_cast<std::size_t>(y) * w + x] = val;
        }
    ASSERT_EQ(GDALRasterIO(b, GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float64, 0, 0), CE_None);
    GDALClose(ds);
}

struct Workload {
    TempDir dir;
    std::string sites, catalog;
};

// 300 sites: most in a cluster over the layers (the realistic case: one
// country's batch), the rest spread over the world so that every shard of the
// global Hilbert slicing holds sites; plus one row in error.
void make_workload(Workload& w) {
    std::mt19937 rng(20261128);
    std::uniform_real_distribution<double> u(0, 1);
    std::ostringstream csv;
    csv.precision(8);
    csv << "id,lon,lat\n";
    for (int i = 0; i < kSites; ++i) {
        double lon, lat;
        if (i % 3 == 2) {
            lon = -179 + 358 * u(rng);
            lat = -80 + 160 * u(rng);
        } else {
            lon = 100.5 + 5 * u(rng);
            lat = 28.5 + 5 * u(rng);
        }
        if (i == 150) {
            csv << "bad-" << i << ",not-a-number," << lat << "\n";
            continue;
        }
        csv << "s" << i << "," << lon << "," << lat << "\n";
    }
    w.sites = w.dir.write("sites.csv", csv.str());

    std::vector<std::pair<std::string, std::string>> features;
    for (int k = 0; k < 40; ++k) {
        const double cx = 100.5 + 5 * u(rng), cy = 28.5 + 5 * u(rng);
        features.push_back({R"({"fid":"pa)" + std::to_string(k) + R"(","name":"area )" + std::to_string(k) + R"("})",
                            star_polygon(cx, cy, 0.05 + 0.3 * u(rng), 12 + k % 20, rng)});
    }
    w.dir.write("zones.geojson", feature_collection(features));
    write_raster(w.dir.file("ws.tif"), GDT_Int16, false);
    write_raster(w.dir.file("lc.tif"), GDT_Byte, true);
    w.catalog = w.dir.write("catalog.yaml", R"(version: 1
layers:
  - id: zones
    kind: vector
    path: zones.geojson
    id_field: fid
    name_field: name
    criterion: biodiversity_importance
    theme: protected_area
  - id: ws
    kind: raster
    path: ws.tif
    units: "index"
    criterion: water_risk
    theme: water_stress
  - id: lc
    kind: raster
    path: lc.tif
    categorical: true
    classes: {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    criterion: ecosystem_integrity
    theme: land_cover
)");
}

std::string screen_command(const Workload& w, const std::string& extra) {
    return std::string(SITESCREEN_BINARY) + " screen -q --sites " + shell_quote(w.sites) + " --layers " +
           shell_quote(w.catalog) + " --buffers 1000,10000,50000 --type plant " + extra;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

std::int64_t index_of(const std::string& line) { return nlohmann::json::parse(line).at("index").get<std::int64_t>(); }

// Each test makes its own workload and runs (ctest runs every test in its own process).
struct Runs {
    Workload w;
    Runs() { make_workload(w); }
    std::string out(const std::string& name) const { return w.dir.file(name); }
    bool full() const {
        return run_command(screen_command(w, "--threads 2 --formats jsonl --out " + shell_quote(out("full")))) == 0;
    }
    bool shard(int i) const {
        return run_command(screen_command(w, "--threads 1 --formats jsonl --shard " + std::to_string(i) + "/" +
                                                 std::to_string(kShards) + " --out " +
                                                 shell_quote(out("shard" + std::to_string(i))))) == 0;
    }
    std::string shard_jsonl(int i) const { return read_file(out("shard" + std::to_string(i) + "/sites.jsonl")); }
    std::string full_jsonl() const { return read_file(out("full/sites.jsonl")); }
};

TEST(Shards, MergedByIndexEqualsTheSingleRunByteForByte) {
    Runs r;
    ASSERT_TRUE(r.full());
    for (int i = 0; i < kShards; ++i) ASSERT_TRUE(r.shard(i)) << "shard " << i;

    // Every site is in exactly one shard, and the world-wide sites reach every
    // slice of the Hilbert curve (no shard is trivially empty).
    std::map<std::int64_t, int> owner;
    std::vector<std::pair<std::int64_t, std::string>> rows;
    for (int i = 0; i < kShards; ++i) {
        std::int64_t last = -1;
        std::size_t count = 0;
        for (auto& line : lines_of(r.shard_jsonl(i))) {
            const std::int64_t idx = index_of(line);
            EXPECT_EQ(owner.count(idx), 0u) << "index " << idx << " in shards " << owner[idx] << " and " << i;
            EXPECT_GT(idx, last) << "shard " << i << " is not in input order";
            owner[idx] = i;
            last = idx;
            ++count;
            rows.emplace_back(idx, std::move(line));
        }
        EXPECT_GT(count, 0u) << "shard " << i << " is empty";
    }
    ASSERT_EQ(owner.size(), static_cast<std::size_t>(kSites));
    EXPECT_EQ(owner.begin()->first, 0);
    EXPECT_EQ(owner.rbegin()->first, kSites - 1);

    // Merge = sort by index (each shard's index is the position in the full input).
    std::sort(rows.begin(), rows.end());
    std::string merged;
    for (const auto& [idx, line] : rows) merged += line + "\n";
    const std::string full = r.full_jsonl();
    ASSERT_FALSE(full.empty());
    EXPECT_EQ(lines_of(full).size(), static_cast<std::size_t>(kSites));
    if (merged != full) {
        // Name the first differing site rather than dumping two large strings.
        const auto a = lines_of(merged), b = lines_of(full);
        for (std::size_t k = 0; k < std::min(a.size(), b.size()); ++k)
            if (a[k] != b[k]) {
                ADD_FAILURE() << "first difference at line " << k << ":\nmerged: " << a[k].substr(0, 400)
                              << "\nsingle: " << b[k].substr(0, 400);
                break;
            }
        FAIL() << "merged shards (" << a.size() << " lines) differ from the single run (" << b.size() << " lines)";
    }

    // scripts/merge_shards.py gives the same bytes and notices a missing shard.
    SITESCREEN_REQUIRE(run_command("python3 -c 'import json' >/dev/null 2>&1") == 0, "python3 (runs merge_shards.py)",
                       "apt-get install python3");
    const std::string script = std::string(SITESCREEN_SOURCE_DIR) + "/scripts/merge_shards.py";
    std::string cmd = "python3 " + shell_quote(script) + " --expect " + std::to_string(kSites) + " -o " +
                      shell_quote(r.out("merged.jsonl"));
    for (int i = 0; i < kShards; ++i) cmd += " " + shell_quote(r.out("shard" + std::to_string(i)));
    ASSERT_EQ(run_command(cmd + " 2>/dev/null"), 0);
    EXPECT_EQ(read_file(r.out("merged.jsonl")), full);
    EXPECT_NE(run_command("python3 " + shell_quote(script) + " --expect " + std::to_string(kSites) + " " +
                          shell_quote(r.out("shard0")) + " >/dev/null 2>&1"),
              0);
}

TEST(Shards, StreamingShardThroughAPipeEqualsItsFileOutput) {
    // cat | --sites - ... --out -: the same shard through pipes gives the same records.
    Runs r;
    ASSERT_TRUE(r.shard(1));
    const std::string out = r.out("stream1.jsonl");
    const std::string cmd = "cat " + shell_quote(r.w.sites) + " | " + std::string(SITESCREEN_BINARY) +
                            " screen -q --sites - --layers " + shell_quote(r.w.catalog) +
                            " --buffers 1000,10000,50000 --type plant --threads 2 --shard 1/" +
                            std::to_string(kShards) + " --out - > " + shell_quote(out);
    ASSERT_EQ(run_command(cmd), 0);
    const auto streamed = lines_of(read_file(out)), filed = lines_of(r.shard_jsonl(1));
    ASSERT_EQ(streamed.size(), filed.size());
    // `source` names the input ("<stdin>:17" instead of ".../sites.csv:17"); the rest is identical.
    for (std::size_t k = 0; k < filed.size(); ++k) {
        auto a = nlohmann::json::parse(streamed[k]), b = nlohmann::json::parse(filed[k]);
        a.erase("source");
        b.erase("source");
        EXPECT_EQ(a, b) << "line " << k;
    }
}

TEST(Shards, DaskLocalClusterRecipe) {
    // The Dask recipe of docs/scale.md on a local cluster; needs Debian
    // python3-dask and python3-distributed (a missing prerequisite in CI, skipped elsewhere).
    SITESCREEN_REQUIRE(run_command("/usr/bin/python3 -c 'import dask.distributed' >/dev/null 2>&1") == 0,
                       "Debian's python3-dask and python3-distributed",
                       "apt-get install python3-dask python3-distributed");
    Runs r;
    ASSERT_TRUE(r.full());
    const std::string driver = r.w.dir.write("dask_shards.py", R"PY(
import subprocess, sys
from dask.distributed import Client, LocalCluster

binary, sites, catalog, outdir, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

def run_shard(i):
    out = f"{outdir}/dask-shard-{i}"
    subprocess.run([binary, "screen", "-q", "--sites", sites, "--layers", catalog,
                    "--buffers", "1000,10000,50000", "--type", "plant", "--threads", "1",
                    "--formats", "jsonl", "--shard", f"{i}/{n}", "--out", out, "--overwrite"], check=True)
    return out

if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
         Client(cluster) as client:
        outs = client.gather(client.map(run_shard, range(n)))
    print("\n".join(outs))
)PY");
    const std::string list = r.out("dask-outs.txt");
    ASSERT_EQ(run_command("/usr/bin/python3 " + shell_quote(driver) + " " + shell_quote(SITESCREEN_BINARY) + " " +
                          shell_quote(r.w.sites) + " " + shell_quote(r.w.catalog) + " " + shell_quote(r.w.dir.path()) +
                          " " + std::to_string(kShards) + " > " + shell_quote(list) + " 2>/dev/null"),
              0);
    const std::string script = std::string(SITESCREEN_SOURCE_DIR) + "/scripts/merge_shards.py";
    std::string cmd = "/usr/bin/python3 " + shell_quote(script) + " --expect " + std::to_string(kSites) + " -o " +
                      shell_quote(r.out("dask-merged.jsonl"));
    for (const auto& d : lines_of(read_file(list))) cmd += " " + shell_quote(d);
    ASSERT_EQ(run_command(cmd + " 2>/dev/null"), 0);
    EXPECT_EQ(read_file(r.out("dask-merged.jsonl")), r.full_jsonl());
}

}  // namespace
