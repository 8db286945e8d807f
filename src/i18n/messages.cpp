// Message catalogs: the texts of config/i18n/<lang>.yaml (compiled in by CMakeLists.txt) and filling in arguments.
#include "i18n/messages.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "sitescreen/i18n_compiled.h"

namespace sitescreen::i18n {
namespace {

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Calls f(begin, end, name) for each {name} in text (name: [a-z0-9_]+).
template <class F>
void each_placeholder(const std::string& text, F&& f) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '{') continue;
        std::size_t j = i + 1;
        while (j < text.size() && name_char(text[j])) ++j;
        if (j > i + 1 && j < text.size() && text[j] == '}') {
            f(i, j + 1, text.substr(i + 1, j - i - 1));
            i = j;
        }
    }
}

}  // namespace

const char* to_string(Lang lang) { return lang == Lang::Zh ? "zh" : "en"; }

Lang parse_lang(const std::string& text) {
    if (text == "en") return Lang::En;
    if (text == "zh") return Lang::Zh;
    throw std::invalid_argument("--lang: '" + text + "' is not a language of the reports (en or zh)");
}

const std::vector<Lang>& languages() {
    static const std::vector<Lang> all{Lang::En, Lang::Zh};
    return all;
}

Catalog Catalog::compiled(const CatalogEntry* entries, std::size_t count, Lang lang) {
    Catalog c;
    c.lang_ = lang;
    for (std::size_t i = 0; i < count; ++i) c.texts_.emplace_hint(c.texts_.end(), entries[i].key, entries[i].text);
    return c;
}

const std::string& Catalog::text(const std::string& key) const {
    const auto it = texts_.find(key);
    if (it == texts_.end())
        throw std::logic_error(std::string("message catalog ") + to_string(lang_) + ": no text for key '" + key + "'");
    return it->second;
}

std::string Catalog::text_or(const std::string& key, const std::string& fallback) const {
    const auto it = texts_.find(key);
    return it == texts_.end() ? fallback : it->second;
}

std::string Catalog::format(const std::string& key, const std::vector<Arg>& args) const {
    return substitute(text(key), args);
}

std::string substitute(const std::string& text, const std::vector<Arg>& args) {
    std::string out;
    std::size_t done = 0;
    each_placeholder(text, [&](std::size_t b, std::size_t e, const std::string& name) {
        const auto it = std::find_if(args.begin(), args.end(), [&](const Arg& a) { return name == a.first; });
        if (it == args.end()) return;
        out.append(text, done, b - done);
        out += it->second;
        done = e;
    });
    out.append(text, done, std::string::npos);
    return out;
}

std::vector<std::string> placeholders(const std::string& text) {
    std::vector<std::string> names;
    each_placeholder(text, [&](std::size_t, std::size_t, const std::string& name) { names.push_back(name); });
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

const Catalog& catalog(Lang lang) {
    // Parsed and checked when the tool was built (tools/i18n_compile.cpp); each made into a map
    // when first asked for.
    if (lang == Lang::Zh) {
        static const Catalog zh = Catalog::compiled(compiled::kZh, compiled::kZhCount, Lang::Zh);
        return zh;
    }
    static const Catalog en = Catalog::compiled(compiled::kEn, compiled::kEnCount, Lang::En);
    return en;
}

namespace {
thread_local const Catalog* t_current = nullptr;
}  // namespace

const Catalog& current() { return t_current ? *t_current : catalog(Lang::En); }

Scope::Scope(Lang lang) : saved_(t_current) { t_current = &catalog(lang); }
Scope::~Scope() { t_current = saved_; }

}  // namespace sitescreen::i18n
