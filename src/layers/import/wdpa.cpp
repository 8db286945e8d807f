// Importer `wdpa`: a Protected Planet download of the World Database on
// Protected Areas, as UNEP-WCMC packages it: the shapefile zip
// (WDPA_<Mon><YYYY>_Public_shp.zip holding WDPA_..._shp_0.zip .. _2.zip, each
// with a -polygons and a -points shapefile) or the FileGDB
// (WDPA_<Mon><YYYY>_Public.gdb, layers WDPA_poly_<Mon><YYYY> and
// WDPA_point_<Mon><YYYY>). Polygons are kept as they are (made valid); a
// point record becomes a geodesic circle of its reported area (REP_AREA, km²)
// flagged approx_boundary = 1, as IBAT does; a point without a reported area
// is left out (counted). By default only STATUS Designated, Inscribed and
// Established are kept (Proposed, Adopted, Not Reported are not in force).
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

const std::vector<std::string> kRequired = {"WDPAID",    "NAME",    "DESIG",    "DESIG_ENG", "IUCN_CAT", "STATUS",
                                            "STATUS_YR", "NO_TAKE", "REP_AREA", "MARINE",    "ISO3"};
const std::vector<std::string> kOptional = {"WDPA_PID", "ORIG_NAME",   "DESIG_TYPE",
                                            "GIS_AREA", "PARENT_ISO3", "PARENT_ISO"};

bool in_force(const std::string& status) {
    return status == "Designated" || status == "Inscribed" || status == "Established";
}

// A ring of n vertices on the geodesic circle of radius r (lon unwrapped around the centre).
std::vector<LonLat> circle(LonLat c, double r, int n) {
    std::vector<LonLat> pts;
    for (int k = 0; k < n; ++k) {
        LonLat p = geodesic::direct(c, 360.0 * k / n, r);
        while (p.lon - c.lon > 180) p.lon -= 360;
        while (p.lon - c.lon < -180) p.lon += 360;
        pts.push_back(p);
    }
    return pts;
}

double ring_area(const std::vector<LonLat>& pts) {
    Polygon poly;
    for (const auto& p : pts) poly.outer().emplace_back(p.lon, p.lat);
    poly.outer().emplace_back(pts.front().lon, pts.front().lat);
    bg::correct(poly);
    return geodesic::lonlat_polygon_area_m2(poly);
}

}  // namespace

// A polygon of `area_m2` around `c`: the radius is fitted so that the 128-gon
// (edges straight in lon/lat, as layers are measured) has the reported area.
// Split at the antimeridian when it crosses it.
GeometryPtr area_circle(LonLat c, double area_m2) {
    constexpr int kVertices = 128;
    double r = std::sqrt(area_m2 / M_PI);
    for (int i = 0; i < 4; ++i) r *= std::sqrt(area_m2 / ring_area(circle(c, r, kVertices)));
    const auto pts = circle(c, r, kVertices);
    auto polygon_of = [&](double shift) {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (const auto& p : pts) OGR_G_AddPoint_2D(ring, p.lon + shift, p.lat);
        OGR_G_AddPoint_2D(ring, pts.front().lon + shift, pts.front().lat);
        GeometryPtr g(OGR_G_CreateGeometry(wkbPolygon));
        OGR_G_AddGeometryDirectly(g.get(), ring);
        return g;
    };
    GeometryPtr whole = polygon_of(0);
    OGREnvelope env;
    OGR_G_GetEnvelope(whole.get(), &env);
    if (env.MinX >= -180 && env.MaxX <= 180) return whole;
    // Across the antimeridian: the part inside [-180, 180] plus the rest shifted by 360.
    GeometryPtr out(OGR_G_CreateGeometry(wkbMultiPolygon));
    for (double shift : {0.0, env.MaxX > 180 ? -360.0 : 360.0}) {
        GeometryPtr g = polygon_of(shift);
        GeometryPtr box(OGR_G_CreateGeometry(wkbPolygon));
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (auto [x, y] : {std::pair{-180.0, -90.0}, {180.0, -90.0}, {180.0, 90.0}, {-180.0, 90.0}, {-180.0, -90.0}})
            OGR_G_AddPoint_2D(ring, x, y);
        OGR_G_AddGeometryDirectly(box.get(), ring);
        GeometryPtr part(OGR_G_Intersection(g.get(), box.get()));
        if (part && !OGR_G_IsEmpty(part.get())) OGR_G_AddGeometry(out.get(), part.get());
    }
    return out;
}

// Circles of `area_m2` around a point record (a multipoint: one circle around
// each point, sharing the area), in lon/lat. `srs` is the point's CRS (null:
// lon/lat). Null when the point cannot be brought to lon/lat.
GeometryPtr point_circles(OGRGeometryH point, OGRSpatialReferenceH srs, double area_m2) {
    GeometryPtr pt(OGR_G_Clone(point));
    if (srs) {
        SrsPtr wgs = wgs84_srs();
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        TransformPtr t(OCTNewCoordinateTransformation(srs, wgs.get()));
        if (!t || OGR_G_Transform(pt.get(), t.get()) != OGRERR_NONE) return nullptr;
    }
    const bool multi = wkbFlatten(OGR_G_GetGeometryType(pt.get())) == wkbMultiPoint;
    const int n = multi ? OGR_G_GetGeometryCount(pt.get()) : 1;
    if (n < 1) return nullptr;
    GeometryPtr all(OGR_G_CreateGeometry(wkbMultiPolygon));
    for (int k = 0; k < n; ++k) {
        OGRGeometryH q = multi ? OGR_G_GetGeometryRef(pt.get(), k) : pt.get();
        GeometryPtr c = area_circle({OGR_G_GetX(q, 0), OGR_G_GetY(q, 0)}, area_m2 / n);
        if (wkbFlatten(OGR_G_GetGeometryType(c.get())) == wkbPolygon)
            OGR_G_AddGeometry(all.get(), c.get());
        else  // split at the antimeridian: its parts
            for (int j = 0; j < OGR_G_GetGeometryCount(c.get()); ++j)
                OGR_G_AddGeometry(all.get(), OGR_G_GetGeometryRef(c.get(), j));
    }
    return all;
}

ImportResult import_wdpa(const ImportRequest& r, const Region& region) {
    const std::string root = gdal_name(r.download);
    const auto files = list_download(root);
    struct Part {
        std::string where;
        DatasetPtr ds;
        OGRLayerH layer;
        bool points;
    };
    std::vector<Part> parts;
    std::vector<DatasetPtr> gdb_datasets;  // open while their layers are read
    const auto gdbs = find_all(files, R"(.*\.gdb)");
    if (!gdbs.empty()) {
        for (const auto& g : gdbs) {
            DatasetPtr ds = open_vector(g, "", r.download);
            for (int i = 0; i < GDALDatasetGetLayerCount(ds.get()); ++i) {
                OGRLayerH l = GDALDatasetGetLayer(ds.get(), i);
                const std::string n = OGR_L_GetName(l);
                const bool poly = n.rfind("WDPA_poly_", 0) == 0, point = n.rfind("WDPA_point_", 0) == 0;
                if (poly || point) parts.push_back({r.download + ": layer " + n, nullptr, l, point});
            }
            if (parts.empty()) throw InputError(r.download + ": " + g + " has no WDPA_poly_* or WDPA_point_* layer");
            gdb_datasets.push_back(std::move(ds));
        }
    } else {
        const auto shps = find_all(files, R"(.*-(polygons|points)\.shp)");
        if (shps.empty())
            (void)find_one(files, R"(WDPA_.*-(polygons|points)\.shp)", "WDPA shapefile (WDPA_*-polygons.shp)",
                           r.download);
        for (const auto& s : shps) {
            DatasetPtr ds = open_vector(s, "UTF-8", r.download);
            OGRLayerH l = layer_of(ds.get(), "", s);
            const std::string base = s.substr(s.find_last_of('/') + 1);
            parts.push_back({r.download + ": " + base, std::move(ds), l, base.find("-points") != std::string::npos});
        }
    }
    for (auto& p : parts) require_fields(p.layer, kRequired, "wdpa", p.where);

    std::vector<Field> fields;
    std::vector<std::string> keep = kRequired;
    for (const auto& f : kOptional)
        if (field_index(parts.front().layer, f, parts.front().where) >= 0) keep.push_back(f);
    OGRFeatureDefnH d0 = OGR_L_GetLayerDefn(parts.front().layer);
    for (const auto& f : keep)
        fields.push_back({f, OGR_Fld_GetType(OGR_FD_GetFieldDefn(d0, field_index(parts.front().layer, f, "")))});
    fields.push_back({"approx_boundary", OFTInteger});
    fields.push_back({"source_part", OFTString});

    ImportResult res;
    res.id = r.id.empty() ? "wdpa" : r.id;
    res.layer_path = (std::filesystem::path(r.out_dir) / (res.id + ".gpkg")).string();
    GpkgOut out(res.layer_path, res.id, wkbMultiPolygon, fields, region);
    std::map<std::string, std::size_t> dropped_status;
    std::size_t circles = 0, no_area = 0;
    for (auto& p : parts) {
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(p.layer);
        SrsPtr wgs = wgs84_srs();
        const bool lonlat = !srs || OSRIsSame(srs, wgs.get());
        const int status_idx = field_index(p.layer, "STATUS", p.where);
        const int area_idx = field_index(p.layer, "REP_AREA", p.where);
        std::vector<int> idx;
        for (const auto& f : keep) idx.push_back(field_index(p.layer, f, p.where));
        OGR_L_ResetReading(p.layer);
        while (FeaturePtr f{OGR_L_GetNextFeature(p.layer)}) {
            const std::string status = text_of(f.get(), status_idx);
            if (!r.all_status && !in_force(status)) {
                ++dropped_status[status.empty() ? "(empty)" : status];
                continue;
            }
            std::map<std::string, std::string> v;
            for (std::size_t k = 0; k < keep.size(); ++k) v[keep[k]] = text_of(f.get(), idx[k]);
            v["source_part"] = p.points ? "points" : "polygons";
            v["approx_boundary"] = p.points ? "1" : "0";
            OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
            if (!g || OGR_G_IsEmpty(g)) continue;
            if (!p.points) {
                out.add(g, lonlat ? nullptr : srs, v);
                continue;
            }
            const double km2 = OGR_F_GetFieldAsDouble(f.get(), area_idx);
            if (!(km2 > 0)) {
                ++no_area;
                continue;
            }
            GeometryPtr all = point_circles(g, lonlat ? nullptr : srs, km2 * 1e6);
            if (!all) continue;
            if (out.add(all.get(), nullptr, v)) ++circles;
        }
    }
    commit_vector(out, res);
    if (circles)
        res.notes.push_back(
            fmt::format("{} point records became geodesic circles of their reported area "
                        "(approx_boundary = 1)",
                        circles));
    if (no_area) res.notes.push_back(fmt::format("{} point records without a reported area left out", no_area));
    for (const auto& [s, n] : dropped_status)
        res.notes.push_back(
            fmt::format("{} records with STATUS '{}' left out (not in force; --all-status keeps them)", n, s));

    CatalogEntry e;
    e.title = "Protected areas, WDPA (Protected Planet)";
    e.preset = "wdpa";
    e.extra.emplace_back("report_fields",
                         "[DESIG_ENG, IUCN_CAT, STATUS, STATUS_YR, REP_AREA, ISO3, NO_TAKE, MARINE, "
                         "approx_boundary]");
    e.source = "UNEP-WCMC and IUCN, World Database on Protected Areas (Protected Planet), imported by sitescreen";
    e.note = with_region_note(circles ? fmt::format("{} boundaries are circles of the reported area around a "
                                                    "point (approx_boundary = 1).",
                                                    circles)
                                      : std::string(),
                              region);
    register_vector_layer(res, r, region, out.outside(), "records", std::move(e),
                          {"WDPA terms of use: non-commercial use with attribution, no redistribution "
                           "(UNEP-WCMC and IUCN, Protected Planet)",
                           "https://www.protectedplanet.net/en/thematic-areas/wdpa", r.download});
    return res;
}

}  // namespace sitescreen::import
