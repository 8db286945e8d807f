// Test helpers: temporary folders, GeoJSON layers written on the fly, LayerSpecs.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "layers/catalog.h"

namespace sitescreen::testing {

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
    s.kind = LayerKind::Vector;
    s.path = path;
    s.path_as_written = path;
    s.catalog_file = "test";
    s.criterion = Criterion::BiodiversityImportance;
    return s;
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

}  // namespace sitescreen::testing
