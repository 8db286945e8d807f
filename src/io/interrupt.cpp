// SIGINT/SIGTERM handling (io/interrupt.h).
#include "io/interrupt.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>

#include "io/atomic_file.h"

namespace sitescreen {

std::atomic<bool>& interrupt_flag() {
    static std::atomic<bool> flag{false};
    return flag;
}

namespace {
std::atomic<int> g_signal{0};
int g_wake[2] = {-1, -1};  // the signal handler wakes the watchdog through this pipe

extern "C" void on_signal(int sig) {
    if (interrupt_flag().exchange(true)) {
        // Second signal: leave now, without partial files.
        remove_registered_temp_paths();
        _exit(128 + g_signal.load());
    }
    g_signal.store(sig);
    if (g_wake[1] >= 0) {
        const char c = 1;
        [[maybe_unused]] const ssize_t n = ::write(g_wake[1], &c, 1);
    }
}

// Waits for the first signal; gives the run kGraceMs to stop by itself (between batches, with
// its message), then removes the temporary files and leaves with 128 + the signal, whatever
// phase the run is in (opening layers, a long avoidance search, writing).
void watchdog() {
    char c;
    while (::read(g_wake[0], &c, 1) < 0 && errno == EINTR) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kGraceMs));
    remove_registered_temp_paths();
    _exit(128 + g_signal.load());
}
}  // namespace

int interrupt_exit_code() { return 128 + (g_signal.load() ? g_signal.load() : SIGINT); }

void install_signal_handlers() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    if (::pipe(g_wake) == 0) std::thread(watchdog).detach();
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace sitescreen
