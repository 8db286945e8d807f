// Glue between the CLI and the library's assessment, report writers and provenance.
#include "cli/screen_setup.h"

#include <filesystem>

#include "layers/catalog.h"
#include "sitescreen/version.h"

namespace fs = std::filesystem;

namespace sitescreen::cli {

namespace {
std::vector<std::string>& argv_store() {
    static std::vector<std::string> v;
    return v;
}

const char* kind_name(LayerKind k) { return k == LayerKind::Vector ? "vector" : "raster"; }
}  // namespace

void set_command_line(int argc, char** argv) {
    argv_store().assign(argv, argv + argc);
}
const std::vector<std::string>& command_line() { return argv_store(); }

struct ScreenSetup::Impl {
    std::shared_ptr<const LayerSet> layers;
};

ScreenSetup::ScreenSetup() : impl_(std::make_unique<Impl>()) {}
ScreenSetup::~ScreenSetup() = default;

void ScreenSetup::prepare(std::shared_ptr<const LayerSet> layers) { impl_->layers = std::move(layers); }

std::function<std::vector<double>(const Site&)> ScreenSetup::radii_resolver() const {
    const std::vector<double> radii = options.radii_m;
    return [radii](const Site&) { return radii; };
}

std::function<void(SiteResult&, Screener&)> ScreenSetup::assessor() const { return {}; }

std::vector<std::unique_ptr<OutputWriter>> ScreenSetup::report_writers(const std::set<std::string>&) { return {}; }

Json ScreenSetup::portfolio_summary() const { return nullptr; }

Json ScreenSetup::run_json(const std::vector<std::string>&) const {
    Json run = Json::object();
    run["tool"] = "sitescreen";
    run["version"] = SITESCREEN_VERSION;
    run["command_line"] = command_line();
    run["started_at"] = started_at;
    run["finished_at"] = nullptr;
    Json opts = Json::object();
    opts["buffers_m"] = options.radii_from_profile ? Json("from profiles") : Json(options.radii_m);
    opts["circle_segments"] = options.circle_segments;
    opts["feature_cap"] = options.feature_cap;
    opts["avoidance_search"] = !no_avoidance;
    run["options"] = opts;
    const LayerSet& ls = *impl_->layers;
    const Catalog& cat = ls.catalog();
    Json catalog = Json::object();
    catalog["file"] = fs::absolute(cat.file).lexically_normal().string();
    catalog["files"] = cat.files;
    Json layers = Json::array();
    Json demo = Json::array();
    for (std::size_t i = 0; i < cat.layers.size(); ++i) {
        const LayerSpec& l = cat.layers[i];
        Json j = Json::object();
        j["id"] = l.id;
        j["title"] = l.title;
        j["kind"] = kind_name(l.kind);
        j["path"] = l.path_as_written;
        j["preset"] = l.preset;
        j["criterion"] = to_string(l.criterion);
        j["theme"] = l.theme;
        j["demo"] = l.provenance.demo;
        j["source"] = l.provenance.source;
        j["licence"] = l.provenance.licence;
        j["date"] = l.provenance.date;
        j["url"] = l.provenance.url;
        j["sha256"] = ls.checksums()[i];
        if (const auto& v = ls.vectors()[i]) {
            j["feature_count"] = v->info().feature_count;
            j["crs"] = v->info().crs_name;
            j["invalid_repaired"] = v->info().invalid_repaired;
            j["without_geometry"] = v->info().without_geometry;
            j["unrepairable"] = v->info().unrepairable;
        } else if (const auto& r = ls.rasters()[i]) {
            j["size"] = {r->width, r->height};
            j["crs"] = r->crs_name;
            j["data_type"] = r->data_type;
        }
        if (l.provenance.demo) demo.push_back(l.id);
        layers.push_back(std::move(j));
    }
    catalog["layers"] = std::move(layers);
    run["demo_layers"] = demo;
    run["catalog"] = std::move(catalog);
    return run;
}

}  // namespace sitescreen::cli
