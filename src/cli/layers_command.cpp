// `sitescreen layers check|list`: open every catalog layer and report what it is, or why it cannot be used.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/errors.h"
#include "io/checksum.h"
#include "layers/catalog.h"
#include "layers/raster_layer.h"
#include "layers/vector_layer.h"

namespace sitescreen::cli {

namespace {
struct LayersOptions {
    std::string catalog;
    bool json = false;
};
}  // namespace

std::function<int()> add_layers_command(CLI::App& app) {
    auto opts = std::make_shared<LayersOptions>();
    CLI::App* layers = app.add_subcommand("layers", "Inspect the layer catalog");
    layers->require_subcommand(1);
    auto add_common = [&](CLI::App* sub) {
        sub->add_option("--layers", opts->catalog, "Catalog YAML (default: the shipped China pack)");
        sub->add_flag("--json", opts->json, "Print the report as JSON");
    };
    CLI::App* check = layers->add_subcommand(
        "check",
        "Open every layer: kind, CRS, extent, features or raster size, invalid geometries\n"
        "repaired, SHA-256, licence and demo flag. Exits 1 naming the layer and the problem\n"
        "when a path, field, CRS or preset does not fit.");
    add_common(check);
    CLI::App* list = layers->add_subcommand("list", "List the catalog's layers without opening them");
    add_common(list);

    return [opts, check, list]() -> int {
        const std::string path = opts->catalog.empty() ? default_catalog_path() : opts->catalog;
        const Catalog cat = load_catalog(path);
        if (list->parsed()) {
            for (const auto& l : cat.layers)
                std::cout << fmt::format("{:<24} {:<7} {:<24} {:<14} {}{}\n", l.id,
                                         l.kind == LayerKind::Vector ? "vector" : "raster", to_string(l.criterion),
                                         l.theme, l.title, l.provenance.demo ? "  [DEMO]" : "");
            return kExitOk;
        }
        nlohmann::ordered_json report = nlohmann::ordered_json::array();
        int failures = 0;
        for (const auto& l : cat.layers) {
            nlohmann::ordered_json j;
            j["id"] = l.id;
            j["kind"] = l.kind == LayerKind::Vector ? "vector" : "raster";
            j["path"] = l.path_as_written;
            try {
                if (l.kind == LayerKind::Vector) {
                    auto v = VectorLayer::load(l);
                    const auto& i = v->info();
                    j["crs"] = i.crs_name;
                    j["geometry_type"] = i.geometry_type;
                    j["features"] = i.feature_count;
                    j["pieces"] = i.piece_count;
                    j["invalid_repaired"] = i.invalid_repaired;
                    j["without_geometry"] = i.without_geometry;
                    j["extent"] = {i.west, i.south, i.east, i.north};
                    if (!opts->json)
                        std::cout << fmt::format("ok    {:<24} vector  {} features ({} pieces), {}, {} invalid repaired, "
                                                 "extent {:.3f},{:.3f} .. {:.3f},{:.3f}\n",
                                                 l.id, i.feature_count, i.piece_count, i.crs_name, i.invalid_repaired,
                                                 i.west, i.south, i.east, i.north);
                } else {
                    const RasterInfo i = inspect_raster(l);
                    j["crs"] = i.crs_name;
                    j["size"] = {i.width, i.height};
                    j["data_type"] = i.data_type;
                    j["nodata"] = i.nodata ? nlohmann::ordered_json(*i.nodata) : nlohmann::ordered_json(nullptr);
                    j["extent"] = {i.west, i.south, i.east, i.north};
                    if (!opts->json)
                        std::cout << fmt::format("ok    {:<24} raster  {}x{} {}, {}, extent {:.3f},{:.3f} .. {:.3f},{:.3f}\n",
                                                 l.id, i.width, i.height, i.data_type, i.crs_name, i.west, i.south,
                                                 i.east, i.north);
                }
                const DatasetChecksum sum = dataset_checksum(l.path);
                const std::string& sha = sum.sha256;
                j["sha256"] = sha;
                j["sha256_from"] = sha.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(sum.from_cache ? "cache" : "computed");
                j["licence"] = l.provenance.licence;
                j["demo"] = l.provenance.demo;
                j["status"] = "ok";
                if (!opts->json)
                    std::cout << fmt::format("      sha256 {}  licence: {}{}\n", sha.empty() ? "n/a" : sha,
                                             l.provenance.licence.empty() ? "(not stated)" : l.provenance.licence,
                                             l.provenance.demo ? "  DEMONSTRATION LAYER" : "");
            } catch (const InputError& e) {
                ++failures;
                j["status"] = "error";
                j["error"] = e.what();
                if (!opts->json) std::cout << "FAIL  " << l.id << ": " << e.what() << '\n';
            }
            report.push_back(j);
        }
        if (opts->json) std::cout << report.dump(2) << '\n';
        if (failures > 0) {
            std::cerr << "sitescreen: " << failures << " of " << cat.layers.size() << " layers cannot be used (catalog "
                      << path << ")\n";
            return kExitCannotRun;
        }
        if (!opts->json)
            std::cerr << "sitescreen: all " << cat.layers.size() << " layers of " << path << " are usable"
                      << (cat.any_demo() ? " (some are DEMONSTRATION layers)" : "") << '\n';
        return kExitOk;
    };
}

}  // namespace sitescreen::cli
