// Runs `sitescreen serve --port 0` as a child process for tests and benchmarks, and learns the
// port it chose from the line it prints when listening. The child is stopped with SIGTERM.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace sitescreen::testing {

class ServeProcess {
public:
    // `args` follow `sitescreen serve --port 0`; standard error goes to `log_path`.
    ServeProcess(const std::string& binary, const std::vector<std::string>& args, std::string log_path)
        : log_path_(std::move(log_path)) {
        std::vector<std::string> argv = {binary, "serve", "--port", "0"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        // A log of an earlier run must not be read for this one's port (the child truncates it
        // only once it runs).
        std::remove(log_path_.c_str());
        pid_ = ::fork();
        if (pid_ == 0) {
            std::FILE* log = std::freopen(log_path_.c_str(), "w", stderr);
            if (!log) ::_exit(126);
            ::execv(cargv[0], cargv.data());
            ::_exit(127);
        }
        // The layers load first: allow for a slow, busy machine.
        const std::regex listening(R"(listening on http://[^:]+:(\d+)/)");
        for (int i = 0; i < 1200 && port_ == 0; ++i) {
            std::smatch m;
            const std::string text = log();
            if (std::regex_search(text, m, listening))
                port_ = std::stoi(m[1]);
            else if (!running())
                break;
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ~ServeProcess() { stop(); }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string log() const {
        std::ifstream in(log_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    bool running() {
        if (pid_ <= 0 || exited_) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) exited_ = true, status_ = status;
        return !exited_;
    }
    // SIGTERM and wait; returns the exit status (as waitpid gives it).
    int stop() {
        if (pid_ > 0 && running()) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            exited_ = true, status_ = status;
        }
        return status_;
    }

private:
    std::string log_path_;
    pid_t pid_ = -1;
    int port_ = 0;
    bool exited_ = false;
    int status_ = 0;
};

}  // namespace sitescreen::testing
