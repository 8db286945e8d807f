// Wires the screening run together: profiles and assessment, the portfolio roll-up, run.json provenance.
#pragma once
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "screen/assess.h"
#include "screen/screener.h"

namespace sitescreen::cli {

// The process's argv, recorded in run.json.
void set_command_line(int argc, char** argv);
const std::vector<std::string>& command_line();

class ScreenSetup {
public:
    ScreenSetup();
    ~ScreenSetup();

    ScreenOptions options;
    std::string catalog_path;
    std::string profiles_path;  // empty: the shipped config/profiles
    // The assessment's tables (--activities, --ecosystems, --materiality); empty: the environment
    // variable, else the shipped file.
    std::string activities_path, ecosystems_path, materiality_path;
    std::string started_at;
    bool no_avoidance = false;

    // Reads the assessment's tables and the profiles (throws InputError naming the file and key):
    // call it before opening the layers so that a bad table or profile stops the run at once;
    // prepare() calls it otherwise. It touches nothing else of the setup: it may run on another
    // thread while the caller reads the layer catalog.
    void load_tables();
    // The assessment: the profiles checked against the opened layers (throws InputError naming
    // the file and key).
    void prepare(std::shared_ptr<const LayerSet> layers);
    std::function<std::vector<double>(const Site&)> radii_resolver() const;
    std::function<void(SiteResult&, Screener&)> assessor() const;
    Json run_json(const std::vector<std::string>& argv) const;
    // The portfolio roll-up of the run (run.json's `portfolio`), fed by a PortfolioWriter.
    Portfolio& portfolio();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sitescreen::cli
