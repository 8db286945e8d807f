// Reading the YAML configuration files beside the profiles, with errors that name file and key.
#include "screen/config_file.h"

#include "core/errors.h"

namespace sitescreen::config {

void fail(const std::string& file, const std::string& key, const std::string& msg) {
    throw InputError(file + ": " + (key.empty() ? "" : key + ": ") + msg);
}

YAML::Node load(const std::string& path, const std::string& what, const char* option, const char* env) {
    try {
        return YAML::LoadFile(path);
    } catch (const YAML::BadFile&) {
        fail(path, "", "cannot read the " + what + " (name another with " + option + " FILE or $" + env + ")");
    } catch (const YAML::Exception& e) {
        fail(path, "", "not valid YAML: " + std::string(e.what()));
    }
}

void only(const std::string& file, const YAML::Node& n, const std::string& key, const std::set<std::string>& known) {
    if (!n.IsMap()) fail(file, key, "expected a map");
    for (const auto& kv : n) {
        const std::string k = kv.first.as<std::string>();
        if (!known.count(k)) {
            std::string list;
            for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
            fail(file, key.empty() ? k : key + "." + k, "unknown key (expected one of: " + list + ")");
        }
    }
}

}  // namespace sitescreen::config
