// A job's `screen` ends with the service that started it (serve/jobs.cpp, cli/main.cpp).
#pragma once

namespace sitescreen::serve {

// The variable the service sets in a job's environment: the service's process id.
inline constexpr const char* kDieWithVariable = "SITESCREEN_DIE_WITH";

// Called first in main(): when kDieWithVariable is set, asks the kernel for SIGTERM when the
// parent ends (PR_SET_PDEATHSIG) and returns false if the parent is not that process any more
// (the service ended before this call: the job is not run). Removes the variable either way, so
// nothing this process starts inherits it. True when the variable is not set.
bool end_with_service();

}  // namespace sitescreen::serve
