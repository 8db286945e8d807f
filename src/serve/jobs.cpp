// Batch jobs: upload -> job folder -> `sitescreen screen` in a child process -> files to download.
#include "serve/jobs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "report/core_writers.h"
#include "serve/engine.h"
#include "serve/http_util.h"
#include "serve/job_child.h"

namespace fs = std::filesystem;

namespace sitescreen::serve {

namespace {

const std::regex kJobId("^[0-9a-f]{32}$");
// A job folder being removed is renamed to this prefix + its id first, so that a removal cut short
// (the service stopped) leaves no half-removed job behind, only a folder the next start removes.
const std::string kRemovedPrefix = ".removed-";

bool finished(const Json& job) {
    const std::string s = job.value("status", "");
    return s == "done" || s == "failed" || s == "lost";
}

// The time a utc_now() names; -1 when `text` is not one.
std::time_t parse_utc(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end != '\0') return -1;
    return timegm(&tm);
}

std::string utc_text(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string new_job_id() {
    std::random_device rd;
    std::string id;
    for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", static_cast<unsigned>(rd()));
    return id;
}

// The upload's format, from its content type: the name the input is stored under.
std::string input_name(const std::string& content_type) {
    const std::string t = media_type(content_type);
    if (t == "text/csv") return "input.csv";
    if (t == "application/geopackage+sqlite3") return "input.gpkg";
    if (t == "application/geo+json" || t == "application/json") return "input.geojson";
    throw RequestError(415, "content type '" + t +
                                "': upload text/csv, application/geopackage+sqlite3 or "
                                "application/geo+json");
}

std::string media_type_of(const std::string& name) {
    static const std::map<std::string, std::string> types = {{".jsonl", "application/x-ndjson"},
                                                             {".csv", "text/csv; charset=utf-8"},
                                                             {".json", "application/json"},
                                                             {".gpkg", "application/geopackage+sqlite3"},
                                                             {".html", "text/html; charset=utf-8"},
                                                             {".md", "text/markdown; charset=utf-8"},
                                                             {".png", "image/png"}};
    const auto it = types.find(fs::path(name).extension().string());
    return it == types.end() ? "application/octet-stream" : it->second;
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
    AtomicFile f(path);
    f.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.commit();
}

}  // namespace

JobStore::JobStore(std::string dir, std::vector<std::string> command, JobLimits limits)
    : dir_(std::move(dir)), command_(std::move(command)), limits_(limits) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_))
        throw InputError("--jobs-dir " + dir_ + ": cannot create the folder (" + ec.message() + ")");
    std::vector<std::string> requeue;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        const std::string id = entry.path().filename().string();
        if (entry.is_directory() && id.rfind(kRemovedPrefix, 0) == 0 &&
            std::regex_match(id.substr(kRemovedPrefix.size()), kJobId)) {
            fs::remove_all(entry.path(), ec);  // a removal the last service did not finish
            continue;
        }
        if (!entry.is_directory() || !std::regex_match(id, kJobId)) continue;
        Json job;
        try {
            std::ifstream in(entry.path() / "job.json");
            job = Json::parse(in);
        } catch (const std::exception&) {
            job =
                Json{{"id", id}, {"status", "lost"}, {"message", "the job's state could not be read after a restart"}};
        }
        const std::string status = job.value("status", "");
        if (status == "queued" || status == "running") {
            if (fs::exists(entry.path() / job.value("input", "input.csv"))) {
                job["status"] = "queued";
                job["sites_done"] = 0;
                job["message"] = "queued again after a restart of the service";
                requeue.push_back(id);
            } else {
                job["status"] = "lost";
                job["message"] = "the job's input is gone; upload it again";
            }
        }
        // The retention of a job found lost counts from now.
        if (finished(job) && !job.value("finished_at", Json()).is_string()) job["finished_at"] = utc_now();
        jobs_[id] = job;
        save(job);
    }
    // Oldest first, as they were submitted.
    std::sort(requeue.begin(), requeue.end(), [&](const std::string& a, const std::string& b) {
        return jobs_[a].value("created_at", "") < jobs_[b].value("created_at", "");
    });
    queue_.assign(requeue.begin(), requeue.end());
    // What expired while no service ran is gone before the first request.
    if (limits_.retention_s > 0)
        for (const auto& d : take_expired()) fs::remove_all(d, ec);
}

JobStore::~JobStore() { stop(); }

void JobStore::start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_.joinable()) thread_ = std::thread([this] { work(); });
    if (!sweeper_.joinable() && limits_.retention_s > 0) sweeper_ = std::thread([this] { sweep(); });
}

void JobStore::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        // `screen` removes its temporary files on SIGTERM: nothing half-written stays.
        if (child_pid_ > 0) ::kill(child_pid_, SIGTERM);
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (sweeper_.joinable()) sweeper_.join();
}

std::vector<fs::path> JobStore::take_expired() {
    const std::time_t now = std::time(nullptr);
    std::vector<fs::path> doomed;
    for (auto it = jobs_.begin(); it != jobs_.end();) {
        const Json& job = it->second;
        const std::time_t at = parse_utc(
            job.value("finished_at", Json()).is_string() ? job["finished_at"].get<std::string>() : std::string());
        if (!finished(job) || at < 0 || static_cast<double>(now - at) < limits_.retention_s) {
            ++it;
            continue;
        }
        // Renamed at once (the job is gone for every request from here on), removed by the caller.
        const fs::path from = fs::path(dir_) / it->first, to = fs::path(dir_) / (kRemovedPrefix + it->first);
        std::error_code ec;
        fs::rename(from, to, ec);
        if (!ec) doomed.push_back(to);
        it = jobs_.erase(it);
    }
    return doomed;
}

void JobStore::sweep() {
    // Often enough that a job outlives its retention by a quarter of it at most, or a minute.
    const auto period =
        std::chrono::milliseconds(static_cast<long long>(std::clamp(limits_.retention_s / 4, 0.25, 60.0) * 1000));
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        const std::vector<fs::path> doomed = take_expired();
        if (!doomed.empty()) {
            lock.unlock();
            for (const auto& d : doomed) {
                std::error_code ec;
                fs::remove_all(d, ec);
            }
            lock.lock();
        }
        wake_.wait_for(lock, period, [&] { return stopping_; });
    }
}

void JobStore::save(const Json& job) {
    write_file_atomically((fs::path(dir_) / job["id"].get<std::string>() / "job.json").string(),
                          to_json_line(job) + "\n");
}

Json JobStore::submit(const std::function<std::size_t(std::ostream&)>& write_input, const std::string& content_type,
                      const std::multimap<std::string, std::string>& query) {
    const std::string input = input_name(content_type);
    static const std::map<std::string, std::string> options = {
        {"type", "--type"},         {"coords", "--coords"},          {"crs", "--crs"},
        {"id_field", "--id-field"}, {"lon_field", "--lon-field"},    {"lat_field", "--lat-field"},
        {"formats", "--formats"},   {"sites_layer", "--sites-layer"}};
    Json args = Json::array();
    for (const auto& [k, v] : query) {
        const auto it = options.find(k);
        if (it == options.end())
            throw RequestError(400, "query parameter '" + k +
                                        "': not a job option (type, coords, crs, id_field, "
                                        "lon_field, lat_field, formats, sites_layer)");
        if (k == "type" && v != "plant" && v != "mine" && v != "charger")
            throw RequestError(400, "type: '" + v + "' is not one of plant, mine, charger (as --type)");
        if (k == "coords" && v != "wgs84" && v != "gcj02" && v != "bd09")
            throw RequestError(400, "coords: '" + v + "' is not one of wgs84, gcj02, bd09 (as --coords)");
        args.push_back(it->second);
        args.push_back(v);  // one argument each, never through a shell
    }
    const std::string id = new_job_id();
    const fs::path folder = fs::path(dir_) / id;
    fs::create_directories(folder);
    try {
        // The upload goes to disk as it arrives, under a temporary name until complete.
        AtomicFile file((folder / input).string());
        if (write_input(file.stream()) == 0)
            throw RequestError(400, "the upload is empty: send the CSV or GeoPackage as the request body");
        file.commit();
    } catch (...) {
        std::error_code ec;
        fs::remove_all(folder, ec);
        throw;
    }
    Json job = {{"id", id},
                {"status", "queued"},
                {"input", input},
                {"options", args},
                {"created_at", utc_now()},
                {"started_at", nullptr},
                {"finished_at", nullptr},
                {"sites_done", 0},
                {"message", nullptr},
                {"files", Json::array()}};
    {
        std::lock_guard<std::mutex> lock(mutex_);
        jobs_[id] = job;
        save(job);
        queue_.push_back(id);
    }
    wake_.notify_all();
    return job;
}

std::optional<Json> JobStore::status(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    Json j = it->second;
    j.erase("options");
    const std::time_t at = j["finished_at"].is_string() ? parse_utc(j["finished_at"].get<std::string>()) : -1;
    j["expires_at"] = at >= 0 && limits_.retention_s > 0
                          ? Json(utc_text(at + static_cast<std::time_t>(std::ceil(limits_.retention_s))))
                          : Json();
    return j;
}

std::optional<std::string> JobStore::file_path(const std::string& id, const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) return std::nullopt;
    for (const auto& f : it->second["files"])
        if (f == name)
            return (fs::path(dir_) / id / "out" / f.get<std::string>()).string();  // the listed name, not the request's
    return std::nullopt;
}

void JobStore::work() {
    for (;;) {
        std::string id;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            id = queue_.front();
            queue_.pop_front();
        }
        try {
            run(id);
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(mutex_);
            child_pid_ = -1;
            jobs_[id]["status"] = "failed";
            jobs_[id]["message"] = std::string("the service could not run the job: ") + e.what();
            jobs_[id]["finished_at"] = utc_now();
            save(jobs_[id]);
        }
    }
}

void JobStore::run(const std::string& id) {
    const fs::path folder = fs::path(dir_) / id;
    std::vector<std::string> argv = command_;
    std::string input;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Json& job = jobs_[id];
        input = job["input"].get<std::string>();
        argv.insert(argv.end(),
                    {"--sites", (folder / input).string(), "--out", (folder / "out").string(), "--overwrite"});
        for (const auto& a : job["options"]) argv.push_back(a.get<std::string>());
        job["status"] = "running";
        job["started_at"] = utc_now();
        save(job);
    }
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    // The child's environment: the service's, and the variable that has `screen` end with the
    // service (cli/main.cpp: PR_SET_PDEATHSIG, and an exit if the service is already gone).
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).rfind(kDieWithVariable + std::string("="), 0) != 0) env.emplace_back(*e);
    env.push_back(fmt::format("{}={}", kDieWithVariable, ::getpid()));
    std::vector<char*> cenv;
    for (auto& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    // posix_spawn, not fork: a fork runs the libraries' atfork handlers in the child (PROJ's
    // frees memory there), which can wait forever on a lock another thread of the service held
    // at the fork (seen under AddressSanitizer: the child spun before its exec, SIGTERM blocked).
    // glibc's posix_spawn runs no handlers and copies no address space.
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    // The service blocks and ignores signals that `screen` must receive as usual.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, cargv[0], &actions, &attr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(err_pipe[1]);
    if (spawned != 0) {
        ::close(err_pipe[0]);
        throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(spawned)));
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        child_pid_ = pid;
        // stop() came between the job's start and the spawn, when there was no child to signal:
        // signal it now, or stop() would wait for the whole job (and it would complete).
        if (stopping_) ::kill(pid, SIGTERM);
    }
    // Progress lines of `screen` ("  1200 sites screened (...)", every 10 s), and its last words;
    // in Chinese under --lang zh ("  已筛查 1200 个场址...").
    const std::regex progress(R"((\d+) sites screened|已筛查 (\d+) 个场址)"), done_line(R"(screened (\d+) sites in)");
    std::string pending, message;
    char buf[4096];
    // The time limit: SIGTERM at the limit (screen removes its temporary files and stops), SIGKILL
    // when it has not stopped kill_grace_s later.
    using Clock = std::chrono::steady_clock;
    const auto seconds = [](double s) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    };
    const auto limit_at = Clock::now() + seconds(limits_.time_limit_s);
    // The same grace when the service stops (stop() sent SIGTERM): a `screen` that does not end
    // is killed, so the service's shutdown is bounded.
    Clock::time_point kill_at{};
    bool timed_out = false, stopped = false, killed = false;
    for (;;) {
        int wait_ms = -1;
        if (!killed) {
            const auto now = Clock::now();
            if (!stopped) {
                std::lock_guard<std::mutex> lock(mutex_);
                if (stopping_) {
                    stopped = true;
                    if (!timed_out) kill_at = now + seconds(limits_.kill_grace_s);
                }
            }
            if (limits_.time_limit_s > 0 && !timed_out && !stopped && now >= limit_at) {
                timed_out = true;
                ::kill(pid, SIGTERM);
                kill_at = now + seconds(limits_.kill_grace_s);
            } else if ((timed_out || stopped) && now >= kill_at) {
                killed = true;
                ::kill(pid, SIGKILL);
            }
            if (!killed) {
                // Awake at least every quarter second to see a stop().
                const auto next = timed_out || stopped       ? kill_at
                                  : limits_.time_limit_s > 0 ? limit_at
                                                             : now + std::chrono::milliseconds(250);
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
                wait_ms = static_cast<int>(std::clamp<long long>(left.count() + 1, 1, 250));
            }
        }
        pollfd fd{err_pipe[0], POLLIN, 0};
        const int ready = ::poll(&fd, 1, wait_ms);
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        const ssize_t n = ::read(err_pipe[0], buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        pending.append(buf, static_cast<std::size_t>(n));
        for (std::size_t eol; (eol = pending.find_first_of("\r\n")) != std::string::npos;) {
            std::string line = pending.substr(0, eol);
            pending.erase(0, eol + 1);
            std::smatch m;
            if (std::regex_search(line, m, progress) || std::regex_search(line, m, done_line)) {
                std::lock_guard<std::mutex> lock(mutex_);
                jobs_[id]["sites_done"] = std::stoull(m[1].matched ? m[1].str() : m[2].str());
            }
            for (const std::string prefix : {"sitescreen: ", "sitescreen："})
                if (line.rfind(prefix, 0) == 0 && line.find("screened ") == std::string::npos &&
                    line.find("已筛查") == std::string::npos)
                    message = line.substr(prefix.size());
        }
    }
    ::close(err_pipe[0]);
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard<std::mutex> lock(mutex_);
    child_pid_ = -1;
    Json& job = jobs_[id];
    if (stopping_) return;  // stays "running" on disk: queued again when the service restarts
    // The job folder is the service's business, not the caller's: messages name the input only.
    for (std::size_t p; (p = message.find(folder.string() + "/")) != std::string::npos;)
        message.erase(p, folder.string().size() + 1);
    job["finished_at"] = utc_now();
    const int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    if (timed_out && code != 0 && code != 3) {
        // What `screen` wrote before it was stopped is not the job's answer: none of it is served.
        std::error_code ec;
        fs::remove_all(folder / "out", ec);
        job["status"] = "failed";
        job["files"] = Json::array();
        job["message"] = fmt::format(
            "the job ran past its time limit of {:g} s (--job-time-limit) and was stopped; "
            "its partial outputs were removed",
            limits_.time_limit_s);
    } else if (code == 0 || code == 3) {
        Json files = Json::array();
        std::vector<std::string> names;
        for (const auto& e : fs::recursive_directory_iterator(folder / "out"))
            if (e.is_regular_file() && e.path().filename().string()[0] != '.')
                names.push_back(fs::relative(e.path(), folder / "out").generic_string());
        std::sort(names.begin(), names.end());
        for (auto& n : names) files.push_back(n);
        job["status"] = "done";
        job["files"] = files;
        job["message"] = nullptr;
    } else {
        job["status"] = "failed";
        job["message"] = message.empty() ? fmt::format("sitescreen screen exited with {}", code) : message;
    }
    save(job);
}

void add_job_routes(httplib::Server& server, JobStore& jobs, const RequestLimits& limits) {
    const BodyLimit limit = body_limit(limits, "/v1/jobs");
    server.Post("/v1/jobs", [&jobs, limit](const httplib::Request& req, httplib::Response& res,
                                           const httplib::ContentReader& reader) {
        const std::multimap<std::string, std::string> query(req.params.begin(), req.params.end());
        const auto write_input = [&](std::ostream& out) {
            std::size_t total = 0;
            reader([&](const char* data, std::size_t n) {
                total += n;
                if (total <= limit.bytes) out.write(data, static_cast<std::streamsize>(n));
                return true;
            });
            if (total > limit.bytes) throw body_too_large(req.method, req.path, limit, total);
            if (!out) throw std::runtime_error("the upload could not be stored");
            return total;
        };
        send_json(res, 202, jobs.submit(write_input, req.get_header_value("Content-Type"), query));
    });
    server.Get(R"(/v1/jobs/([^/]+))", [&jobs](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1];
        const auto job = std::regex_match(id, kJobId) ? jobs.status(id) : std::nullopt;
        if (!job) throw RequestError(404, "no job '" + id + "'");
        send_json(res, 200, *job);
    });
    server.Get(R"(/v1/jobs/([^/]+)/files/(.+))", [&jobs](const httplib::Request& req, httplib::Response& res) {
        const std::string id = req.matches[1], name = req.matches[2];
        const auto path = std::regex_match(id, kJobId) ? jobs.file_path(id, name) : std::nullopt;
        if (!path) throw RequestError(404, "job '" + id + "' has no file '" + name + "'");
        auto in = std::make_shared<std::ifstream>(*path, std::ios::binary);
        if (!*in) throw RequestError(404, "job '" + id + "': file '" + name + "' cannot be read");
        const std::size_t size = fs::file_size(*path);
        res.set_content_provider(size, media_type_of(name),
                                 [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                     std::vector<char> chunk(std::min<std::size_t>(length, 1 << 16));
                                     in->seekg(static_cast<std::streamoff>(offset));
                                     in->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
                                     sink.write(chunk.data(), static_cast<std::size_t>(in->gcount()));
                                     return in->gcount() > 0;
                                 });
    });
}

}  // namespace sitescreen::serve
