// Message catalogs for human-readable text (docs/reports.md, "Languages"): one catalog per
// language, the same keys in each, compiled into the binary from config/i18n/<lang>.yaml.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sitescreen::i18n {

enum class Lang { En, Zh };

// "en" | "zh"
const char* to_string(Lang lang);
// The value of --lang; throws std::invalid_argument naming the accepted values otherwise.
Lang parse_lang(const std::string& text);
// The languages that have a catalog, in order.
const std::vector<Lang>& languages();

// A named argument of a message: {name} in the catalog text is replaced by value.
using Arg = std::pair<const char*, std::string>;

// A text of a catalog compiled into the binary (tools/i18n_compile.cpp writes them, sorted by key).
struct CatalogEntry {
    const char* key;
    const char* text;
};

class Catalog {
public:
    Catalog() = default;
    // Parses a catalog: nested YAML maps whose leaves are strings, keys joined with '.'.
    // Throws std::runtime_error naming `source` and the key at fault.
    static Catalog parse(const std::string& yaml_text, const std::string& source, Lang lang);
    // A catalog parsed when the tool was built: `count` entries sorted by key.
    static Catalog compiled(const CatalogEntry* entries, std::size_t count, Lang lang);

    Lang lang() const { return lang_; }
    bool has(const std::string& key) const { return texts_.count(key) != 0; }
    // The text of `key`; a key missing from the catalog is a programming error and throws
    // std::logic_error naming it (the parity test keeps the catalogs complete).
    const std::string& text(const std::string& key) const;
    // The text of `key` with each {name} replaced by its argument; a {name} without an
    // argument is left as it is (and caught by the placeholder test).
    std::string format(const std::string& key, const std::vector<Arg>& args) const;
    // The text of `key` when the catalog has it, else `fallback` (for open sets such as record
    // field names, where unknown keys keep their generic rendering).
    std::string text_or(const std::string& key, const std::string& fallback) const;
    const std::map<std::string, std::string>& entries() const { return texts_; }

private:
    Lang lang_ = Lang::En;
    std::map<std::string, std::string> texts_;
};

// The catalog of a language, as compiled into the binary (thread-safe).
const Catalog& catalog(Lang lang);

// The catalog of the thread's current work: the assessment of a site makes its reasons in many
// small functions (screen/assess.cpp, screen/rules/), which read the language from here rather
// than take it along. English unless a Scope is open on this thread.
const Catalog& current();

// Sets current() for this thread until the scope ends (then the previous one again).
class Scope {
public:
    explicit Scope(Lang lang);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

private:
    const Catalog* saved_;
};

// The {name} placeholders of a catalog text, sorted.
std::vector<std::string> placeholders(const std::string& text);

// Replaces each {name} in `text` by its argument.
std::string substitute(const std::string& text, const std::vector<Arg>& args);

}  // namespace sitescreen::i18n
