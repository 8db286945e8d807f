// Interrupts (SIGINT, SIGTERM): a flag the long-running loops poll, and a watchdog that removes
// the temporary files of io/atomic_file.h when a run does not stop by itself (docs/cli.md).
#pragma once
#include <atomic>
#include <stdexcept>

namespace sitescreen {

// Set by SIGINT/SIGTERM: the pipeline stops between batches and throws Interrupted.
std::atomic<bool>& interrupt_flag();
struct Interrupted : std::runtime_error {
    Interrupted() : std::runtime_error("interrupted") {}
};
// Installs the SIGINT/SIGTERM handlers (once) and a watchdog thread: a run that has not
// stopped by itself kGraceMs after the first signal has its temporary files removed and
// exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM); a second signal exits at once.
inline constexpr int kGraceMs = 800;
void install_signal_handlers();
// 128 + the signal received (130 when none was).
int interrupt_exit_code();

}  // namespace sitescreen
