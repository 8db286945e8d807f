// Locating the shipped layers and configuration files (installed or in the source tree).
#include "io/install_path.h"

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace sitescreen {

std::string installed_path(const char* env, const std::string& relative) {
    if (const char* v = std::getenv(env)) return v;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / "share" / "sitescreen" / relative;
        if (fs::exists(installed, ec)) return installed.string();
    }
    return std::string(SITESCREEN_SOURCE_DIR) + "/" + relative;
}

}  // namespace sitescreen
