// Shared by the libFuzzer targets: a scratch file per process and the "#!" options line of an input.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace sitescreen::fuzz {

// A private scratch folder for this process, removed at exit. The name lives
// in a plain array: the exit handler may run after static strings are gone.
inline const char* scratch_dir() {
    static char dir[4096] = "";
    if (!*dir) {
        const std::string tmpl = (std::filesystem::temp_directory_path() / "sitescreen-fuzz-XXXXXX").string();
        if (tmpl.size() >= sizeof dir) std::abort();
        tmpl.copy(dir, tmpl.size());
        if (!::mkdtemp(dir)) std::abort();
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch_dir(), ec);
        });
    }
    return dir;
}

inline std::string write_scratch(const std::string& name, const std::string& bytes) {
    const std::string path = std::string(scratch_dir()) + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
}

// An input may start with a line "#!word word ...": options for the target,
// readable in the seed corpus and easy for the fuzzer to mutate. Returns the
// options line ("" when none) and leaves the rest in `body`.
inline std::string split_options(const std::uint8_t* data, std::size_t size, std::string& body) {
    std::string all(reinterpret_cast<const char*>(data), size);
    if (all.rfind("#!", 0) != 0) {
        body = std::move(all);
        return "";
    }
    const std::size_t eol = all.find('\n');
    const std::string options = all.substr(2, eol == std::string::npos ? std::string::npos : eol - 2);
    body = eol == std::string::npos ? std::string() : all.substr(eol + 1);
    return options;
}

inline bool has_word(const std::string& options, const std::string& word) {
    return (" " + options + " ").find(" " + word + " ") != std::string::npos;
}

// SITESCREEN_FUZZ_STRICT=1: an exception other than the documented InputError /
// UsageError counts as a finding (messages that would reach users as "internal error").
inline bool strict() {
    static const bool s = [] {
        const char* v = std::getenv("SITESCREEN_FUZZ_STRICT");
        return v && *v == '1';
    }();
    return s;
}

}  // namespace sitescreen::fuzz
