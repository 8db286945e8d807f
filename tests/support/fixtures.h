// Test helpers: temporary folders, GeoJSON layers written on the fly, LayerSpecs.
#pragma once
#include <cstdio>
#include <fcntl.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gdal.h>
#include <gtest/gtest.h>

#include "core/site.h"
#include "io/gdal_handles.h"
#include "layers/catalog.h"

namespace sitescreen::testing {

// Sets (or, for a null value, clears) an environment variable for a scope, restoring the
// previous state after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_.c_str(), old_->c_str(), 1);
        else
            ::unsetenv(name_.c_str());
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::string name_;
    std::optional<std::string> old_;
};

// A fresh temporary folder, removed with its content at scope exit.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "sitescreen-test-XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string p = file(name);
        std::filesystem::create_directories(std::filesystem::path(p).parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }

private:
    std::string path_;
};

// A GeoJSON FeatureCollection from "properties-json|geometry-json" pairs.
inline std::string feature_collection(const std::vector<std::pair<std::string, std::string>>& features) {
    std::string s = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (i) s += ",";
        s += R"({"type":"Feature","properties":)" + features[i].first + R"(,"geometry":)" + features[i].second + "}";
    }
    return s + "]}";
}

inline LayerSpec vector_spec(const std::string& id, const std::string& path) {
    LayerSpec s;
    s.id = id;
    s.title = id;
    s.kind = "vector";
    s.path = path;
    s.path_as_written = path;
    s.catalog_file = "test";
    s.criterion = Criterion::BiodiversityImportance;
    return s;
}

// A vector layer of `theme` judged under `c`, features named by their `name` field and
// identified by `fid` (the layers the assessment tests write on the fly).
inline LayerSpec theme_spec(const std::string& id, const std::string& path, Criterion c, const std::string& theme) {
    LayerSpec s = vector_spec(id, path);
    s.criterion = c;
    s.theme = theme;
    s.id_field = "fid";
    s.name_field = "name";
    return s;
}

// Starts `args` (args[0] the binary) with stdout and stderr to `log`; returns its pid.
inline pid_t spawn_logged(const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

// Runs a shell command, returns its exit code (for CLI tests).
inline int run_command(const std::string& cmd) {
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Quotes a word for /bin/sh.
inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// What a command printed and how it ended.
struct CommandResult {
    int exit_code = -1;
    std::string out, err;
};

// Runs `cmd` through /bin/sh with stdout and stderr captured in files of `dir`.
inline CommandResult run_capture(const std::string& cmd, const TempDir& dir) {
    const std::string out = dir.file(".cmd.stdout"), err = dir.file(".cmd.stderr");
    CommandResult r;
    r.exit_code = run_command("(" + cmd + ") >" + shell_quote(out) + " 2>" + shell_quote(err));
    r.out = read_file(out);
    r.err = read_file(err);
    std::remove(out.c_str());
    std::remove(err.c_str());
    return r;
}

// Splits text into lines (without their line ends); no empty last line.
inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

// ---- end-to-end runs of the sitescreen binary on a tiny world

// One square reserve, 100..101 E x 30..31 N ("R1", "Square reserve"), as a
// GeoJSON layer with a catalog next to it; returns the catalog's path.
// A site at (100.5, 30.5) is inside; one at (102, 30.5) is about 96 km east.
inline std::string write_square_catalog(const TempDir& dir, const std::string& name = "catalog.yaml") {
    dir.write(
        "square.geojson",
        feature_collection({{R"({"rid":"R1","name":"Square reserve"})",
                             R"({"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31],[100,30]]]})"}}));
    return dir.write(name, R"(version: 1
layers:
  - id: reserve
    title: Square reserve
    kind: vector
    path: square.geojson
    id_field: rid
    name_field: name
    criterion: biodiversity_importance
    theme: protected_area
    crs: "EPSG:4326"
)");
}

// A finished `sitescreen screen` run: exit code, streams and parsed outputs.
struct Screening {
    CommandResult cmd;
    std::vector<Json> sites;  // sites.jsonl (or stdout with --out -), one per line
    Json run;                 // run.json (null when absent)
    const Json* site(const std::string& id) const {
        for (const auto& s : sites)
            if (s.value("id", "") == id) return &s;
        return nullptr;
    }
};

inline std::vector<Json> parse_jsonl(const std::string& text) {
    std::vector<Json> out;
    for (const auto& line : split_lines(text))
        if (!line.empty()) out.push_back(Json::parse(line));
    return out;
}

// Runs `sitescreen screen <args>` with the catalog and output folder given;
// small and fast by default (data formats, one buffer, no avoidance search).
inline Screening screen_cli(const TempDir& dir, const std::string& args, const std::string& catalog,
                            const std::string& out_dir,
                            const std::string& defaults = "--formats data --buffers 1000 --no-avoidance --type plant") {
    Screening s;
    s.cmd = run_capture(std::string(SITESCREEN_BINARY) + " screen --layers " + shell_quote(catalog) + " --out " +
                            shell_quote(out_dir) + " " + defaults + " " + args,
                        dir);
    const std::string jsonl = out_dir == "-" ? s.cmd.out : read_file(out_dir + "/sites.jsonl");
    s.sites = parse_jsonl(jsonl);
    const std::string run = out_dir == "-" ? std::string() : read_file(out_dir + "/run.json");
    if (!run.empty()) s.run = Json::parse(run);
    return s;
}

// A one-band GeoTIFF in WGS 84 lon/lat: north-west corner (west, north),
// square cells of cell_deg, cell (col, row) = value(col, row) in `type`.
// Returns false (and records a test failure) if GDAL could not write it.
inline bool write_wgs84_raster(const std::string& path, int width, int height, GDALDataType type, double west,
                               double north, double cell_deg, const std::function<double(int, int)>& value) {
    gdal_init();
    DatasetPtr ds(GDALCreate(GDALGetDriverByName("GTiff"), path.c_str(), width, height, 1, type, nullptr));
    if (!ds) {
        ADD_FAILURE() << "cannot create " << path;
        return false;
    }
    double gt[6] = {west, cell_deg, 0.0, north, 0.0, -cell_deg};
    GDALSetGeoTransform(ds.get(), gt);
    SrsPtr wgs84 = wgs84_srs();
    GDALSetSpatialRef(ds.get(), wgs84.get());
    std::vector<double> cells(static_cast<std::size_t>(width) * height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) cells[static_cast<std::size_t>(y) * width + x] = value(x, y);
    if (GDALRasterIO(GDALGetRasterBand(ds.get(), 1), GF_Write, 0, 0, width, height, cells.data(), width, height,
                     GDT_Float64, 0, 0) != CE_None) {
        ADD_FAILURE() << "cannot write " << path;
        return false;
    }
    return true;
}

}  // namespace sitescreen::testing
