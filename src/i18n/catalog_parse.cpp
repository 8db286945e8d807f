// Message catalogs: parsing config/i18n/<lang>.yaml. The tool's own catalogs are parsed when it is
// built (tools/i18n_compile.cpp compiles this file too); the tests parse texts of their own.
#include <yaml-cpp/yaml.h>

#include <set>
#include <stdexcept>

#include "i18n/messages.h"

namespace sitescreen::i18n {
namespace {

// Keys are flattened with '.': a key given twice in one map (YAML lets the later one win or, in
// yaml-cpp, keeps both), or a text whose key is also a group ("a.b" a text and "a.b.c" another),
// would make one text shadow another; both are refused, naming the line of the second.
void flatten(const YAML::Node& node, const std::string& prefix, const std::string& source,
             std::map<std::string, std::string>& out, std::set<std::string>& groups) {
    if (!node.IsMap())
        throw std::runtime_error(source + ": " + (prefix.empty() ? "the file" : prefix) + ": expected a map");
    std::set<std::string> seen;
    for (const auto& kv : node) {
        const std::string name = kv.first.as<std::string>();
        const std::string key = prefix.empty() ? name : prefix + "." + name;
        const std::string where = source + ":" + std::to_string(kv.first.Mark().line + 1) + ": " + key;
        if (!seen.insert(name).second) throw std::runtime_error(where + ": key given twice");
        if (kv.second.IsMap()) {
            if (out.count(key)) throw std::runtime_error(where + ": is a text and a group of texts");
            groups.insert(key);
            flatten(kv.second, key, source, out, groups);
        } else if (kv.second.IsScalar()) {
            if (out.count(key) || groups.count(key))
                throw std::runtime_error(where + ": is a text and a group of texts");
            out[key] = kv.second.as<std::string>();
        } else {
            throw std::runtime_error(source + ": " + key + ": expected a text or a map");
        }
    }
}

}  // namespace

Catalog Catalog::parse(const std::string& yaml_text, const std::string& source, Lang lang) {
    Catalog c;
    c.lang_ = lang;
    YAML::Node root;
    try {
        root = YAML::Load(yaml_text);
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(source + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    std::set<std::string> groups;
    flatten(root, "", source, c.texts_, groups);
    return c;
}

}  // namespace sitescreen::i18n
