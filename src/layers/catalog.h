// The layer catalog: what each layer is, where it lives, what it means (docs/layers.md).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "i18n/messages.h"

namespace sitescreen {

// The TNFD sensitive-location criteria (domain notes), plus "context" for
// layers that only locate a site (admin units).
enum class Criterion {
    BiodiversityImportance,  // "biodiversity_importance"
    EcosystemIntegrity,      // "ecosystem_integrity"
    RapidDecline,            // "rapid_decline"
    WaterRisk,               // "water_risk"
    EcosystemServices,       // "ecosystem_services"
    Context,                 // "context"
};
const char* to_string(Criterion c);
std::optional<Criterion> criterion_from_string(const std::string& s);

// One class of a categorical raster, or one category of a vector attribute
// (e.g. Aqueduct bws_cat 4 -> "Extremely high", severity 4; or a nature
// reserve zone "core").
struct ClassInfo {
    std::string label;
    std::optional<int> severity;  // higher = more sensitive; meaning set by the preset/profile
    std::string zone;             // optional normalised key, e.g. "core", "buffer", "experimental", "natural"
    std::map<i18n::Lang, std::string> label_in = {};  // label_zh: the label in a report's language

    // The label in `lang`: its rendering where the catalog gives one, else the label as written.
    const std::string& label_for(i18n::Lang lang) const;
};

struct Provenance {
    std::string source;
    std::string licence;
    std::string date;  // date or version of the data
    std::string url;
    bool demo = false;  // a demonstration layer: reports say so on their first lines
    std::string note;
    std::string source_sha256;  // SHA-256 of the download a layer was imported from (`layers import`)
};

struct LayerSpec {
    std::string id;
    std::string title;
    std::string kind = "vector";  // a kind of layers/registry.h: "vector", "raster", ...
    std::string path;             // as resolved: absolute, or a GDAL dataset name (/vsizip/..., PG:...)
    std::string path_as_written;  // as in the catalog file
    std::string catalog_file;     // which catalog file declared it (for messages)
    std::string preset;           // wdpa | aqueduct40 | ramsar | china_ecrl | china_nature_reserve | worldcover | ""
    Criterion criterion = Criterion::Context;
    std::string theme;  // red_line | protected_area | wetland | water_stress | land_cover | admin | heritage | ...
    std::optional<std::string> crs;  // overrides (or supplies) the dataset's CRS

    // vector
    std::string ogr_layer;                        // OGR layer name; empty = first layer
    std::string id_field;                         // feature id attribute; empty = OGR FID
    std::string name_field;                       // attribute that names a feature
    std::vector<std::string> report_fields;       // attributes copied into results
    std::string category_field;                   // attribute holding a category (IUCN_CAT, bws_cat, zone)
    std::map<std::string, ClassInfo> categories;  // category value (as text) -> meaning
    std::string filter;                           // OGR attribute filter
    std::vector<std::string> required_fields;     // from the preset: fields the dataset must have

    // raster
    int band = 1;
    bool categorical = false;
    std::string units;                       // continuous rasters
    std::map<long long, ClassInfo> classes;  // categorical rasters: value -> class
    std::optional<double> nodata;            // overrides the band's nodata
    std::string
        resolution;  // the grid's resolution in words ("0.05 degree, about 5.5 km"), said with every class or share

    Provenance provenance;
    std::map<i18n::Lang, std::string> title_in = {};       // title_zh: the title in a report's language
    std::map<i18n::Lang, std::string> resolution_in = {};  // resolution_zh: the resolution in a report's language

    // The title in `lang`: its rendering where the catalog gives one, else the title as written.
    const std::string& title_for(i18n::Lang lang) const;
    // The resolution in words in `lang` (resolution_zh), else as written.
    const std::string& resolution_for(i18n::Lang lang) const;
};

struct Catalog {
    std::string file;                // the top catalog file
    std::vector<std::string> files;  // it and every included catalog, in load order
    std::vector<LayerSpec> layers;   // in catalog order; ids unique
    bool any_demo() const;
};

// Loads a catalog YAML file (with `include:`), applies presets, validates
// every key. Throws InputError naming the file, the layer and the key.
Catalog load_catalog(const std::string& path);

// The default catalog: $SITESCREEN_LAYERS, else <exe>/../share/sitescreen/layers/catalog.yaml,
// else the source tree's layers/catalog.yaml.
std::string default_catalog_path();

}  // namespace sitescreen
