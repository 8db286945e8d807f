// Test helpers for the shipped sample sites and layer pack (golden and TNFD-table tests).
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "io/site_reader.h"
#include "layers/catalog.h"
#include "screen/screener.h"

namespace sitescreen::testing {

// The shipped catalog, opened once per test binary (null when not present).
inline std::shared_ptr<const LayerSet> shipped_layers() {
    static const std::shared_ptr<const LayerSet> layers = []() -> std::shared_ptr<const LayerSet> {
        const std::string path = std::string(SITESCREEN_SOURCE_DIR) + "/layers/catalog.yaml";
        if (!std::filesystem::exists(path)) return nullptr;
        return LayerSet::open(load_catalog(path));
    }();
    return layers;
}

// Every site of a sites file, in input order.
inline std::vector<Site> read_all(const std::string& path) {
    SiteReaderOptions o;
    o.path = path;
    auto src = open_sites(o);
    std::vector<Site> out;
    Site s;
    while (src->next(s)) out.push_back(s);
    return out;
}

}  // namespace sitescreen::testing
