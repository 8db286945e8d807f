// What a test needs from outside the test binary (a tool, a file): skipped locally with what to
// install, a failure in CI (CI=true or SITESCREEN_CI=1), so a green CI never hides an untested path.
#pragma once
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace sitescreen::testing {

// True when the suite runs in CI, where every prerequisite must be present.
inline bool running_in_ci() {
    for (const char* name : {"SITESCREEN_CI", "CI"}) {
        const char* v = std::getenv(name);
        if (v && *v && std::string(v) != "0" && std::string(v) != "false") return true;
    }
    return false;
}

// The message for a missing prerequisite: what is missing and how to get it.
inline std::string missing_message(const std::string& what, const std::string& how) {
    return "missing prerequisite: " + what + " (" + how + ")";
}

}  // namespace sitescreen::testing

// Use at the top of a TEST body: SITESCREEN_REQUIRE(have_node(), "node", "apt-get install nodejs");
// In CI the test fails naming what is missing; elsewhere it is skipped with the same words.
#define SITESCREEN_REQUIRE(cond, what, how)                                                               \
    do {                                                                                                  \
        if (!(cond)) {                                                                                    \
            if (::sitescreen::testing::running_in_ci())                                                   \
                GTEST_FAIL() << ::sitescreen::testing::missing_message(what, how) << " [required in CI]"; \
            GTEST_SKIP() << ::sitescreen::testing::missing_message(what, how);                            \
        }                                                                                                 \
    } while (0)
