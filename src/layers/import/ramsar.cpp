// Importer `ramsar`: the Ramsar Sites Information Service (rsis.ramsar.org)
// spatial download, a zip of two shapefiles: the published boundaries
// (features_publishedPolygon.shp) and the site centroids
// (features_*publishedPoint.shp). Field names (ramsarid, officialna, iso3,
// country_en, area_off in hectares) as in the RSIS shapefile (docs/data.md
// says where they were checked). A site with a boundary keeps it (made
// valid); a site known only by its centroid becomes a geodesic circle of its
// official area (area_off) flagged approx_boundary = 1, as wdpa does; a
// centroid without an area is left out (counted).
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

const std::vector<std::string> kRequired = {"ramsarid", "officialna", "iso3", "country_en", "area_off"};
// The designation date: its name differs between RSIS exports (shapefile
// field names are cut at 10 characters); kept as desig_date when one is there.
const std::vector<std::string> kDateFields = {"desigdate", "designatio", "date_desig", "designation_date"};

}  // namespace

ImportResult import_ramsar(const ImportRequest& r, const Region& region) {
    const std::string root = gdal_name(r.download);
    const auto files = list_download(root);
    const std::string poly_file = find_one(files, R"(features_.*publishedPolygon\.shp)",
                                           "RSIS boundaries (features_publishedPolygon.shp)", r.download);
    const auto point_files = find_all(files, R"(features_.*publishedPoint\.shp)");
    if (point_files.size() > 1)
        (void)find_one(files, R"(features_.*publishedPoint\.shp)", "RSIS centroids (features_*publishedPoint.shp)",
                       r.download);  // several: the error lists them

    struct Part {
        std::string where;
        DatasetPtr ds;
        OGRLayerH layer;
        bool points;
    };
    std::vector<Part> parts;
    auto add_part = [&](const std::string& file, bool points) {
        DatasetPtr ds = open_vector(file, r.encoding.empty() ? "UTF-8" : r.encoding, r.download);
        OGRLayerH l = layer_of(ds.get(), "", file);
        const std::string where = r.download + ": " + file.substr(file.find_last_of('/') + 1);
        require_fields(l, kRequired, "ramsar", where);
        parts.push_back({where, std::move(ds), l, points});
    };
    add_part(poly_file, false);
    if (!point_files.empty()) add_part(point_files.front(), true);

    std::string date_field;
    for (const auto& f : kDateFields)
        if (field_index(parts.front().layer, f, parts.front().where) >= 0) {
            date_field = f;
            break;
        }
    std::vector<Field> fields = {{"ramsarid", OFTInteger64},      {"officialna", OFTString}, {"iso3", OFTString},
                                 {"country_en", OFTString},       {"area_off", OFTReal},     {"desig_date", OFTString},
                                 {"approx_boundary", OFTInteger}, {"source_part", OFTString}};

    ImportResult res;
    res.id = r.id.empty() ? "ramsar" : r.id;
    res.layer_path = (std::filesystem::path(r.out_dir) / (res.id + ".gpkg")).string();
    GpkgOut out(res.layer_path, res.id, wkbMultiPolygon, fields, region);
    std::set<std::string> with_boundary;
    std::size_t circles = 0, no_area = 0, has_boundary = 0, no_geometry = 0;
    for (auto& p : parts) {
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(p.layer);
        if (!srs) throw InputError(p.where + ": has no CRS (.prj missing); its coordinates would be a guess");
        SrsPtr wgs = wgs84_srs();
        const bool lonlat = OSRIsSame(srs, wgs.get());
        std::vector<int> idx;
        for (const auto& f : kRequired) idx.push_back(field_index(p.layer, f, p.where));
        const int date_idx = date_field.empty() ? -1 : field_index(p.layer, date_field, p.where);
        OGR_L_ResetReading(p.layer);
        while (FeaturePtr f{OGR_L_GetNextFeature(p.layer)}) {
            std::map<std::string, std::string> v;
            for (std::size_t k = 0; k < kRequired.size(); ++k) v[kRequired[k]] = text_of(f.get(), idx[k]);
            const std::string id = v["ramsarid"];
            if (id.empty())
                throw InputError(fmt::format("{}: feature {} has no ramsarid", p.where, OGR_F_GetFID(f.get())));
            if (date_idx >= 0) v["desig_date"] = date_or_text(f.get(), date_idx);
            v["source_part"] = p.points ? "centroids" : "boundaries";
            v["approx_boundary"] = p.points ? "1" : "0";
            OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
            if (!g || OGR_G_IsEmpty(g)) {
                ++no_geometry;
                continue;
            }
            if (!p.points) {
                with_boundary.insert(id);
                out.add(g, lonlat ? nullptr : srs, v);
                continue;
            }
            if (with_boundary.count(id)) {  // the centroid of a site drawn above
                ++has_boundary;
                continue;
            }
            const double ha = OGR_F_GetFieldAsDouble(f.get(), idx[4]);
            if (!(ha > 0)) {
                ++no_area;
                continue;
            }
            GeometryPtr c = point_circles(g, lonlat ? nullptr : srs, ha * 1e4);
            if (c && out.add(c.get(), nullptr, v)) ++circles;
        }
    }
    commit_vector(out, res);
    if (circles)
        res.notes.push_back(
            fmt::format("{} sites known only by their centroid became geodesic circles of their "
                        "official area (approx_boundary = 1)",
                        circles));
    if (no_area) res.notes.push_back(fmt::format("{} centroids without a boundary or an area left out", no_area));
    if (no_geometry) res.notes.push_back(fmt::format("{} records without a geometry left out", no_geometry));
    if (date_field.empty()) res.notes.push_back("no designation date field found: desig_date left empty");

    CatalogEntry e;
    e.title = "Wetlands of International Importance, Ramsar sites (RSIS)";
    e.preset = "ramsar";
    e.extra.emplace_back("report_fields", "[country_en, iso3, area_off, desig_date, approx_boundary]");
    e.source = "Ramsar Convention Secretariat, Ramsar Sites Information Service (RSIS), imported by sitescreen";
    e.note = with_region_note(circles ? fmt::format("{} boundaries are circles of the official area around the "
                                                    "site's centroid (approx_boundary = 1).",
                                                    circles)
                                      : std::string(),
                              region);
    register_vector_layer(res, r, region, out.outside(), "records", std::move(e),
                          {"RSIS terms of use: use with attribution to the Ramsar Sites Information Service "
                           "(Ramsar Convention Secretariat)",
                           "https://rsis.ramsar.org", r.download});
    return res;
}

}  // namespace sitescreen::import
