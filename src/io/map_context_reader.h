// Reading the map context pack (layers/context/map_context.gpkg): rivers, lakes and towns drawn
// under the site maps and on the portfolio page. Context only: never screened, never in a verdict.
#pragma once
#include <string>
#include <vector>

#include "core/types.h"

namespace sitescreen {

// A piece of a river centreline (at most a few dozen vertices), with its lon/lat box.
struct ContextLine {
    Box box;
    std::vector<LonLat> points;
};

struct ContextLake {
    Box box;
    MultiPolygon area;  // lon/lat
};

struct ContextTown {
    LonLat at;
    std::string name;     // as the source spells it (Latin script)
    std::string name_zh;  // Chinese name where the pack has one, else ""
    long long population = 0;
    int seat = 3;  // 0 national capital, 1 province / state capital, 2 other seat, 3 none
};

struct MapContextData {
    std::string path;
    std::vector<ContextLine> rivers;
    std::vector<ContextLake> lakes;
    std::vector<ContextTown> towns;  // most important first: seat, then population
};

// Reads the three layers `rivers` (lines), `lakes` (polygons) and `towns` (points: name, name_zh,
// population, seat) of a GeoPackage in EPSG:4326. Throws InputError naming the file and layer.
MapContextData read_map_context(const std::string& path);

}  // namespace sitescreen
