// `sitescreen serve`: the HTTP service in front of the screening engine (docs/serve.md).
#pragma once
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "serve/engine.h"
#include "serve/jobs.h"

namespace sitescreen::serve {

struct ServeOptions {
    std::string bind = "127.0.0.1";
    int port = 8080;                       // 0: any free port (tests)
    std::string token;                     // when set, /v1/ requests but health need "Authorization: Bearer <token>"
    std::size_t connection_threads = 32;   // connections served at once (keep-alive holds one)
    std::size_t queued_connections = 256;  // accepted connections waiting for a thread; beyond, accept waits
    std::size_t workers = 0;               // screenings at once; 0: one per core
    RequestLimits limits;
    std::string jobs_dir;  // where batch jobs live; empty: POST /v1/jobs is refused
    // A job runs `sitescreen screen` as a child process: the executable and the options every
    // job shares (--layers, --profiles); the job adds --sites, --out and its own options.
    std::vector<std::string> job_command;
    JobLimits job_limits;         // a job's time limit, a finished job's retention
    std::ostream* log = nullptr;  // one line per request; null: none
};

class Service {
public:
    Service(ScreenEngine engine, ServeOptions options);
    ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;
    // Binds the socket; returns the port (the one chosen when options.port is 0). Throws InputError.
    int bind();
    // Serves until stop() (from another thread or a signal handler's thread).
    void run();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sitescreen::serve
