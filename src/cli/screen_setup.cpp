// Glue between the CLI and the library's assessment, report writers and provenance.
#include "cli/screen_setup.h"

#include <filesystem>
#include <map>
#include <optional>

#include "layers/catalog.h"
#include "screen/assess.h"
#include "sitescreen/version.h"

namespace fs = std::filesystem;

namespace sitescreen::cli {

namespace {
std::vector<std::string>& argv_store() {
    static std::vector<std::string> v;
    return v;
}
}  // namespace

void set_command_line(int argc, char** argv) { argv_store().assign(argv, argv + argc); }
const std::vector<std::string>& command_line() { return argv_store(); }

struct ScreenSetup::Impl {
    AssessOptions tables;  // the activity table, ecosystem map and E4 factors, once read
    std::shared_ptr<const LayerSet> layers;
    std::unique_ptr<Assessor> assessor;
    std::string profiles_dir;
    std::optional<std::map<std::string, Profile>> profiles;  // once read
    Portfolio portfolio;
};

ScreenSetup::ScreenSetup() : impl_(std::make_unique<Impl>()) {}
ScreenSetup::~ScreenSetup() = default;

void ScreenSetup::load_tables() {
    AssessOptions& t = impl_->tables;
    t.activities_path = activities_path;
    t.ecosystems_path = ecosystems_path;
    t.materiality_path = materiality_path;
    load_assessment_tables(t);
    impl_->profiles_dir = profiles_path.empty() ? default_profiles_dir() : profiles_path;
    impl_->profiles = load_profiles(impl_->profiles_dir);
}

void ScreenSetup::prepare(std::shared_ptr<const LayerSet> layers) {
    impl_->layers = std::move(layers);
    if (!impl_->profiles) load_tables();
    AssessOptions ao = impl_->tables;
    ao.avoidance_search = !no_avoidance;
    ao.lang = options.lang;
    impl_->assessor = std::make_unique<Assessor>(std::move(*impl_->profiles), impl_->layers, ao);
    impl_->profiles.reset();
    if (options.radii_from_profile) {
        // The summary's columns follow every profile's distances, in order.
        std::set<double> all;
        for (const auto& [type, p] : impl_->assessor->profiles())
            for (double r : impl_->assessor->radii_for(type)) all.insert(r);
        options.radii_m.assign(all.begin(), all.end());
    }
}

std::function<std::vector<double>(const Site&)> ScreenSetup::radii_resolver() const {
    if (!options.radii_from_profile) {
        const std::vector<double> radii = options.radii_m;
        return [radii](const Site&) { return radii; };
    }
    const Assessor* a = impl_->assessor.get();
    return [a](const Site& s) { return a->radii_for(s.type); };
}

std::function<void(SiteResult&, Screener&)> ScreenSetup::assessor() const {
    const Assessor* a = impl_->assessor.get();
    return [a](SiteResult& r, Screener& screener) { a->assess(r, screener); };
}

Portfolio& ScreenSetup::portfolio() { return impl_->portfolio; }

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
    opts["tile_union_min_radius_m"] = options.tile_union_min_radius_m;
    opts["tile_union"] = options.tile_union_min_radius_m <= 0 ? "off" : options.tile_union_auto ? "auto" : "on";
    opts["avoidance_search"] = !no_avoidance;
    run["options"] = opts;
    Json profiles = Json::object();
    profiles["folder"] = fs::absolute(impl_->profiles_dir).lexically_normal().string();
    profiles["profiles"] = impl_->assessor->profiles_json();
    run["profiles"] = std::move(profiles);
    run["config_files"] = impl_->assessor->config_files_json();
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
        j["kind"] = l.kind;
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
        // Where the digest came from: read now, or reused because no file changed (docs/layers.md).
        j["sha256_from"] =
            ls.checksums()[i].empty() ? Json(nullptr) : Json(ls.checksum_from_cache()[i] ? "cache" : "computed");
        ls.layer(i).describe(j);
        if (l.provenance.demo) demo.push_back(l.id);
        layers.push_back(std::move(j));
    }
    catalog["layers"] = std::move(layers);
    run["demo_layers"] = demo;
    run["catalog"] = std::move(catalog);
    return run;
}

}  // namespace sitescreen::cli
