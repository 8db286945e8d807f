// Typed errors of sitescreen; main() maps them to exit codes (see docs/cli.md).
#pragma once
#include <stdexcept>
#include <string>

namespace sitescreen {

// Wrong command-line usage: exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The run cannot start or continue (missing file, bad catalog, unreadable layer): exit code 1.
// The message names the file, line or layer and the field, e.g.
// "layers/catalog.yaml: layer 'ramsar': file 'ramsar.gpkg' has no CRS; set crs: in the catalog".
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One site cannot be screened; it becomes a row with status "error" and the batch goes on.
struct SiteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace sitescreen
