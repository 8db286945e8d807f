// SITESCREEN_REQUIRE: a missing prerequisite fails the test in CI, naming it (tests/support/require.h).
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "support/fixtures.h"
#include "support/require.h"

using sitescreen::testing::ScopedEnv;

namespace {

void require_missing_node() { SITESCREEN_REQUIRE(false, "node", "apt-get install nodejs"); }

}  // namespace

TEST(Require, CiIsReadFromCiOrSitescreenCi) {
    using sitescreen::testing::running_in_ci;
    {
        ScopedEnv a("CI", nullptr), b("SITESCREEN_CI", nullptr);
        EXPECT_FALSE(running_in_ci());
    }
    {
        ScopedEnv a("CI", "true"), b("SITESCREEN_CI", nullptr);
        EXPECT_TRUE(running_in_ci());
    }
    {
        ScopedEnv a("CI", nullptr), b("SITESCREEN_CI", "1");
        EXPECT_TRUE(running_in_ci());
    }
    {
        ScopedEnv a("CI", "false"), b("SITESCREEN_CI", "0");
        EXPECT_FALSE(running_in_ci());
    }
}

TEST(Require, MissingPrerequisiteFailsInCiNamingWhatAndHow) {
    ScopedEnv ci("SITESCREEN_CI", "1");
    EXPECT_FATAL_FAILURE(require_missing_node(),
                         "missing prerequisite: node (apt-get install nodejs) [required in CI]");
}

TEST(Require, PresentPrerequisiteLetsTheTestRun) {
    ScopedEnv ci("SITESCREEN_CI", "1");
    bool reached = false;
    [&] {
        SITESCREEN_REQUIRE(true, "python3", "apt-get install python3");
        reached = true;
    }();
    EXPECT_TRUE(reached);
}
