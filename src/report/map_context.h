// The map context (rivers, lakes, towns) under the site maps and on the portfolio page: loaded
// once, on first use, from the installed layers (layers/context/map_context.gpkg, or the file
// named by $SITESCREEN_MAP_CONTEXT). Optional: without it the maps are drawn as before and the
// run prints one note.
#pragma once
#include <memory>
#include <string>

#include "i18n/messages.h"
#include "io/map_context_reader.h"

namespace sitescreen {

struct LoadedMapContext {
    std::shared_ptr<const MapContextData> data;  // null when the pack is missing or unreadable
    std::string note;                            // then: why, in the run's language
};

// Reads `path`; never throws: a missing or broken file gives a null `data` and a note naming it.
LoadedMapContext load_map_context(const std::string& path, i18n::Lang lang = i18n::Lang::En);

// The pack of this installation, read on the first call (thread-safe); a failure is noted once
// on stderr ("sitescreen: note: ...") and the maps go on without context.
const LoadedMapContext& shared_map_context(i18n::Lang lang = i18n::Lang::En);

// Rivers and lakes within `water` and towns within `towns` (lon/lat boxes), as a GeoJSON
// FeatureCollection for the portfolio page (properties: kind = river | lake | town; towns: name
// in `lang` where the pack has one, seat); at most `max_towns` towns, most important first.
// "" when nothing is in the boxes.
std::string map_context_geojson(const MapContextData& data, const Box& water, const Box& towns, i18n::Lang lang,
                                std::size_t max_towns = 150);

// The name a town is labelled with in `lang`: its Chinese name in zh where the pack has one.
const std::string& town_label(const ContextTown& town, i18n::Lang lang);

}  // namespace sitescreen
