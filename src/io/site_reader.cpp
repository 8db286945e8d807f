// Site readers: what the CSV reader (csv_sites.cpp) and the OGR reader (ogr_sites.cpp) share, the
// coordinate parser, and open_sites(), which picks the reader.
#include "io/site_reader.h"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include "core/errors.h"
#include "io/site_reader_kit.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace site_reading {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(const std::string& s) {
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    return s.substr(a, b - a);
}

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const unsigned char c = s[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > n) return false;
        for (int k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        i += len;
    }
    return true;
}

std::optional<std::string> gb18030_to_utf8(const std::string& in) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
    std::string out(in.size() * 2 + 8, '\0');
    char* src = const_cast<char*>(in.data());
    std::size_t src_left = in.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    const std::size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1) || src_left != 0) return std::nullopt;
    out.resize(out.size() - dst_left);
    return out;
}

Json typed_value(const std::string& s) {
    // Keep text as text: ids like "007" must survive; numbers stay strings too
    // except where a program would plainly expect a number.
    return s;
}

}  // namespace site_reading

namespace {

using namespace site_reading;

bool looks_like_csv(const std::string& path) {
    const std::string ext = lower(fs::path(path).extension().string());
    return path == "-" || ext == ".csv" || ext == ".tsv" || ext == ".txt";
}

}  // namespace

std::optional<double> parse_coordinate(const std::string& raw, std::string& why, double max_abs, NumberNotes* notes) {
    std::string s = trim(raw);
    if (s.empty()) {
        why = "is empty";
        return std::nullopt;
    }
    // U+2212 MINUS SIGN (e2 88 92) and U+2013 EN DASH as typed by word processors.
    bool unicode_minus = false;
    for (const char* dash : {"\xE2\x88\x92", "\xE2\x80\x93"}) {
        std::size_t p;
        while ((p = s.find(dash)) != std::string::npos) s.replace(p, 3, "-"), unicode_minus = true;
    }
    // A comma decimal separator (European spreadsheets): "116,39". One comma followed by
    // exactly three digits after one to three (not starting with 0) may also be a thousands
    // separator ("500,000"): refused when the thousands reading could be the value.
    bool decimal_comma = false;
    if (s.find('.') == std::string::npos && std::count(s.begin(), s.end(), ',') == 1) {
        const std::size_t c = s.find(',');
        const std::size_t first = (s[0] == '-' || s[0] == '+') ? 1 : 0;
        const std::string head = s.substr(first, c - first), tail = s.substr(c + 1);
        auto all_digits = [](const std::string& t) {
            return !t.empty() && std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
        };
        if (all_digits(head) && all_digits(tail) && head.size() <= 3 && head[0] != '0' && tail.size() == 3) {
            const double thousands = std::stod(head + tail);
            if (thousands <= max_abs) {
                why = "'" + trim(raw) + "' is ambiguous: a thousands separator (" + head + tail +
                      ") or a decimal comma (" + head + "." + tail +
                      ")? write the number without the comma, or with a "
                      "decimal point";
                return std::nullopt;
            }
        }
        std::replace(s.begin(), s.end(), ',', '.');
        decimal_comma = true;
    }
    const std::string l = lower(s);
    if (l == "nan" || l == "-nan" || l == "inf" || l == "-inf" || l == "infinity" || l == "-infinity" || l == "null" ||
        l == "na" || l == "n/a" || l == "#n/a") {
        why = "'" + trim(raw) + "' is not a coordinate";
        return std::nullopt;
    }
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
        why = "'" + trim(raw) + "' is not a number";
        return std::nullopt;
    }
    if (notes) {
        notes->decimal_comma += decimal_comma;
        notes->unicode_minus += unicode_minus;
    }
    return v;
}

std::unique_ptr<SiteSource> open_sites(const SiteReaderOptions& o) {
    if (o.path.empty()) throw UsageError("--sites is required");
    if (o.csv_stream || looks_like_csv(o.path)) return open_csv_sites(o);
    return open_ogr_sites(o);
}

}  // namespace sitescreen
