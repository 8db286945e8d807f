// `sitescreen serve`: opens the layers once and answers screening requests over HTTP (docs/serve.md).
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/screen_setup.h"
#include "core/errors.h"
#include "i18n/messages.h"
#include "layers/catalog.h"
#include "serve/http_service.h"
#include "sitescreen/version.h"

namespace fs = std::filesystem;

namespace sitescreen::cli {

namespace {

struct ServeArgs {
    std::string catalog, profiles, activities, ecosystems, materiality, bind = "127.0.0.1", token,
                                                                        jobs_dir = "sitescreen_jobs", tile_union = "on";
    int port = 8080;
    std::size_t workers = 0, connections = 32, max_sites = 1000, max_body_mb = 8, max_upload_mb = 256;
    unsigned job_threads = 1;
    double time_limit_s = 30, job_time_limit_s = 6 * 3600, job_retention_hours = 7 * 24;
    double job_kill_grace_s = serve::JobLimits{}.kill_grace_s;
    std::string lang = "en";
    bool no_avoidance = false, quiet = false;
};

std::string absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

// `--tile-union on`: every point buffer (buffers are at least 1 m) takes the dissolved tiles.
constexpr double kServeTileUnionMinRadiusM = 1.0;

}  // namespace

std::function<int()> add_serve_command(CLI::App& app) {
    auto a = std::make_shared<ServeArgs>();
    CLI::App* cmd =
        app.add_subcommand("serve",
                           "Open the layers once and serve screening over HTTP: POST /v1/screen, batch jobs,\n"
                           "the catalog, and a map page at / (docs/serve.md).\n\n"
                           "Examples:\n"
                           "  sitescreen serve\n"
                           "  sitescreen serve --layers my_layers.yaml --port 9000\n"
                           "  SITESCREEN_TOKEN=secret sitescreen serve --bind 0.0.0.0\n");
    cmd->add_option("--layers", a->catalog,
                    "Layer catalog YAML (default: the shipped China pack, layers/catalog.yaml)");
    cmd->add_option("--profiles", a->profiles, "Folder of site-type profiles (default: config/profiles)");
    add_table_options(*cmd, a->activities, a->ecosystems, a->materiality);
    cmd->add_option("--port", a->port, "TCP port (0: any free port, printed at start)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    cmd->add_option("--bind", a->bind, "Address to listen on; anything but localhost should have a --token")
        ->capture_default_str();
    cmd->add_option("--token", a->token, "Require 'Authorization: Bearer TOKEN' on /v1/ (default: $SITESCREEN_TOKEN)");
    cmd->add_option("--workers", a->workers, "Screenings at once (default: one per core)");
    cmd->add_option("--connections", a->connections, "Connections served at once")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    cmd->add_option("--max-sites", a->max_sites, "Sites per POST /v1/screen; larger batches go through jobs")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    cmd->add_option("--max-body-mb", a->max_body_mb, "Largest POST /v1/screen body, MB")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    cmd->add_option("--max-upload-mb", a->max_upload_mb, "Largest job upload, MB")
        ->check(CLI::Range(1, 65536))
        ->capture_default_str();
    cmd->add_option("--time-limit", a->time_limit_s, "Seconds a request may take, waiting for a worker included")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    cmd->add_option("--jobs-dir", a->jobs_dir, "Folder of batch jobs (kept across restarts)")->capture_default_str();
    cmd->add_option("--job-threads", a->job_threads, "Threads of a batch job")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    cmd->add_option("--job-time-limit", a->job_time_limit_s,
                    "Seconds a batch job may run; one past it is stopped and failed, its outputs removed (0: none)")
        ->check(CLI::Range(0.0, 1e7))
        ->capture_default_str();
    cmd->add_option("--job-kill-grace", a->job_kill_grace_s,
                    "Seconds a job stopped at its time limit (SIGTERM) has to remove its files and exit before SIGKILL")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    cmd->add_option("--job-retention-hours", a->job_retention_hours,
                    "Hours a finished job (its state and files) is kept, then removed (0: kept until you remove it)")
        ->check(CLI::Range(0.0, 1e6))
        ->capture_default_str();
    cmd->add_option("--lang", a->lang,
                    "Language of the records' texts, the reports (POST /v1/report, jobs): en or zh, as screen --lang")
        ->check(CLI::IsMember({"en", "zh"}))
        ->capture_default_str();
    cmd->add_flag("--no-avoidance", a->no_avoidance, "Skip the search for an alternative location");
    cmd->add_option("--tile-union", a->tile_union,
                    "on: every point buffer takes the area covered by overlapping features from each\n"
                    "layer dissolved per 0.1-degree tile, dissolved the first time a request reaches it\n"
                    "and kept for the service's life (screen --tile-union on --tile-union-km 0.001 gives\n"
                    "the same records); off: a union per site, as screen --tile-union off")
        ->check(CLI::IsMember({"on", "off"}))
        ->capture_default_str();
    cmd->add_flag("-q,--quiet", a->quiet, "No request log on standard error");

    return [a]() -> int {
        // Signals are taken by one thread (below), never by a connection thread: block them before
        // any thread starts, so that every thread inherits the mask.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
        ::signal(SIGPIPE, SIG_IGN);

        if (a->token.empty())
            if (const char* t = std::getenv("SITESCREEN_TOKEN")) a->token = t;
        ScreenSetup setup;
        setup.catalog_path = a->catalog.empty() ? default_catalog_path() : a->catalog;
        setup.profiles_path = a->profiles;
        setup.activities_path = a->activities;
        setup.ecosystems_path = a->ecosystems;
        setup.materiality_path = a->materiality;
        setup.no_avoidance = a->no_avoidance;
        setup.options.lang = i18n::parse_lang(a->lang);
        setup.load_tables();  // a bad table stops the service before it opens any layer
        const Catalog catalog = load_catalog(setup.catalog_path);
        std::cerr << "sitescreen " << SITESCREEN_VERSION << ": opening " << catalog.layers.size() << " layers from "
                  << setup.catalog_path << '\n';
        auto layers = LayerSet::open(
            catalog,
            [](const LayerSpec& l) {
                std::cerr << "  " << l.id << (l.provenance.demo ? "  [DEMONSTRATION]" : "") << '\n';
            },
            std::max(1u, std::thread::hardware_concurrency()));
        // A service outlives its requests, so a tile dissolved for one serves every later one: the
        // dissolve pays from the first few requests near it (docs/serve.md, "Performance").
        setup.options.tile_union_auto = false;
        setup.options.tile_union_min_radius_m = a->tile_union == "on" ? kServeTileUnionMinRadiusM : 0.0;
        setup.prepare(layers);

        serve::ScreenEngine engine;
        engine.layers = layers;
        engine.options = setup.options;
        engine.radii_for = setup.radii_resolver();
        engine.assess = setup.assessor();
        Json run = setup.run_json({});
        engine.catalog = run["catalog"];
        engine.catalog["demo_layers"] = run["demo_layers"];
        engine.profiles = run["profiles"];

        serve::ServeOptions so;
        so.bind = a->bind;
        so.port = a->port;
        so.token = a->token;
        so.workers = a->workers;
        so.connection_threads = a->connections;
        so.limits.max_sites = a->max_sites;
        so.limits.max_body_bytes = a->max_body_mb << 20;
        so.limits.max_upload_bytes = a->max_upload_mb << 20;
        so.limits.time_limit_s = a->time_limit_s;
        so.log = a->quiet ? nullptr : &std::cerr;
        if (!a->jobs_dir.empty()) {
            so.jobs_dir = a->jobs_dir;
            // A job is `sitescreen screen` on the same layers and profiles, in a child process.
            so.job_command = {fs::read_symlink("/proc/self/exe").string(),
                              "screen",
                              "--layers",
                              absolute(setup.catalog_path),
                              "--threads",
                              std::to_string(a->job_threads),
                              "--lang",
                              a->lang};
            if (!a->profiles.empty())
                so.job_command.insert(so.job_command.end(), {"--profiles", absolute(a->profiles)});
            // A job reads the service's tables: the same files, named the same way.
            for (const auto& [option, path] :
                 {std::pair<const char*, const std::string*>{"--activities", &a->activities},
                  {"--ecosystems", &a->ecosystems},
                  {"--materiality", &a->materiality}})
                if (!path->empty()) so.job_command.insert(so.job_command.end(), {option, absolute(*path)});
            if (a->no_avoidance) so.job_command.push_back("--no-avoidance");
            // A job's records equal what POST /v1/screen answers for its sites.
            if (a->tile_union == "on")
                so.job_command.insert(so.job_command.end(), {"--tile-union", "on", "--tile-union-km",
                                                             fmt::format("{:g}", kServeTileUnionMinRadiusM / 1000)});
            else
                so.job_command.insert(so.job_command.end(), {"--tile-union", "off"});
        }
        so.job_limits.time_limit_s = a->job_time_limit_s;
        so.job_limits.retention_s = a->job_retention_hours * 3600;
        so.job_limits.kill_grace_s = a->job_kill_grace_s;
        serve::Service service(std::move(engine), so);
        const int port = service.bind();
        std::cerr << fmt::format("sitescreen serve: listening on http://{}:{}/ ({} layers{}; jobs in {})\n",
                                 a->bind.find(':') != std::string::npos ? "[" + a->bind + "]" : a->bind, port,
                                 catalog.layers.size(), catalog.any_demo() ? ", with DEMONSTRATION layers" : "",
                                 a->jobs_dir.empty() ? std::string("(off)") : absolute(a->jobs_dir))
                  << std::flush;
        std::thread stopper([&service, stop_signals] {
            int sig = 0;
            sigwait(&stop_signals, &sig);
            service.stop();
        });
        service.run();
        // run() returned by a signal (the stopper has done its work) or by a failure: wake the
        // stopper in the second case so that it can be joined.
        pthread_kill(stopper.native_handle(), SIGTERM);
        stopper.join();
        std::cerr << "sitescreen serve: stopped\n";
        return kExitOk;
    };
}

}  // namespace sitescreen::cli
