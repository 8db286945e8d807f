// `sitescreen layers check|list`: open every catalog layer and report what it is, or why it cannot be used.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "cli/commands.h"
#include "core/errors.h"
#include "io/checksum.h"
#include "layers/catalog.h"
#include "layers/import/import.h"
#include "layers/registry.h"

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
    CLI::App* check =
        layers->add_subcommand("check",
                               "Open every layer: kind, CRS, extent, features or raster size, invalid geometries\n"
                               "repaired, SHA-256, licence and demo flag. Exits 1 naming the layer and the problem\n"
                               "when a path, field, CRS or preset does not fit.");
    add_common(check);
    CLI::App* list = layers->add_subcommand("list", "List the catalog's layers without opening them");
    add_common(list);

    auto imp = std::make_shared<import::ImportRequest>();
    std::string importers;
    for (const auto& n : import::importer_names()) importers += (importers.empty() ? "" : ", ") + n;
    CLI::App* import_cmd = layers->add_subcommand(
        "import",
        "Turn an official download, as its publisher packages it, into a ready layer (GeoPackage\n"
        "or VRT in EPSG:4326) and add it to your catalog with its provenance (docs/data.md).\n"
        "Importers: " +
            importers);
    import_cmd->add_option("preset", imp->preset, "Importer: " + importers)->required();
    import_cmd->add_option("download", imp->download, "The download: zip, shapefile, FileGDB, folder of tiles, or URL")
        ->required();
    import_cmd->add_option("--out", imp->out_dir, "Folder for the imported layer")->required();
    import_cmd->add_option("--catalog", imp->catalog, "Your catalog to add the entry to (default: <out>/catalog.yaml)");
    import_cmd->add_option("--region", imp->region,
                           "Keep only: china, a bbox W,S,E,N, or a country / Chinese province name");
    import_cmd->add_option("--id", imp->id, "Layer id in the catalog (default: the importer's name)");
    import_cmd->add_option("--source-url", imp->source_url,
                           "Where the download came from (default: the publisher's page)");
    import_cmd->add_option("--licence", imp->licence, "Licence text to record (default: the publisher's terms)");
    import_cmd->add_option("--data-version", imp->version,
                           "Version or date of the data (default: from the file names)");
    import_cmd->add_option("--encoding", imp->encoding,
                           "Encoding of .dbf files without a .cpg (china_nature_reserve: CP936)");
    import_cmd->add_flag("--all-status", imp->all_status,
                         "wdpa: keep every STATUS, not only designated/inscribed/established");

    return [opts, list, import_cmd, imp]() -> int {
        if (import_cmd->parsed()) {
            import::ImportRequest r = *imp;
            if (r.catalog.empty()) r.catalog = (std::filesystem::path(r.out_dir) / "catalog.yaml").string();
            const import::ImportResult res = import::run_import(r);
            std::cout << fmt::format("imported {} -> {} ({} {}, {} repaired)\n", r.preset, res.layer_path, res.features,
                                     r.preset == "worldcover" || r.preset == "gfc" ? "tiles" : "features",
                                     res.repaired);
            for (const auto& n : res.notes) std::cout << "  note: " << n << '\n';
            std::cout << fmt::format(
                "catalog: layer '{}' added to {}; check it with: sitescreen layers check --layers {}\n", res.id,
                res.catalog, res.catalog);
            return kExitOk;
        }
        const std::string path = opts->catalog.empty() ? default_catalog_path() : opts->catalog;
        const Catalog cat = load_catalog(path);
        if (list->parsed()) {
            for (const auto& l : cat.layers)
                std::cout << fmt::format("{:<24} {:<7} {:<24} {:<14} {}{}\n", l.id, l.kind, to_string(l.criterion),
                                         l.theme, l.title, l.provenance.demo ? "  [DEMO]" : "");
            return kExitOk;
        }
        nlohmann::ordered_json report = nlohmann::ordered_json::array();
        int failures = 0;
        for (const auto& l : cat.layers) {
            nlohmann::ordered_json j;
            j["id"] = l.id;
            j["kind"] = l.kind;
            j["path"] = l.path_as_written;
            try {
                // What opening found, as the layer's kind describes it (layers/layer.h).
                const std::string found = open_layer(l)->check(j);
                if (!opts->json) std::cout << fmt::format("ok    {:<24} {}\n", l.id, found);
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
        if (opts->json)
            std::cout << report.dump(2) << '\n';
        else {
            // Per TNFD sensitive-location criterion: which layers speak to it, and which are demonstration.
            std::cout << "TNFD sensitive-location criteria:\n";
            for (const char* c : {"biodiversity_importance", "ecosystem_integrity", "rapid_decline", "water_risk",
                                  "ecosystem_services"}) {
                std::string real, demo;
                for (const auto& l : cat.layers) {
                    if (std::string(to_string(l.criterion)) != c) continue;
                    (l.provenance.demo ? demo : real) += ((l.provenance.demo ? demo : real).empty() ? "" : ", ") + l.id;
                }
                std::cout << fmt::format("  {:<24} {}{}\n", c,
                                         real.empty() ? (demo.empty() ? "NO LAYER" : "no real layer") : real,
                                         demo.empty() ? "" : "; DEMO (not real data): " + demo);
            }
        }
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
