#include "serve/job_child.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace sitescreen::serve {

bool end_with_service() {
    const char* value = std::getenv(kDieWithVariable);
    if (!value) return true;
    const std::string service = value;
    ::unsetenv(kDieWithVariable);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // Set after the service may have ended: then this process has a new parent already.
    return std::to_string(::getppid()) == service;
}

}  // namespace sitescreen::serve
