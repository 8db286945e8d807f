// Reading the YAML configuration files beside the profiles (config/activities.yaml,
// ecosystems.yaml, materiality.yaml): every error names the file and the key.
#pragma once
#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

namespace sitescreen::config {

// Throws InputError "<file>: <key>: <msg>" (without the key when it is empty).
[[noreturn]] void fail(const std::string& file, const std::string& key, const std::string& msg);

// The file's YAML. An unreadable file fails naming `what` and how to name another (the command
// line's `option`, the environment variable `env`); malformed YAML fails with the parser's message.
YAML::Node load(const std::string& path, const std::string& what, const char* option, const char* env);

// Fails unless n is a map whose keys are all in `known` (the message lists them).
void only(const std::string& file, const YAML::Node& n, const std::string& key, const std::set<std::string>& known);

}  // namespace sitescreen::config
