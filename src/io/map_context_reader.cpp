// The map context pack, read with OGR into plain lon/lat structures.
#include "io/map_context_reader.h"

#include <fmt/format.h>
#include <ogr_api.h>

#include <algorithm>

#include "core/errors.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"

namespace sitescreen {

namespace {

constexpr std::size_t kMaxLinePiece = 48;  // vertices per river piece: small boxes, little projected per map

// A layer of the pack, in WGS 84 lon/lat (the coordinates are used as they are).
OGRLayerH layer_or_throw(GDALDatasetH ds, const std::string& path, const char* name) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (!l) throw InputError(fmt::format("{}: map context has no layer '{}'", path, name));
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    static const SrsPtr wgs84 = wgs84_srs();
    if (!srs || !OSRIsGeographic(srs) || !OSRIsSameGeogCS(srs, wgs84.get()))
        throw InputError(fmt::format("{}: map context layer '{}' is not in WGS 84 lon/lat (EPSG:4326)", path, name));
    return l;
}

void add_line(OGRGeometryH g, std::vector<ContextLine>& out) {
    const auto type = wkbFlatten(OGR_G_GetGeometryType(g));
    if (type == wkbMultiLineString || type == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) add_line(OGR_G_GetGeometryRef(g, i), out);
        return;
    }
    if (type != wkbLineString) return;
    const int n = OGR_G_GetPointCount(g);
    for (int start = 0; start + 1 < n; start += static_cast<int>(kMaxLinePiece) - 1) {
        ContextLine piece;
        const int end = std::min(n, start + static_cast<int>(kMaxLinePiece));
        for (int i = start; i < end; ++i) piece.points.push_back({OGR_G_GetX(g, i), OGR_G_GetY(g, i)});
        double w = 1e9, s = 1e9, e = -1e9, nn = -1e9;
        for (const LonLat& p : piece.points) {
            w = std::min(w, p.lon), e = std::max(e, p.lon), s = std::min(s, p.lat), nn = std::max(nn, p.lat);
        }
        piece.box = Box(Point(w, s), Point(e, nn));
        out.push_back(std::move(piece));
    }
}

std::string string_field(OGRFeatureH f, int index) {
    if (index < 0 || !OGR_F_IsFieldSetAndNotNull(f, index)) return "";
    return OGR_F_GetFieldAsString(f, index);
}

}  // namespace

MapContextData read_map_context(const std::string& path) {
    gdal_init();
    DatasetPtr ds(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) throw InputError(fmt::format("{}: cannot open the map context: {}", path, gdal_last_error()));
    MapContextData data;
    data.path = path;

    OGRLayerH rivers = layer_or_throw(ds.get(), path, "rivers");
    OGR_L_ResetReading(rivers);
    for (FeaturePtr f(OGR_L_GetNextFeature(rivers)); f; f.reset(OGR_L_GetNextFeature(rivers)))
        if (OGRGeometryH g = OGR_F_GetGeometryRef(f.get())) add_line(g, data.rivers);

    OGRLayerH lakes = layer_or_throw(ds.get(), path, "lakes");
    OGR_L_ResetReading(lakes);
    for (FeaturePtr f(OGR_L_GetNextFeature(lakes)); f; f.reset(OGR_L_GetNextFeature(lakes))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
        if (!g) continue;
        ContextLake lake;
        if (append_polygons(g, lake.area) == 0) continue;
        bg::envelope(lake.area, lake.box);
        data.lakes.push_back(std::move(lake));
    }

    OGRLayerH towns = layer_or_throw(ds.get(), path, "towns");
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(towns);
    const int name = OGR_FD_GetFieldIndex(defn, "name"), name_zh = OGR_FD_GetFieldIndex(defn, "name_zh"),
              population = OGR_FD_GetFieldIndex(defn, "population"), seat = OGR_FD_GetFieldIndex(defn, "seat");
    if (name < 0) throw InputError(fmt::format("{}: layer 'towns' has no field 'name'", path));
    OGR_L_ResetReading(towns);
    for (FeaturePtr f(OGR_L_GetNextFeature(towns)); f; f.reset(OGR_L_GetNextFeature(towns))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
        if (!g || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint) continue;
        ContextTown t;
        t.at = {OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)};
        t.name = string_field(f.get(), name);
        t.name_zh = string_field(f.get(), name_zh);
        if (population >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), population))
            t.population = OGR_F_GetFieldAsInteger64(f.get(), population);
        // National and first-level capitals are drawn alike (seat 1): the map takes no side on
        // which capitals are national (the source's classification is contested for some places).
        if (seat >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), seat))
            t.seat = std::max(1, OGR_F_GetFieldAsInteger(f.get(), seat));
        if (t.name.empty() && t.name_zh.empty()) continue;
        data.towns.push_back(std::move(t));
    }
    std::stable_sort(data.towns.begin(), data.towns.end(), [](const ContextTown& a, const ContextTown& b) {
        return a.seat != b.seat ? a.seat < b.seat : a.population > b.population;
    });
    return data;
}

}  // namespace sitescreen
