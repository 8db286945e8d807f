// Where the shipped data and configuration are: overridden by an environment variable, beside an
// installed binary (share/sitescreen/...), or in the source tree the binary was built from.
#pragma once
#include <string>

namespace sitescreen {

// $env when set; else <prefix>/share/sitescreen/<relative> when it exists next to the running
// binary (<prefix>/bin/sitescreen); else <source tree>/<relative>.
std::string installed_path(const char* env, const std::string& relative);

}  // namespace sitescreen
