// Ecosystems at a site (TNFD LEAP L3): land-cover classes mapped to the IUCN Global Ecosystem Typology
// (config/ecosystems.yaml), and the services those ecosystems provide that the activity depends on (E1).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "screen/activities.h"
#include "screen/screener.h"

namespace sitescreen {

struct GetUnit {
    std::string code;                     // "T7.1", "T2", "T", "TF1"
    std::vector<std::string> candidates;  // the GET units the class may be
};

class EcosystemMap {
public:
    // Loads and validates config/ecosystems.yaml; service ids are checked against `activities`.
    // Throws InputError "<file>: <key>: <problem>".
    static EcosystemMap load(const std::string& path, const ActivityTable& activities);

    // The GET unit of a class of a layer made with `preset`; null when the preset or class is not mapped.
    const GetUnit* unit(const std::string& preset, long long value) const;
    bool maps(const std::string& preset) const { return presets_.count(preset) != 0; }
    // The services a unit's ecosystems provide (the intersection over its candidates, docs/leap.md).
    std::vector<std::string> services_of(const GetUnit& u) const;

    std::string file;

private:
    std::map<std::string, std::vector<std::string>> provides_;     // code prefix -> service ids
    std::map<std::string, std::map<long long, GetUnit>> presets_;  // preset -> class -> unit
};

// $SITESCREEN_ECOSYSTEMS, else <exe>/../share/sitescreen/config/ecosystems.yaml, else the source tree's.
std::string default_ecosystems_path();

// GET level of a code: "realm" (T, F, TF), "biome" (T7, TF1) or "functional_group" (T7.1).
std::string get_level(const std::string& code);

// locate.l3.ecosystems: per land-cover layer the GET unit at the site and the mix in each buffer.
std::vector<LayerEcosystems> layer_ecosystems(const SiteResult& r, const EcosystemMap& map);

// evaluate.e1.services: each dependency of the activity (materiality low or above) that an ecosystem
// at the site or in the buffer nearest `radius_m` provides, with those ecosystems and their shares.
std::vector<EcosystemService> ecosystem_services(const std::vector<LayerEcosystems>& ecosystems,
                                                 const EcosystemMap& map, const ActivityTable& table,
                                                 const ActivityChoice& choice, double radius_m);

}  // namespace sitescreen
