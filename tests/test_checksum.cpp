// The layer checksum cache (io/checksum.h, docs/layers.md): a digest is reused
// only while every file of the dataset keeps its identity and stat, it always
// equals the SHA-256 of the bytes, and the cache never makes a run fail.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "io/checksum.h"
#include "io/gdal_handles.h"
#include "layers/catalog.h"
#include "screen/screener.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

// SHA-256 of 1 MiB of 'a' (Python's hashlib and coreutils' sha256sum agree).
const char* kMiBOfA = "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360";
constexpr std::size_t kMiB = std::size_t(1) << 20;

std::string pattern(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    unsigned x = seed * 2654435761u + 1;
    for (char& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

// Independent digest of several files: their bytes concatenated into one file.
std::string sha256_of_concatenation(const TempDir& dir, const std::vector<std::string>& files) {
    std::string all;
    for (const auto& f : files) all += read_file(f);
    return sha256_file(dir.write("concatenated.bin", all));
}

struct stat stat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st;
}

// The raster layer of the LayerSet test: the square reserve catalog plus a
// 1100 x 1000 Byte raster (about 1 MiB, uncompressed) over it.
std::string big_raster_catalog(const TempDir& dir) {
    write_square_catalog(dir);
    write_wgs84_raster(dir.file("big.tif"), 1100, 1000, GDT_Byte, 99.0, 32.0, 0.003,
                       [](int x, int y) { return static_cast<double>((static_cast<std::size_t>(y) * 1100 + x) % 7); });
    return dir.write("big.yaml", read_file(dir.file("catalog.yaml")) + R"(  - id: big
    kind: raster
    path: big.tif
    criterion: water_risk
    theme: water_stress
    units: index
)");
}

class ChecksumCache : public ::testing::Test {
protected:
    // Data files of the suite, written once and left to settle once: files
    // changed less than a clock tick before hashing are not cached (racily
    // clean, as in git). Each test changes only files of its own.
    static void SetUpTestSuite() {
        data_ = new TempDir;
        const TempDir& d = *data_;
        fs::create_directories(d.file("sub"));
        d.write("a.bin", std::string(kMiB, 'a'));  // exactly the 1 MiB threshold; read only
        d.write("small.bin", std::string(kMiB - 1, 'a'));
        d.write("r.tif", std::string(kMiB - 1, 'a'));
        d.write("r.tif.aux.xml", "<PAMDataset/>");  // the .aux.xml counts towards the size
        d.write("rewrite.tif", pattern(kMiB + 17, 1));
        d.write("replace.tif", pattern(kMiB + 17, 1));
        d.write("zones.shp", pattern(600000, 3));
        d.write("zones.shx", pattern(100, 4));
        d.write("zones.dbf", pattern(500000, 5));
        d.write("zones.txt", "not part of the shapefile");
        for (int i = 0; i < 4; ++i) d.write("layer" + std::to_string(i) + ".tif", pattern(kMiB, 10 + i));
        big_raster_catalog(d);
        std::this_thread::sleep_for(std::chrono::milliseconds(70));
    }
    static void TearDownTestSuite() {
        delete data_;
        data_ = nullptr;
    }
    static std::string data(const std::string& name) { return data_->file(name); }
    static TempDir* data_;

    TempDir dir;  // this test's cache and scratch files
    std::string cache = dir.file("cache/checksums.tsv");
    ScopedEnv env{"SITESCREEN_CHECKSUM_CACHE", cache.c_str()};
};

TempDir* ChecksumCache::data_ = nullptr;

}  // namespace

TEST(Checksum, KnownVectors) {
    TempDir dir;
    EXPECT_EQ(sha256_file(dir.write("abc.txt", "abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_file(dir.write("a.bin", std::string(kMiB, 'a'))), kMiBOfA);
    ScopedEnv off("SITESCREEN_CHECKSUM_CACHE", "off");
    EXPECT_EQ(dataset_checksum(dir.file("a.bin")).sha256, kMiBOfA);
    EXPECT_EQ(dataset_checksum("PG:dbname=x").sha256, "");
    EXPECT_FALSE(dataset_checksum("PG:dbname=x").from_cache);
}

TEST_F(ChecksumCache, SecondCallIsAHitWithTheSameDigest) {
    const std::string big = data("a.bin");
    const DatasetChecksum first = dataset_checksum(big);
    EXPECT_EQ(first.sha256, kMiBOfA);
    EXPECT_FALSE(first.from_cache);
    ASSERT_TRUE(fs::exists(cache));
    EXPECT_EQ(checksum_cache_file(), cache);

    const DatasetChecksum second = dataset_checksum(big);
    EXPECT_EQ(second.sha256, kMiBOfA);
    EXPECT_TRUE(second.from_cache);
    EXPECT_EQ(dataset_sha256(big), kMiBOfA);
    // Another spelling of the same path is the same entry.
    EXPECT_TRUE(dataset_checksum(data("sub/../a.bin")).from_cache);

    // One entry, with the file's absolute path and the digest.
    const std::vector<std::string> lines = split_lines(read_file(cache));
    ASSERT_EQ(lines.size(), 2u);  // header and the entry
    EXPECT_EQ(lines[0].rfind("# sitescreen checksum cache", 0), 0u);
    EXPECT_NE(lines[1].find(fs::weakly_canonical(big).string()), std::string::npos);
    EXPECT_NE(lines[1].find(kMiBOfA), std::string::npos);
}

TEST_F(ChecksumCache, SameSizeNewContentIsRecomputedEvenWithTheOldMtime) {
    const std::string a = pattern(kMiB + 17, 1), b = pattern(kMiB + 17, 2);
    const std::string sum_a = sha256_file(dir.write("a.ref", a)), sum_b = sha256_file(dir.write("b.ref", b));
    ASSERT_NE(sum_a, sum_b);
    const std::string rewrite = data("rewrite.tif"), replace = data("replace.tif");
    for (const std::string& f : {rewrite, replace}) {
        EXPECT_EQ(dataset_checksum(f).sha256, sum_a);
        ASSERT_TRUE(dataset_checksum(f).from_cache);
    }

    // Rewritten in place, same size, mtime put back as it was (touch -d): the
    // ctime still moves, and the digest is read again.
    const struct stat old = stat_of(rewrite);
    {
        std::ofstream out(rewrite, std::ios::binary | std::ios::trunc);
        out << b;
    }
    const timespec times[2] = {old.st_atim, old.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, rewrite.c_str(), times, 0), 0);
    const struct stat now = stat_of(rewrite);
    ASSERT_EQ(now.st_size, old.st_size);
    ASSERT_EQ(now.st_ino, old.st_ino);
    ASSERT_EQ(now.st_mtim.tv_sec, old.st_mtim.tv_sec);
    ASSERT_EQ(now.st_mtim.tv_nsec, old.st_mtim.tv_nsec);
    const DatasetChecksum after_rewrite = dataset_checksum(rewrite);
    EXPECT_EQ(after_rewrite.sha256, sum_b);
    EXPECT_FALSE(after_rewrite.from_cache);

    // Replaced by another file (new inode) with the same size and mtime.
    const struct stat before_replace = stat_of(replace);
    const std::string tmp = dir.write("replace.tif.new", b);
    const timespec same[2] = {before_replace.st_atim, before_replace.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, tmp.c_str(), same, 0), 0);
    ASSERT_EQ(::rename(tmp.c_str(), replace.c_str()), 0);
    ASSERT_NE(stat_of(replace).st_ino, before_replace.st_ino);
    const DatasetChecksum after_replace = dataset_checksum(replace);
    EXPECT_EQ(after_replace.sha256, sum_b);
    EXPECT_FALSE(after_replace.from_cache);
}

TEST_F(ChecksumCache, OffZeroAndEmptyDisableIt) {
    for (const char* value : {"off", "OFF", "0", ""}) {
        ScopedEnv off("SITESCREEN_CHECKSUM_CACHE", value);
        EXPECT_EQ(checksum_cache_file(), "") << value;
        for (int i = 0; i < 2; ++i) {
            const DatasetChecksum c = dataset_checksum(data("a.bin"));
            EXPECT_EQ(c.sha256, kMiBOfA);
            EXPECT_FALSE(c.from_cache) << value;
        }
    }
    EXPECT_FALSE(fs::exists(dir.file("cache"))) << "no cache folder or file when disabled";
}

TEST_F(ChecksumCache, DefaultLocationFromXdgCacheHomeOrHome) {
    ScopedEnv unset("SITESCREEN_CHECKSUM_CACHE", nullptr);
    {
        ScopedEnv xdg("XDG_CACHE_HOME", "/x/cache");
        ScopedEnv home("HOME", "/h");
        EXPECT_EQ(checksum_cache_file(), "/x/cache/sitescreen/checksums.tsv");
    }
    {
        ScopedEnv xdg("XDG_CACHE_HOME", "relative/is/ignored");
        ScopedEnv home("HOME", "/h");
        EXPECT_EQ(checksum_cache_file(), "/h/.cache/sitescreen/checksums.tsv");
    }
    {
        ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
        ScopedEnv home("HOME", nullptr);
        EXPECT_EQ(checksum_cache_file(), "");
        EXPECT_EQ(dataset_checksum(data("a.bin")).sha256, kMiBOfA);
        EXPECT_FALSE(dataset_checksum(data("a.bin")).from_cache);
    }
    {
        // The folder is created on first use.
        ScopedEnv xdg("XDG_CACHE_HOME", dir.file("xdg").c_str());
        EXPECT_FALSE(dataset_checksum(data("a.bin")).from_cache);
        EXPECT_TRUE(dataset_checksum(data("a.bin")).from_cache);
        EXPECT_TRUE(fs::exists(dir.file("xdg/sitescreen/checksums.tsv")));
    }
}

TEST_F(ChecksumCache, GarbageAndDamagedLinesAreIgnored) {
    const std::string big = data("a.bin");
    ASSERT_FALSE(dataset_checksum(big).from_cache);
    ASSERT_TRUE(dataset_checksum(big).from_cache);
    std::vector<std::string> lines = split_lines(read_file(cache));
    ASSERT_EQ(lines.size(), 2u);

    // The entry's digest altered (one hex digit) among garbage lines: its check
    // field no longer fits, so it is not believed.
    std::string damaged = lines[1];
    const std::size_t at = damaged.find(kMiBOfA);
    ASSERT_NE(at, std::string::npos);
    damaged[at] = damaged[at] == '0' ? '1' : '0';
    dir.write("cache/checksums.tsv", lines[0] + "\n" + "garbage\n\t\t\t\n" + std::string("\0\xff\x01 binary", 10) +
                                         "\n" + damaged + "\n" + "1\t" + big + "\t" + kMiBOfA + "\t1\n" +
                                         lines[1].substr(0, 40));
    const DatasetChecksum c = dataset_checksum(big);
    EXPECT_EQ(c.sha256, kMiBOfA);
    EXPECT_FALSE(c.from_cache);
    // Rewritten with the good entry only.
    lines = split_lines(read_file(cache));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[1].find(kMiBOfA), std::string::npos);
    EXPECT_TRUE(dataset_checksum(big).from_cache);

    // A file that is not a cache at all, named by the user: ignored, left as
    // it is, one warning naming it.
    const std::string notes = dir.write("notes.txt", "my notes\nnot a cache\n");
    ScopedEnv named("SITESCREEN_CHECKSUM_CACHE", notes.c_str());
    ::testing::internal::CaptureStderr();
    for (int i = 0; i < 2; ++i) {
        const DatasetChecksum n = dataset_checksum(big);
        EXPECT_EQ(n.sha256, kMiBOfA);
        EXPECT_FALSE(n.from_cache);
    }
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(read_file(notes), "my notes\nnot a cache\n");
    EXPECT_EQ(split_lines(err).size(), 1u) << err;
    EXPECT_NE(err.find(notes), std::string::npos) << err;
    EXPECT_NE(err.find("not a sitescreen checksum cache"), std::string::npos) << err;
}

TEST_F(ChecksumCache, UnwritableLocationIsSilentUnlessNamed) {
    const std::string big = data("a.bin");
    const std::string file = dir.write("a-file", "x");  // no folder can be made under it
    {
        ScopedEnv unset("SITESCREEN_CHECKSUM_CACHE", nullptr);
        ScopedEnv xdg("XDG_CACHE_HOME", file.c_str());
        ::testing::internal::CaptureStderr();
        EXPECT_EQ(dataset_checksum(big).sha256, kMiBOfA);
        EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    }
    const std::string named = file + "/sub/checksums.tsv";
    ScopedEnv env_named("SITESCREEN_CHECKSUM_CACHE", named.c_str());
    ::testing::internal::CaptureStderr();
    for (const std::string& f : {big, data("layer0.tif"), big}) {
        const DatasetChecksum c = dataset_checksum(f);
        EXPECT_EQ(c.sha256, sha256_file(f));
        EXPECT_FALSE(c.from_cache);
    }
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(split_lines(err).size(), 1u) << err;  // once, not per dataset
    EXPECT_NE(err.find(named), std::string::npos) << err;
}

TEST_F(ChecksumCache, SmallDatasetsAreNotCached) {
    const std::string small = data("small.bin"), with_aux = data("r.tif");
    for (int i = 0; i < 2; ++i) {
        const DatasetChecksum c = dataset_checksum(small);
        EXPECT_EQ(c.sha256, sha256_file(small));
        EXPECT_FALSE(c.from_cache);
    }
    EXPECT_FALSE(fs::exists(cache));
    // 1 MiB with its .aux.xml: cached.
    EXPECT_FALSE(dataset_checksum(with_aux).from_cache);
    const DatasetChecksum aux = dataset_checksum(with_aux);
    EXPECT_TRUE(aux.from_cache);
    EXPECT_EQ(aux.sha256, sha256_of_concatenation(dir, {with_aux, with_aux + ".aux.xml"}));
}

// A small dataset is hashed once in a process (the layer cache's key and run.json both ask for
// it at start-up, from two threads), and read again as soon as one of its files changes, even
// with the same size and mtime.
TEST_F(ChecksumCache, SmallDatasetIsReadAgainInTheProcessOnceItChanged) {
    const std::string a = pattern(1000, 1), b = pattern(1000, 2);
    const std::string sum_a = sha256_file(dir.write("a.ref", a)), sum_b = sha256_file(dir.write("b.ref", b));
    ASSERT_NE(sum_a, sum_b);
    const std::string small = dir.write("small.tif", a);
    std::this_thread::sleep_for(std::chrono::milliseconds(70));  // settled
    std::vector<std::string> sums(4);
    std::vector<std::thread> askers;
    for (std::string& s : sums) askers.emplace_back([&s, &small] { s = dataset_checksum(small).sha256; });
    for (std::thread& t : askers) t.join();
    for (const std::string& s : sums) EXPECT_EQ(s, sum_a);
    EXPECT_FALSE(dataset_checksum(small).from_cache);

    const struct stat old = stat_of(small);
    {
        std::ofstream out(small, std::ios::binary | std::ios::trunc);
        out << b;
    }
    const timespec times[2] = {old.st_atim, old.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, small.c_str(), times, 0), 0);
    EXPECT_EQ(dataset_checksum(small).sha256, sum_b);
    EXPECT_FALSE(fs::exists(cache));  // still too small for the cache file
}

TEST_F(ChecksumCache, ShapefileIsKeyedByAllItsFiles) {
    const std::string shp = data("zones.shp"), shx = data("zones.shx"), dbf = data("zones.dbf");
    const std::string expected = sha256_of_concatenation(dir, {dbf, shp, shx});  // path order
    EXPECT_FALSE(dataset_checksum(shp).from_cache);
    const DatasetChecksum hit = dataset_checksum(shp);
    EXPECT_TRUE(hit.from_cache);
    EXPECT_EQ(hit.sha256, expected);

    // A sidecar that appears changes the file list.
    const std::string prj = data("zones.prj");
    std::ofstream(prj) << "GEOGCS[\"WGS 84\"]";
    const DatasetChecksum with_prj = dataset_checksum(shp);
    EXPECT_FALSE(with_prj.from_cache);
    EXPECT_EQ(with_prj.sha256, sha256_of_concatenation(dir, {dbf, prj, shp, shx}));
    fs::remove(prj);
    EXPECT_EQ(dataset_checksum(shp).sha256, expected);

    // One byte of the .dbf changed in place.
    {
        const char old = read_file(dbf)[1234];
        std::fstream f(dbf, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(1234);
        f.put(static_cast<char>(old ^ 0x42));
    }
    const DatasetChecksum changed = dataset_checksum(shp);
    EXPECT_FALSE(changed.from_cache);
    EXPECT_EQ(changed.sha256, sha256_of_concatenation(dir, {dbf, shp, shx}));
    EXPECT_NE(changed.sha256, expected);
}

TEST_F(ChecksumCache, JustWrittenFilesAreNotTrusted) {
    // A file modified within a timestamp tick of the hashing could change
    // again with the same stat: it is hashed again next time. The file's
    // mtime is set a few seconds ahead, so that it is "just written" when the
    // hashing starts however slow the machine is (no timing in the test).
    const std::string big = dir.write("fresh.bin", std::string(kMiB, 'a'));
    struct timespec times[2];
    ASSERT_EQ(::clock_gettime(CLOCK_REALTIME, &times[0]), 0);
    times[0].tv_sec += 5;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, big.c_str(), times, 0), 0);
    EXPECT_FALSE(dataset_checksum(big).from_cache);
    const DatasetChecksum again = dataset_checksum(big);
    EXPECT_EQ(again.sha256, kMiBOfA);
    EXPECT_FALSE(again.from_cache);
}

TEST_F(ChecksumCache, ThreadsShareTheFileWithoutLosingEntries) {
    std::vector<std::string> files, expected;
    for (int i = 0; i < 4; ++i) {
        files.push_back(data("layer" + std::to_string(i) + ".tif"));
        expected.push_back(sha256_file(dir.write("ref" + std::to_string(i), pattern(kMiB, 10 + i))));
    }
    std::vector<DatasetChecksum> got(files.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < files.size(); ++i)
        threads.emplace_back([&, i] { got[i] = dataset_checksum(files[i]); });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < files.size(); ++i) {
        EXPECT_EQ(got[i].sha256, expected[i]);
        EXPECT_FALSE(got[i].from_cache);
        const DatasetChecksum again = dataset_checksum(files[i]);
        EXPECT_TRUE(again.from_cache) << i;
        EXPECT_EQ(again.sha256, expected[i]);
    }
    EXPECT_EQ(split_lines(read_file(cache)).size(), 1u + files.size());
    // No temporary file left next to the cache.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.file("cache"))) names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"checksums.tsv"});
}

// Through LayerSet, run.json and `layers check --json`.
TEST_F(ChecksumCache, LayerSetAndRunJsonSayWhereEachDigestCameFrom) {
    const std::string catalog_file = data("big.yaml"), raster = data("big.tif");
    ASSERT_GE(fs::file_size(raster), kMiB);
    const Catalog catalog = load_catalog(catalog_file);
    ASSERT_EQ(catalog.layers.size(), 2u);  // reserve (small), big (raster)
    {
        const auto first = LayerSet::open(catalog);
        EXPECT_EQ(first->checksum_from_cache(), (std::vector<bool>{false, false}));
        EXPECT_EQ(first->checksums()[1], sha256_file(raster));
    }
    const auto second = LayerSet::open(catalog);
    EXPECT_EQ(second->checksum_from_cache(), (std::vector<bool>{false, true}));
    EXPECT_EQ(second->checksums()[0], sha256_file(data("square.geojson")));
    EXPECT_EQ(second->checksums()[1], sha256_file(raster));

    // The tool, with the same cache file (inherited environment).
    const std::string sites = dir.write("sites.csv", "id,lon,lat\nA,100.5,30.5\n");
    const CommandResult run =
        run_capture(std::string(SITESCREEN_BINARY) + " screen -q --layers " + shell_quote(catalog_file) + " --sites " +
                        shell_quote(sites) + " --out " + shell_quote(dir.file("out")) +
                        " --formats data --buffers 1000 --no-avoidance --type plant",
                    dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const Json run_json = Json::parse(read_file(dir.file("out/run.json")));
    const Json& layers = run_json["catalog"]["layers"];
    ASSERT_EQ(layers.size(), 2u);
    EXPECT_EQ(layers[0]["sha256_from"], "computed");
    EXPECT_EQ(layers[1]["sha256_from"], "cache");
    EXPECT_EQ(layers[1]["sha256"], sha256_file(raster));

    const CommandResult check =
        run_capture(std::string(SITESCREEN_BINARY) + " layers check --json --layers " + shell_quote(catalog_file), dir);
    ASSERT_EQ(check.exit_code, 0) << check.err;
    const Json report = Json::parse(check.out);
    ASSERT_EQ(report.size(), 2u);
    EXPECT_EQ(report[0]["sha256_from"], "computed");
    EXPECT_EQ(report[1]["sha256_from"], "cache");
    EXPECT_EQ(report[1]["sha256"], sha256_file(raster));
}
