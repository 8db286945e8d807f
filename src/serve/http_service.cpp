// The routes of `sitescreen serve` on cpp-httplib: limits, token, JSON errors and the request log.
#include "serve/http_service.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/catalog.h"
#include "report/core_writers.h"
#include "report/portfolio_page.h"
#include "serve/http_util.h"
#include "serve/jobs.h"
#include "serve/map_page.h"
#include "serve/openapi.h"
#include "serve/screen_run.h"
#include "serve/worker_slots.h"
#include "sitescreen/version.h"

namespace sitescreen::serve {

namespace {

using Clock = std::chrono::steady_clock;

// A fixed pool of connection threads whose queue is bounded: when it is full the accept loop
// waits, and further connections wait in the kernel's backlog instead of in memory.
class BoundedPool : public httplib::TaskQueue {
public:
    BoundedPool(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
        for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
    }
    void enqueue(std::function<void()> fn) override {
        std::unique_lock<std::mutex> lock(mutex_);
        room_.wait(lock, [&] { return queue_.size() < max_queued_ || stopping_; });
        queue_.push_back(std::move(fn));
        ready_.notify_one();
    }
    void shutdown() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        ready_.notify_all();
        room_.notify_all();
        for (auto& t : threads_) t.join();
    }

private:
    void work() {
        for (;;) {
            std::function<void()> fn;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ready_.wait(lock, [&] { return !queue_.empty() || stopping_; });
                if (queue_.empty()) return;
                fn = std::move(queue_.front());
                queue_.pop_front();
            }
            room_.notify_one();
            fn();
        }
    }
    std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable ready_, room_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// When a request started, for the log line (one connection thread handles a request throughout).
thread_local Clock::time_point t_request_start;

bool equal_in_constant_time(const std::string& a, const std::string& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    return diff == 0;
}

// The outline of the catalog's admin layers over their whole extent, for the map page.
std::string basemap_geojson(const LayerSet& layers) {
    double west = 180, south = 90, east = -180, north = -90;
    for (std::size_t i = 0; i < layers.catalog().layers.size(); ++i) {
        const auto& v = layers.vectors()[i];
        if (layers.catalog().layers[i].theme != "admin" || !v) continue;
        west = std::min(west, v->info().west), south = std::min(south, v->info().south);
        east = std::max(east, v->info().east), north = std::max(north, v->info().north);
    }
    const std::string g = west < east ? admin_outline_geojson(layers, west, south, east, north) : std::string();
    return g.empty() ? std::string(R"({"type":"FeatureCollection","features":[]})") : g;
}

// The token of a `sitescreen_token` cookie ("" when none): the map page sets it, for the links to a
// job's files only (Path=/v1/jobs/), since a link the browser follows cannot carry a header.
// Its value is percent-encoded (encodeURIComponent).
std::string token_cookie(const std::string& cookies) {
    static const std::string kName = "sitescreen_token=";
    for (std::size_t at = 0; at < cookies.size();) {
        while (at < cookies.size() && (cookies[at] == ' ' || cookies[at] == ';')) ++at;
        const std::size_t end = std::min(cookies.find(';', at), cookies.size());
        if (cookies.compare(at, kName.size(), kName) == 0) {
            std::string out;
            for (std::size_t i = at + kName.size(); i < end; ++i) {
                const auto hex = [](char c) {
                    return c >= '0' && c <= '9'   ? c - '0'
                           : c >= 'a' && c <= 'f' ? c - 'a' + 10
                           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
                };
                if (cookies[i] == '%' && i + 2 < end && hex(cookies[i + 1]) >= 0 && hex(cookies[i + 2]) >= 0) {
                    out += static_cast<char>(hex(cookies[i + 1]) * 16 + hex(cookies[i + 2]));
                    i += 2;
                } else {
                    out += cookies[i];
                }
            }
            return out;
        }
        at = end;
    }
    return "";
}

// A job's file, which the map page links to.
bool is_job_file(const httplib::Request& req) {
    static const std::regex kFile(R"(/v1/jobs/[^/]+/files/.+)");
    return req.method == "GET" && std::regex_match(req.path, kFile);
}

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host == "localhost"; }

}  // namespace

struct Service::Impl {
    ScreenEngine engine;
    ServeOptions options;
    httplib::Server server;
    WorkerSlots slots;
    std::vector<std::unique_ptr<Screener>> screeners;  // one per worker
    std::unique_ptr<JobStore> jobs;
    std::mutex log_mutex;
    Clock::time_point started = Clock::now();
    std::atomic<unsigned long long> screened{0};
    std::once_flag basemap_once;
    std::string basemap;                 // the admin layers' outline (GeoJSON)
    std::thread basemap_maker;           // makes it at start: it takes seconds for a world layer
    std::mutex lifecycle;                // run() and stop() may come from different threads
    std::atomic<int> listen_socket{-1};  // the last socket the server made to listen on

    Impl(ScreenEngine e, ServeOptions o)
        : engine(std::move(e)),
          options(std::move(o)),
          slots(options.workers > 0 ? options.workers : std::max(1u, std::thread::hardware_concurrency())) {
        for (std::size_t i = 0; i < workers(); ++i)
            screeners.push_back(std::make_unique<Screener>(engine.layers, engine.options));
        if (!options.jobs_dir.empty())
            jobs = std::make_unique<JobStore>(options.jobs_dir, options.job_command, options.job_limits);
        routes();
    }

    std::size_t workers() const {
        return options.workers > 0 ? options.workers : std::max(1u, std::thread::hardware_concurrency());
    }

    // Bodies up to this size are read (and drained when a route takes less); larger ones are
    // refused before they are read.
    std::size_t hard_body_limit() const {
        return std::max(options.limits.max_body_bytes, options.limits.max_upload_bytes);
    }

    void routes() {
        const std::size_t threads = options.connection_threads, queued = options.queued_connections;
        server.new_task_queue = [threads, queued] { return new BoundedPool(threads, queued); };
        server.set_payload_max_length(hard_body_limit());
        const auto limit_s = static_cast<time_t>(std::max(1.0, options.limits.time_limit_s));
        server.set_read_timeout(limit_s, 0);
        server.set_write_timeout(limit_s, 0);
        server.set_keep_alive_timeout(5);
        // Answers go out as soon as they are written: with Nagle's algorithm a response written in
        // two parts (headers, body) waited for the client's delayed ACK, some 40 ms a request.
        server.set_tcp_nodelay(true);
        // A client keeps its connection for many requests (cpp-httplib closes it after 5 by default):
        // reconnecting clients overran the library's listen backlog of 5 under load, and a connection
        // lost in that race was an answer lost.
        server.set_keep_alive_max_count(10000);
        // The library's own options (SO_REUSEADDR), and the socket kept to widen its backlog (bind()).
        server.set_socket_options([this](socket_t sock) {
            int yes = 1;
            ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            listen_socket = sock;
        });

        // Before the body is read: the token, and the size the route accepts.
        server.set_pre_routing_handler([this](const httplib::Request& req,
                                              httplib::Response& res) -> httplib::Server::HandlerResponse {
            t_request_start = Clock::now();
            if (!options.token.empty() && req.path.rfind("/v1/", 0) == 0 && req.path != "/v1/health" &&
                req.path != "/v1/openapi.json") {
                const std::string auth = req.get_header_value("Authorization");
                const bool bearer =
                    auth.rfind("Bearer ", 0) == 0 && equal_in_constant_time(auth.substr(7), options.token);
                // The links to a job's files (GET, read only) may carry the token as the map page's
                // cookie instead (docs/serve.md, "The map page").
                const bool cookie = !bearer && req.has_header("Cookie") && is_job_file(req) &&
                                    equal_in_constant_time(token_cookie(req.get_header_value("Cookie")), options.token);
                if (!bearer && !cookie) {
                    // A missing token and a wrong one are told apart (RFC 6750, section 3.1), so that the
                    // caller, and the map page, can say which it was.
                    const bool sent = !auth.empty() || (req.has_header("Cookie") && is_job_file(req) &&
                                                        !token_cookie(req.get_header_value("Cookie")).empty());
                    res.set_header("WWW-Authenticate", sent ? "Bearer error=\"invalid_token\"" : "Bearer");
                    send_error(res, 401,
                               !sent ? "this service needs a token: send the header 'Authorization: Bearer <token>'"
                               : auth.empty() || auth.rfind("Bearer", 0) == 0
                                   ? "the token was refused: it is not the one the service was started with "
                                     "(--token or SITESCREEN_TOKEN)"
                                   : "the Authorization header is not 'Bearer <token>': send the header "
                                     "'Authorization: Bearer <token>'");
                    return httplib::Server::HandlerResponse::Handled;
                }
            }
            const std::size_t length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
            if (length > hard_body_limit()) {
                res.set_header("Connection", "close");  // the body is not read: the connection cannot go on
                send_error(res, 413,
                           body_too_large(req.method, req.path, body_limit(options.limits, req.path), length).what());
                return httplib::Server::HandlerResponse::Handled;
            }
            return httplib::Server::HandlerResponse::Unhandled;
        });
        server.set_error_handler(httplib::Server::HandlerWithResponse(
            [this](const httplib::Request& req, httplib::Response& res) -> httplib::Server::HandlerResponse {
                if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
                const std::string message =
                    res.status == 404 ? "no such resource: " + req.method + " " + req.path
                    : res.status == 413
                        ? std::string(
                              body_too_large(req.method, req.path, body_limit(options.limits, req.path), 0).what())
                    : res.status == 405 ? "method " + req.method + " is not allowed on " + req.path
                                        : fmt::format("the request failed (HTTP {})", res.status);
                send_error(res, res.status, message);
                return httplib::Server::HandlerResponse::Handled;
            }));
        server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
            try {
                std::rethrow_exception(ep);
            } catch (const RequestError& e) {
                send_error(res, e.status, e.what());
            } catch (const InputError& e) {
                send_error(res, 400, e.what());
            } catch (const std::exception& e) {
                send_error(res, 500, std::string("internal error: ") + e.what());
            } catch (...) {
                send_error(res, 500, "internal error");
            }
        });
        server.set_logger([this](const httplib::Request& req, const httplib::Response& res) { log(req, res); });

        server.Get("/", [this](const httplib::Request&, httplib::Response& res) {
            res.set_header("Content-Security-Policy", map_page_csp());
            res.set_content(map_page_html(engine.options.lang), "text/html; charset=utf-8");
        });
        server.Get("/v1/health",
                   [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, health()); });
        server.Get("/v1/openapi.json",
                   [](const httplib::Request&, httplib::Response& res) { send_json(res, 200, openapi_document()); });
        server.Get("/v1/layers",
                   [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, engine.catalog); });
        server.Get(R"(/v1/layers/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
            const std::string id = req.matches[1];
            std::string ids;
            for (const auto& l : engine.catalog["layers"]) {
                if (l["id"] == id) return send_json(res, 200, l);
                ids += (ids.empty() ? "" : ", ") + l["id"].get<std::string>();
            }
            send_error(res, 404, "unknown layer '" + id + "' (the catalog has: " + ids + ")");
        });
        server.Get("/v1/basemap", [this](const httplib::Request&, httplib::Response& res) {
            make_basemap();  // waits for the maker when it is still at work
            res.set_content(basemap, "application/geo+json");
        });
        // The body is read here, in pieces: one over the limit is drained, not kept, so that the
        // client reads the 413 rather than a reset connection.
        const auto read_body = [this](const httplib::Request& req, const httplib::ContentReader& reader) {
            const BodyLimit limit = body_limit(options.limits, req.path);
            std::string body;
            std::size_t total = 0;
            reader([&](const char* data, std::size_t n) {
                total += n;
                if (total <= limit.bytes) body.append(data, n);
                return true;
            });
            if (total > limit.bytes) throw body_too_large(req.method, req.path, limit, total);
            return body;
        };
        server.Post("/v1/screen", [this, read_body](const httplib::Request& req, httplib::Response& res,
                                                    const httplib::ContentReader& reader) {
            screen(req, read_body(req, reader), res);
        });
        server.Post("/v1/report", [this, read_body](const httplib::Request& req, httplib::Response& res,
                                                    const httplib::ContentReader& reader) {
            report(req, read_body(req, reader), res);
        });
        if (jobs)
            add_job_routes(server, *jobs, options.limits);
        else
            server.Post("/v1/jobs", [](const httplib::Request&, httplib::Response& res) {
                send_error(res, 503, "batch jobs are off: start the service with --jobs-dir DIR");
            });
    }

    void make_basemap() {
        std::call_once(basemap_once, [this] { basemap = basemap_geojson(*engine.layers); });
    }

    Json health() const {
        Json h = Json::object();
        h["status"] = "ok";
        h["version"] = SITESCREEN_VERSION;
        h["uptime_s"] = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count();
        h["layers"] = engine.layers->catalog().layers.size();
        h["demo_layers"] = engine.catalog.value("demo_layers", Json::array());
        h["workers"] = workers();
        h["sites_screened"] = screened.load();
        h["jobs"] = jobs != nullptr;
        h["token_required"] = !options.token.empty();  // the map page asks for it before anything else
        return h;
    }

    void screen(const httplib::Request& req, const std::string& body_in, httplib::Response& res) {
        const auto deadline =
            Clock::now() + std::chrono::milliseconds(static_cast<long long>(options.limits.time_limit_s * 1000));
        QueryParams query(req.params.begin(), req.params.end());
        SitesRequest request = parse_sites_request(body_in, req.get_header_value("Content-Type"), query, options.limits,
                                                   engine.layers->catalog());
        const auto worker = slots.acquire(deadline);
        if (!worker)
            return send_error(res, 503,
                              fmt::format("every worker stayed busy for the time limit ({:g} s); try again",
                                          options.limits.time_limit_s));
        ScreenAnswer answer;
        {
            SlotGuard slot(slots, *worker);
            answer = screen_sites(engine, *screeners[*worker], request, options.limits, deadline);
        }
        screened += answer.lines.size();
        const int status = request.single && answer.error > 0 ? 422 : 200;
        if (req.get_header_value("Accept").find("application/x-ndjson") != std::string::npos) {
            // The exact lines of sites.jsonl.
            std::string body;
            for (const auto& l : answer.lines) body += l + '\n';
            res.status = status;
            res.set_content(body, "application/x-ndjson");
            return;
        }
        std::string body = "{";
        if (status != 200) body += "\"error\":" + to_json_line(Json(answer.first_error)) + ",\"status\":422,";
        body += fmt::format("\"sites\":{{\"total\":{},\"ok\":{},\"error\":{}}},\"records\":[", answer.lines.size(),
                            answer.ok, answer.error);
        for (std::size_t i = 0; i < answer.lines.size(); ++i) body += (i ? "," : "") + answer.lines[i];
        body += "]}\n";
        res.status = status;
        res.set_content(body, "application/json");
    }

    // POST /v1/report: one site's full HTML report, the page `screen --formats html` writes to
    // sites/<id>.html, rendered in memory (nothing of the request reaches the file system).
    void report(const httplib::Request& req, const std::string& body_in, httplib::Response& res) {
        const auto deadline =
            Clock::now() + std::chrono::milliseconds(static_cast<long long>(options.limits.time_limit_s * 1000));
        QueryParams query(req.params.begin(), req.params.end());
        RequestLimits one = options.limits;
        one.max_sites = 1;
        const std::string one_site =
            "POST /v1/report takes one site (a site's fields, {\"site\": {...}}, a GeoJSON "
            "Feature, or a CSV with one row); screen lists with POST /v1/screen, and get every "
            "site's report from a job (POST /v1/jobs)";
        SitesRequest request;
        try {
            request = parse_sites_request(body_in, req.get_header_value("Content-Type"), query, one,
                                          engine.layers->catalog());
        } catch (const RequestError& e) {
            if (e.status == 413) throw RequestError(400, one_site);
            throw;
        }
        const auto worker = slots.acquire(deadline);
        if (!worker)
            return send_error(res, 503,
                              fmt::format("every worker stayed busy for the time limit ({:g} s); try again",
                                          options.limits.time_limit_s));
        ScreenAnswer answer;
        ReportPages pages(request.label);
        {
            SlotGuard slot(slots, *worker);
            try {
                answer = screen_sites(engine, *screeners[*worker], request, one, deadline, &pages);
            } catch (const RequestError& e) {
                if (e.status == 413) throw RequestError(400, one_site);
                throw;
            }
        }
        screened += answer.lines.size();
        if (answer.lines.empty()) throw RequestError(400, "the request has no site: " + one_site);
        if (answer.error > 0) {
            // As POST /v1/screen answers a single site in error: the CLI's message and the record.
            res.status = 422;
            res.set_content("{\"error\":" + to_json_line(Json(answer.first_error)) +
                                ",\"status\":422,\"sites\":{\"total\":1,"
                                "\"ok\":0,\"error\":1},\"records\":[" +
                                answer.lines[0] + "]}\n",
                            "application/json");
            return;
        }
        if (pages.pages().size() != 1) throw std::runtime_error("the report of the site was not rendered");
        // The page stands alone (styles inline, the map a data: URI): it needs nothing else.
        res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        res.set_content(pages.pages()[0], "text/html; charset=utf-8");
    }

    void log(const httplib::Request& req, const httplib::Response& res) {
        if (!options.log) return;
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t_request_start).count();
        const std::string line = fmt::format("{} {} \"{} {}\" {} {} {:.1f}ms\n", utc_now(), req.remote_addr, req.method,
                                             req.path, res.status, res.body.size(), ms);
        std::lock_guard<std::mutex> lock(log_mutex);
        *options.log << line << std::flush;
    }
};

Service::Service(ScreenEngine engine, ServeOptions options)
    : impl_(std::make_unique<Impl>(std::move(engine), std::move(options))) {}
Service::~Service() { stop(); }

int Service::bind() {
    auto& o = impl_->options;
    const int port = o.port == 0 ? impl_->server.bind_to_any_port(o.bind) : o.port;
    if (port < 0 || (o.port != 0 && !impl_->server.bind_to_port(o.bind, o.port)))
        throw InputError(fmt::format(
            "--bind {} --port {}: cannot listen there (in use, or not an address of this machine)", o.bind, o.port));
    // cpp-httplib listens with a backlog of 5: a burst of clients connecting at once had their SYNs
    // dropped and retried a second later. Linux takes a new backlog from a second listen().
    if (const int sock = impl_->listen_socket.load(); sock >= 0) ::listen(sock, SOMAXCONN);
    if (!is_loopback(o.bind) && o.token.empty() && o.log)
        *o.log << "warning: serving on " << o.bind << " without a token: anyone who can reach the port can use it "
               << "(set --token or SITESCREEN_TOKEN)\n";
    return port;
}

void Service::run() {
    if (impl_->jobs) impl_->jobs->start();
    {
        std::lock_guard<std::mutex> lock(impl_->lifecycle);
        if (!impl_->basemap_maker.joinable())
            impl_->basemap_maker = std::thread([this] {
                // Seconds of CPU for a world layer, while requests may already come in: the outline
                // is made at the lowest priority (Linux: nice applies to the calling thread), so
                // that it takes what the requests leave. A page asking for it meanwhile waits.
                ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19);
                impl_->make_basemap();
            });
    }
    impl_->server.listen_after_bind();
}

void Service::stop() {
    // The running job first: the server may wait seconds for idle keep-alive connections.
    if (impl_->jobs) impl_->jobs->stop();
    impl_->server.stop();
    std::lock_guard<std::mutex> lock(impl_->lifecycle);
    if (impl_->basemap_maker.joinable()) impl_->basemap_maker.join();
}

}  // namespace sitescreen::serve
