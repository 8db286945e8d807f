// Wall-clock timestamps for provenance and logs: UTC, ISO 8601, to the second.
#pragma once
#include <ctime>
#include <string>

namespace sitescreen {

// "2026-12-02T10:41:07Z": run.json's started_at / finished_at, the service's log and jobs.
inline std::string utc_timestamp() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace sitescreen
