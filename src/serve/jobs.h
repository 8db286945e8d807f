// Batch jobs of `sitescreen serve`: an uploaded CSV or GeoPackage screened by `sitescreen screen`
// in a child process, its state on disk so that a job outlives a restart of the service.
#pragma once
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <ostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/site.h"

namespace httplib {
class Server;
}

namespace sitescreen::serve {

struct RequestLimits;  // serve/engine.h

// How long a job may run and how long a finished one is kept (docs/serve.md, "Jobs").
struct JobLimits {
    double time_limit_s = 6 * 3600.0;      // a job running longer is stopped and failed; 0: no limit
    double retention_s = 7 * 24 * 3600.0;  // a finished job is removed this long after it finished; 0: kept
    double kill_grace_s = 10;  // --job-kill-grace: after SIGTERM, how long `screen` has to stop before SIGKILL
};

class JobStore {
public:
    // `dir` holds one folder per job (named by its generated id): job.json (the state, replaced
    // atomically), the input, and out/ (the outputs of `screen`). Jobs found queued or running
    // from an earlier service are queued again; a job whose state or input cannot be read is
    // reported as lost. `command`: the executable and the options every job shares.
    JobStore(std::string dir, std::vector<std::string> command, JobLimits limits = {});
    ~JobStore();
    JobStore(const JobStore&) = delete;
    JobStore& operator=(const JobStore&) = delete;

    void start();  // the job thread and the clean-up thread
    void stop();   // stops a running job's child (its outputs are never half-written) and the threads

    // A new job from an upload: `write_input` writes the uploaded bytes to the stream and returns
    // how many it wrote (it throws RequestError to refuse them). Throws RequestError for a bad
    // option or content type, before anything is written.
    Json submit(const std::function<std::size_t(std::ostream&)>& write_input, const std::string& content_type,
                const std::multimap<std::string, std::string>& query);
    std::optional<Json> status(const std::string& id) const;
    // The path of one of a finished job's files, only when `name` is listed in its `files`.
    std::optional<std::string> file_path(const std::string& id, const std::string& name) const;

private:
    void work();
    void run(const std::string& id);
    void save(const Json& job);  // under mutex_
    // Removes the finished jobs kept longer than limits_.retention_s, every so often, until stop().
    void sweep();
    // Under mutex_: drops the expired jobs and renames their folders; returns the folders to delete.
    std::vector<std::filesystem::path> take_expired();
    std::string dir_;
    std::vector<std::string> command_;
    JobLimits limits_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, Json> jobs_;
    std::deque<std::string> queue_;
    bool stopping_ = false;
    int child_pid_ = -1;
    std::thread thread_;
    std::thread sweeper_;
};

// GET/POST routes of the jobs on the server.
void add_job_routes(httplib::Server& server, JobStore& jobs, const RequestLimits& limits);

}  // namespace sitescreen::serve
