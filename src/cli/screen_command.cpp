// `sitescreen screen`: the main job. Reads sites, opens layers, screens on all cores, writes every output.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <exception>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/screen_setup.h"
#include "core/clock.h"
#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/site_reader.h"
#include "layers/registry.h"
#include "report/core_writers.h"
#include "report/formats.h"
#include "run/pipeline.h"
#include "sitescreen/version.h"

namespace fs = std::filesystem;

namespace sitescreen::cli {

namespace {

struct ScreenArgs {
    std::string sites, sites_layer, catalog, buffers, out = "sitescreen_out", id_field, lon_field, lat_field, crs;
    std::string coords = "wgs84", type, profiles, formats = "all", shard, lang = "en", tile_union = "auto";
    std::string activities, ecosystems, materiality;
    int threads = 0;
    std::size_t feature_cap = 20;
    double tile_union_km = VectorLayer::kTileUnionMinRadiusM / 1000;
    bool overwrite = false, quiet = false, fail_on_site_error = false, no_avoidance = false;
    std::vector<std::string> argv;
};

std::string iso_now() { return utc_timestamp(); }

}  // namespace

void add_table_options(CLI::App& cmd, std::string& activities, std::string& ecosystems, std::string& materiality) {
    cmd.add_option("--activities", activities,
                   "Activity table: dependencies and impacts by economic activity, ENCORE ratings\n"
                   "(default: $SITESCREEN_ACTIVITIES, else config/activities.yaml; docs/leap.md)");
    cmd.add_option("--ecosystems", ecosystems,
                   "Ecosystem map: land-cover classes to IUCN GET units and their services\n"
                   "(default: $SITESCREEN_ECOSYSTEMS, else config/ecosystems.yaml)");
    cmd.add_option("--materiality", materiality,
                   "E4 factors: severity bands, irreversibility per theme, likelihood per exposure\n"
                   "(default: $SITESCREEN_MATERIALITY, else config/materiality.yaml)");
}

namespace {

// --buffers: distances in metres, each with its unit (`m`, `km`) or none (metres). A list that
// gives a unit to some distances and not to others (`1,5,10km`) is refused rather than guessed.
std::vector<double> parse_buffers(const std::string& text) {
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item, with_unit, without_unit;
    while (std::getline(ss, item, ',')) {
        std::string s;
        for (char c : item)
            if (!std::isspace(static_cast<unsigned char>(c))) s += c;
        if (s.empty()) continue;
        double scale = 1;
        bool unit = true;
        if (s.size() > 2 && s.substr(s.size() - 2) == "km")
            scale = 1000, s.resize(s.size() - 2);
        else if (s.size() > 1 && s.back() == 'm')
            s.pop_back();
        else
            unit = false;
        (unit ? with_unit : without_unit) = item;
        const bool digits_only = s.find_first_not_of("0123456789.eE+-") == std::string::npos;
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (!digits_only || end == s.c_str() || *end != '\0' || !std::isfinite(v) || v <= 0)
            throw UsageError("--buffers: '" + item +
                             "' is not a positive distance (metres, or with km: 1000,10km,50km)");
        const double m = v * scale;
        if (m < kMinBufferM)
            throw UsageError(
                fmt::format("--buffers: '{}' is less than {:g} m (the smallest buffer)", item, kMinBufferM));
        if (m > kMaxBufferM)
            throw UsageError(
                fmt::format("--buffers: '{}' is more than {:g} km (the largest buffer)", item, kMaxBufferM / 1000));
        out.push_back(m);
    }
    if (out.empty()) throw UsageError("--buffers: give at least one distance, e.g. --buffers 1000,10000,50000");
    if (!with_unit.empty() && !without_unit.empty())
        throw UsageError("--buffers: '" + without_unit + "' has no unit but '" + with_unit +
                         "' has one; give every distance its unit (1km,5km,10km) or none (metres: 1000,5000,10000)");
    if (out.size() > kMaxBuffers)
        throw UsageError(fmt::format("--buffers: {} distances; at most {} are allowed", out.size(), kMaxBuffers));
    return out;
}

std::optional<std::pair<int, int>> parse_shard(const std::string& s) {
    if (s.empty()) return std::nullopt;
    int i = -1, n = -1;
    char slash = 0;
    std::stringstream ss(s);
    if (!(ss >> i >> slash >> n) || slash != '/' || n < 1 || i < 0 || i >= n || !ss.eof())
        throw UsageError("--shard: expected i/N with 0 <= i < N, e.g. --shard 0/8");
    return std::make_pair(i, n);
}

// An output file of an earlier run, as found before this run wrote anything.
struct OldOutput {
    std::string path;
    dev_t dev;
    ino_t ino;
};

// The files a screening run writes into --out (the formats' table, report/formats.cpp), which
// --overwrite may replace or remove: the fixed names at the top, per-site files in sites/, and
// temporary files of a run that was killed. Nothing else in the folder is touched.
bool owned_output(const fs::path& name, bool in_sites) {
    const std::string n = name.filename().string();
    if (n.size() > 1 && n[0] == '.' && n.find(".tmp-") != std::string::npos) return true;
    const std::string per_site = "sites/<id>";
    for (const OutputFormat& f : output_formats())
        for (const std::string& file : f.files) {
            if (file.rfind(per_site, 0) == 0) {
                if (in_sites && name.extension().string() == file.substr(per_site.size())) return true;
            } else if (!in_sites && n == file) {
                return true;
            }
        }
    return false;
}

// --formats' help: a line per format from the table, then the groups.
std::string formats_help() {
    std::string out = "Outputs to write, comma-separated:\n";
    for (const OutputFormat& f : output_formats()) {
        std::string files;
        for (const std::string& file : f.files) files += (files.empty() ? "" : ", ") + file;
        out += fmt::format("  {:<10} {}: {}\n", f.name, files, f.description);
    }
    return out + fmt::format(
                     "'data' = {} (use it for batches of 100k+ sites); 'all' = every\n"
                     "format but {} (add it: all,{}); default all; run.json is always written",
                     output_format_group("data"), output_format_group("all", true), output_format_group("all", true));
}

std::vector<OldOutput> snapshot_outputs(const std::string& dir) {
    std::vector<OldOutput> out;
    auto scan = [&](const fs::path& d, bool in_sites) {
        std::error_code ec;
        for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
            struct stat st {};
            if (::lstat(it->path().c_str(), &st) != 0) continue;
            if (!(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) || !owned_output(it->path(), in_sites)) continue;
            out.push_back({it->path().string(), st.st_dev, st.st_ino});
        }
    };
    scan(dir, false);
    scan(fs::path(dir) / "sites", true);
    return out;
}

// Removes the earlier run's outputs that this run did not replace (a file replaced by rename has
// a new inode), then sites/ if that leaves it empty. Returns how many files were removed.
std::size_t remove_stale_outputs(const std::string& dir, const std::vector<OldOutput>& old) {
    std::size_t removed = 0;
    for (const auto& o : old) {
        struct stat st {};
        if (::lstat(o.path.c_str(), &st) != 0 || st.st_dev != o.dev || st.st_ino != o.ino) continue;
        if (::unlink(o.path.c_str()) == 0) ++removed;
    }
    std::error_code ec;
    const fs::path sites = fs::path(dir) / "sites";
    if (fs::is_directory(fs::symlink_status(sites, ec)) && fs::is_empty(sites, ec)) fs::remove(sites, ec);
    return removed;
}

void prepare_out_dir(const std::string& dir, bool overwrite) {
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw InputError("--out " + dir + ": exists and is not a folder");
        if (!fs::is_empty(dir, ec) && !overwrite)
            throw InputError("--out " + dir +
                             ": the folder is not empty (outputs of another run?); pass --overwrite "
                             "to replace them, or choose another folder");
        // Per-site reports are never written through a link into another folder.
        const fs::path sites = fs::path(dir) / "sites";
        const fs::file_status st = fs::symlink_status(sites, ec);
        if (fs::is_symlink(st))
            throw InputError("--out " + dir + ": sites is a symbolic link (to " + fs::read_symlink(sites, ec).string() +
                             "); the per-site reports are not written through it: remove it, or choose another folder");
        if (fs::exists(st) && !fs::is_directory(st))
            throw InputError("--out " + dir + ": sites exists and is not a folder (the per-site reports go there)");
    } else {
        fs::create_directories(dir, ec);
        if (ec) throw InputError("--out " + dir + ": cannot create the folder (" + ec.message() + ")");
    }
    if (::access(dir.c_str(), W_OK) != 0) throw InputError("--out " + dir + ": the folder is not writable");
}

// The input reader's notes (decimal commas read as points, GBK fields ...) in the catalog's words,
// from its counts; a note the catalog has no text for is printed as the reader wrote it (English).
std::vector<std::string> input_notes_text(const SiteSource& sites, const std::string& path, const i18n::Catalog& tr) {
    std::vector<std::string> out;
    for (const auto& [key, count] : sites.note_counts()) {
        if (count == 0) continue;
        if (!tr.has("cli.input_note." + key)) return sites.notes();
        out.push_back(tr.format("cli.input_note." + key,
                                {{"file", path == "-" ? "<stdin>" : path}, {"count", std::to_string(count)}}));
    }
    return out;
}

}  // namespace

std::function<int()> add_screen_command(CLI::App& app) {
    auto a = std::make_shared<ScreenArgs>();
    CLI::App* cmd = app.add_subcommand(
        "screen",
        "Screen candidate sites against the layer catalog and write the reports.\n\n"
        "Examples:\n"
        "  sitescreen screen --sites sample_sites/candidates.csv --out out\n"
        "  sitescreen screen --sites chargers.csv --coords gcj02 --type charger --buffers 500,1000 --out out\n"
        "  sitescreen screen --sites mines.gpkg --layers my_layers.yaml --threads 2 --out out\n"
        "  cat sites.csv | sitescreen screen --sites - --out - > sites.jsonl\n");
    cmd->add_option("--sites", a->sites,
                    "Sites: a CSV with longitude/latitude columns (lon/lng/longitude/x and\n"
                    "lat/latitude/y, any case; '-' reads CSV from standard input), or any vector\n"
                    "file GDAL reads (GeoJSON, GeoPackage, Shapefile...), points or polygons")
        ->required();
    cmd->add_option("--sites-layer", a->sites_layer, "Layer of a multi-layer sites file (default: the first)");
    cmd->add_option("--layers", a->catalog,
                    "Layer catalog YAML (default: the shipped China pack, layers/catalog.yaml)");
    cmd->add_option("--buffers", a->buffers,
                    "Buffer distances around each site, metres or km: 1000,10000,50000 or 1km,10km,50km\n"
                    "(default: each site type's profile)");
    cmd->add_option("--out", a->out, "Output folder, or '-' for JSON Lines on standard output")->capture_default_str();
    cmd->add_option("--threads", a->threads,
                    "Worker threads (default: all cores); outputs are identical for any count");
    cmd->add_option("--id-field", a->id_field, "Column/field holding the site id (default: id or site_id)");
    cmd->add_option("--lon-field", a->lon_field, "CSV column holding longitude (or x with --crs)");
    cmd->add_option("--lat-field", a->lat_field, "CSV column holding latitude (or y with --crs)");
    cmd->add_option("--crs", a->crs,
                    "CRS of the input coordinates: EPSG:4490 (CGCS2000), EPSG:32650, a PROJ string...\n"
                    "(default: from the file; WGS 84 for CSV)");
    cmd->add_option("--coords", a->coords,
                    "Chinese web-map coordinates to convert to WGS 84 first: gcj02 (AMap/Gaode,\n"
                    "Tencent), bd09 (Baidu); default wgs84 (no conversion)")
        ->check(CLI::IsMember({"wgs84", "gcj02", "bd09"}))
        ->capture_default_str();
    cmd->add_option("--type", a->type, "Site type for sites without a 'type' attribute: plant, mine or charger")
        ->check(CLI::IsMember({"plant", "mine", "charger"}));
    cmd->add_option("--profiles", a->profiles, "Folder of site-type profiles (default: config/profiles)");
    add_table_options(*cmd, a->activities, a->ecosystems, a->materiality);
    cmd->add_option("--formats", a->formats, formats_help())->capture_default_str();
    cmd->add_option("--lang", a->lang,
                    "Language of the reports, the map, the verdict reasons and mitigation texts and the\n"
                    "closing line: en or zh (keys, enum values and summary.csv headers stay English)")
        ->check(CLI::IsMember({"en", "zh"}))
        ->capture_default_str();
    cmd->add_option("--shard", a->shard, "Screen only spatial shard i of N (i/N, 0-based); see docs/scale.md");
    cmd->add_option("--feature-cap", a->feature_cap, "Features listed per buffer in sites.jsonl")
        ->capture_default_str();
    cmd->add_option("--tile-union-km", a->tile_union_km,
                    "Sites whose largest buffer is at least this wide (km) may take the area covered\n"
                    "by overlapping features from each layer dissolved per 0.1-degree tile: a fixed\n"
                    "cost to dissolve what the buffers reach, then less work per site (0 = never);\n"
                    "see docs/method.md")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--tile-union", a->tile_union,
                    "auto: per layer, dissolve tiles only where the first 4,096 sites' buffers reach\n"
                    "them often enough to pay (the choice and its figures are in run.json); on:\n"
                    "always for sites wide enough; off: never (the same as --tile-union-km 0).\n"
                    "Either way the areas agree to about 1e-5 of the buffer")
        ->check(CLI::IsMember({"auto", "on", "off"}))
        ->capture_default_str();
    cmd->add_flag("--no-avoidance", a->no_avoidance, "Skip the search for an alternative location");
    cmd->add_flag("--overwrite", a->overwrite, "Replace the outputs in a non-empty --out folder");
    cmd->add_flag("-q,--quiet", a->quiet, "No progress or summary on standard error (errors still shown)");
    cmd->add_flag("--fail-on-site-error", a->fail_on_site_error,
                  "Exit with 3 when any site is in error (for pipelines)");

    return [a, &app]() -> int {
        install_signal_handlers();  // honoured from here on, in every phase (docs/cli.md)
        const auto t0 = std::chrono::steady_clock::now();
        ScreenSetup setup;
        setup.started_at = iso_now();
        setup.catalog_path = a->catalog.empty() ? default_catalog_path() : a->catalog;
        setup.profiles_path = a->profiles;
        setup.activities_path = a->activities;
        setup.ecosystems_path = a->ecosystems;
        setup.materiality_path = a->materiality;
        setup.no_avoidance = a->no_avoidance;
        if (!a->buffers.empty()) {
            setup.options.radii_m = parse_buffers(a->buffers);
            setup.options.radii_from_profile = false;
        }
        if (a->feature_cap > kMaxFeatureCap)
            throw UsageError(
                fmt::format("--feature-cap: {} is more than {} (features listed per buffer; "
                            "feature_count always holds the full count)",
                            a->feature_cap, kMaxFeatureCap));
        setup.options.feature_cap = a->feature_cap;
        setup.options.lang = i18n::parse_lang(a->lang);
        setup.options.tile_union_min_radius_m = a->tile_union == "off" ? 0.0 : a->tile_union_km * 1000;
        setup.options.tile_union_auto = a->tile_union == "auto";
        const std::set<std::string> formats =
            a->out == "-" ? std::set<std::string>{"jsonl"} : parse_formats(a->formats);
        const auto shard = parse_shard(a->shard);
        if (a->threads < 0) throw UsageError("--threads must be 0 (all cores) or more");

        SiteReaderOptions ro;
        ro.path = a->sites;
        ro.layer = a->sites_layer;
        ro.id_field = a->id_field;
        ro.lon_field = a->lon_field;
        ro.lat_field = a->lat_field;
        ro.crs = a->crs;
        ro.coords = a->coords == "gcj02"  ? CoordSystem::Gcj02
                    : a->coords == "bd09" ? CoordSystem::Bd09
                                          : CoordSystem::Wgs84;
        ro.default_type = a->type;
        std::unique_ptr<SiteSource> sites = open_sites(ro);  // fails early on a missing file or columns
        // A bad activity table, ecosystem map, E4 factors file or profile is reported before any
        // output or layer, and before a bad layer catalog; the two are read side by side.
        std::future<void> tables = std::async(std::launch::async, [&setup] { setup.load_tables(); });
        std::optional<Catalog> catalog_read;
        std::exception_ptr catalog_error;
        try {
            catalog_read.emplace(load_catalog(setup.catalog_path));
        } catch (...) {
            catalog_error = std::current_exception();
        }
        tables.get();
        if (catalog_error) std::rethrow_exception(catalog_error);
        const Catalog& catalog = *catalog_read;

        const bool to_stdout = a->out == "-";
        const bool quiet = a->quiet;
        std::ostream& log = std::cerr;
        const i18n::Catalog& tr = i18n::catalog(setup.options.lang);  // what a user reads on standard error
        std::vector<OldOutput> old_outputs;
        if (!to_stdout) {
            prepare_out_dir(a->out, a->overwrite);
            old_outputs = snapshot_outputs(a->out);
        }

        // Open and check every layer before the first site.
        if (!quiet)
            log << tr.format("cli.opening", {{"version", SITESCREEN_VERSION},
                                             {"count", std::to_string(catalog.layers.size())},
                                             {"catalog", setup.catalog_path}})
                << '\n';
        const unsigned load_threads =
            a->threads > 0 ? static_cast<unsigned>(a->threads) : std::max(1u, std::thread::hardware_concurrency());
        auto layers = LayerSet::open(
            catalog,
            [&](const LayerSpec& l) {
                if (!quiet) log << "  " << l.id << (l.provenance.demo ? tr.text("cli.demo_layer") : "") << '\n';
            },
            load_threads);
        setup.prepare(layers);
        if (!to_stdout && formats.count("csv")) {
            std::size_t columns = 6 + 3;  // id ... error, verdict, criteria_met, alternative_distance_m
            for (const auto& l : catalog.layers)
                columns += layer_kind(l).summary_columns(l).site.size() + setup.options.radii_m.size();
            if (columns > kMaxCsvColumns)
                throw InputError(
                    fmt::format("summary.csv would have {} columns ({} layers x {} buffers); spreadsheets "
                                "open at most {}: use fewer buffers or layers, or --formats without csv",
                                columns, catalog.layers.size(), setup.options.radii_m.size(), kMaxCsvColumns));
        }
        if (catalog.any_demo() && !quiet) {
            std::string ids;
            for (const auto& l : catalog.layers)
                if (l.provenance.demo) ids += (ids.empty() ? "" : ", ") + l.id;
            log << tr.format("cli.demo_note", {{"layers", ids}}) << '\n';
        }

        RunContext ctx;
        ctx.out_dir = to_stdout ? "" : a->out;
        ctx.layers = layers.get();
        ctx.options = setup.options;
        ctx.site_fields = sites->fields();
        ctx.any_demo = catalog.any_demo();
        ctx.tool_version = SITESCREEN_VERSION;
        ctx.threads = load_threads;
        // The formats' writers, and two that write no file: the roll-up and the count of sites
        // with demonstration data, for run.json and the closing line.
        const std::vector<std::unique_ptr<OutputWriter>> writers =
            make_writers(formats, to_stdout ? &std::cout : nullptr);
        PortfolioWriter portfolio_writer(setup.portfolio());
        DemoCounter demo_counter;
        std::vector<OutputWriter*> raw;
        for (auto& w : writers) raw.push_back(w.get());
        if (!to_stdout) raw.push_back(&portfolio_writer);
        raw.push_back(&demo_counter);

        PipelineConfig pc;
        pc.threads = a->threads;
        pc.shard = shard;
        pc.radii_for = setup.radii_resolver();
        pc.assess = setup.assessor();
        const bool tty = ::isatty(2);
        auto last = std::chrono::steady_clock::now();
        pc.progress = [&](std::size_t done) {
            if (quiet) return;
            const auto now = std::chrono::steady_clock::now();
            if (now - last < std::chrono::milliseconds(tty ? 200 : 10000)) return;
            last = now;
            const double secs = std::chrono::duration<double>(now - t0).count();
            log << (tty ? "\r" : "")
                << tr.format("cli.progress",
                             {{"done", std::to_string(done)}, {"rate", fmt::format("{:.0f}", done / secs)}})
                << (tty ? "" : "\n") << std::flush;
        };
        PipelineStats stats;
        try {
            std::vector<BegunWriter> begun;
            for (auto* w : raw) begun.push_back({w, w->begin(ctx)});
            stats = run_pipeline(*sites, layers, setup.options, pc, begun);
            if (interrupt_flag().load()) throw Interrupted();  // before any output is renamed into place
            // The dissolved tiles this run built, for the next run (docs/layers.md, "Checksums").
            // Not by `serve`, which would write the file on a request's time: it reads the tiles kept.
            for (const auto& v : layers->vectors())
                if (v) v->save_tiles();
        } catch (const Interrupted&) {
            for (auto* w : raw) w->abort();
            remove_registered_temp_paths();
            log << '\n' << tr.format("cli.interrupted", {{"out", a->out}}) << '\n';
            return interrupt_exit_code();
        } catch (...) {
            for (auto* w : raw) w->abort();
            throw;
        }
        if (tty && !quiet) log << '\r';

        // run.json: provenance and counts.
        Json run = setup.run_json(a->argv.empty() ? std::vector<std::string>{} : a->argv);
        Json cmdline = Json::array();
        for (const auto& s : app.remaining()) cmdline.push_back(s);
        run["finished_at"] = iso_now();
        Json sj = Json::object();
        sj["total"] = stats.total;
        sj["ok"] = stats.ok;
        sj["error"] = stats.error;
        sj["errors"] = stats.errors;
        sj["duplicate_ids"] = stats.duplicate_ids;
        sj["duplicate_id_examples"] = stats.duplicate_examples;
        Json dup_lines = Json::array();
        for (const auto& d : stats.duplicate_lines)
            dup_lines.push_back({{"id", d.id}, {"where", d.where}, {"first", d.first}});
        sj["duplicate_id_lines"] = dup_lines;
        sj["with_demo_data"] = demo_counter.with_demo_data();          // summary.csv demo_data not empty
        sj["with_demo_findings"] = demo_counter.with_demo_findings();  // a demonstration layer decided a finding
        if (!stats.tile_union.empty()) {
            Json choice = Json::array();
            for (const auto& c : stats.tile_union)
                choice.push_back({{"layer", c.layer},
                                  {"sites_probed", c.sites},
                                  {"per_site_vertices", c.work.per_site},
                                  {"dissolve_vertices", c.work.dissolve},
                                  {"tile_visit_vertices", c.work.tile_visits},
                                  {"dissolved_tiles", c.tiles}});
            run["options"]["tile_union_choice"] = std::move(choice);
        }
        sj["warnings"] = stats.warnings;
        sj["with_warnings"] = stats.with_warnings;
        for (const auto& n : sites->notes()) run["notes"].push_back(n);
        Json input_notes = Json::object();
        for (const auto& [key, count] : sites->note_counts()) input_notes[key] = count;
        run["input_notes"] = input_notes;
        run["sites"] = sj;
        if (!to_stdout) run["portfolio"] = setup.portfolio().summary();
        const RunSummary summary{run, to_stdout ? nullptr : &setup.portfolio()};
        finish_writers(raw, summary, ctx.threads);
        // --overwrite: what the earlier run wrote and this one did not (sites/OLD.md, a gpkg
        // with --formats data) would pass for this run's output; it goes now that all is in place.
        const std::size_t stale = to_stdout ? 0 : remove_stale_outputs(a->out, old_outputs);

        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!quiet) {
            for (const auto& n : input_notes_text(*sites, a->sites, tr))
                log << tr.format("cli.note", {{"note", n}}) << '\n';
            if (stale > 0)
                log << tr.format("cli.removed_stale", {{"count", std::to_string(stale)}, {"out", a->out}}) << '\n';
            if (stats.duplicate_ids > 0) {
                log << tr.format("cli.duplicate_ids", {{"count", std::to_string(stats.duplicate_ids)}}) << '\n';
                for (std::size_t i = 0; i < stats.duplicate_lines.size() && i < 10; ++i) {
                    const auto& d = stats.duplicate_lines[i];
                    log << tr.format("cli.duplicate_line", {{"id", d.id}, {"where", d.where}, {"first", d.first}})
                        << '\n';
                }
                if (stats.duplicate_ids > 10)
                    log << tr.format("cli.duplicate_more", {{"count", std::to_string(stats.duplicate_ids - 10)}})
                        << '\n';
            }
            if (stats.error > 0) {
                log << tr.format("cli.site_errors", {{"count", std::to_string(stats.error)}}) << '\n';
                for (std::size_t i = 0; i < stats.errors.size() && i < 10; ++i) log << "  " << stats.errors[i] << '\n';
                if (stats.error > 10)
                    log << tr.format("cli.site_errors_more", {{"count", std::to_string(stats.error - 10)}}) << '\n';
            }
            std::string what;
            for (const auto& f : formats) what += (what.empty() ? "" : ", ") + f;
            const std::string demo =
                demo_counter.with_demo_data() == 0
                    ? std::string()
                    : tr.format("cli.closing_demo",
                                {{"with_data", std::to_string(demo_counter.with_demo_data())},
                                 {"with_findings", std::to_string(demo_counter.with_demo_findings())}});
            log << tr.format("cli.closing", {{"total", std::to_string(stats.total)},
                                             {"seconds", fmt::format("{:.1f}", secs)},
                                             {"ok", std::to_string(stats.ok)},
                                             {"error", std::to_string(stats.error)},
                                             {"warnings", std::to_string(stats.with_warnings)},
                                             {"demo", demo},
                                             {"out", to_stdout ? tr.text("cli.stdout") : a->out},
                                             {"formats", what}})
                << '\n';
        }
        if (a->fail_on_site_error && stats.error > 0) return kExitSiteErrors;
        return kExitOk;
    };
}

}  // namespace sitescreen::cli
