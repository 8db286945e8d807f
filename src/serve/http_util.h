// Small helpers the service's routes share: JSON answers and errors, media types, timestamps.
#pragma once
#include <httplib.h>

#include <cctype>
#include <string>

#include "core/clock.h"
#include "core/site.h"
#include "report/core_writers.h"

namespace sitescreen::serve {

inline void send_json(httplib::Response& res, int status, const Json& body) {
    res.status = status;
    res.set_content(to_json_line(body) + "\n", "application/json");
}

// Every error answer: {"error": message, "status": status}.
inline void send_error(httplib::Response& res, int status, const std::string& message) {
    send_json(res, status, Json{{"error", message}, {"status", status}});
}

// "Text/CSV; charset=utf-8" -> "text/csv".
inline std::string media_type(const std::string& content_type) {
    std::string t = content_type.substr(0, content_type.find(';'));
    while (!t.empty() && t.back() == ' ') t.pop_back();
    for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

// Now, UTC, ISO 8601 to the second (as run.json's started_at).
inline std::string utc_now() { return utc_timestamp(); }

}  // namespace sitescreen::serve
