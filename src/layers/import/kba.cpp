// Importer `kba`: the World Database of Key Biodiversity Areas as the KBA
// Partnership (BirdLife International) sends it to a licensed user: a zip or
// folder of shapefiles (KBAsGlobal_<date>_POL.shp polygons, *_PNT.shp points)
// or a FileGDB. Every polygon layer must have the KBA fields (SitRecID,
// Country, ISO3, NatName, IntName, IbaStatus, KbaStatus, AzeStatus,
// AddedDate); polygons are kept as they are (made valid). Point records (KBAs
// without a mapped boundary) are not turned into shapes: the unit of their
// area field is not documented in the download, so a circle would be a guess;
// they are counted and the catalog entry says so. The data are licensed, not
// redistributable: the layer is written only to the user's --out folder.
#include <algorithm>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

const std::vector<std::string> kRequired = {"SitRecID",  "Country",   "ISO3",      "NatName",  "IntName",
                                            "IbaStatus", "KbaStatus", "AzeStatus", "AddedDate"};
const std::vector<std::string> kOptional = {"Region", "SitArea", "ChangeDate", "LegacyKBA"};

}  // namespace

ImportResult import_kba(const ImportRequest& r, const Region& region) {
    const std::string root = gdal_name(r.download);
    const auto files = list_download(root);
    struct Part {
        std::string where;
        OGRLayerH layer;
    };
    std::vector<DatasetPtr> open;  // open while their layers are read
    std::vector<Part> polys;
    std::size_t points = 0;
    auto scan = [&](const std::string& name, const std::string& label) {
        DatasetPtr ds = open_vector(name, r.encoding.empty() ? "UTF-8" : r.encoding, r.download);
        for (int i = 0; i < GDALDatasetGetLayerCount(ds.get()); ++i) {
            OGRLayerH l = GDALDatasetGetLayer(ds.get(), i);
            const std::string where = r.download + ": " + label +
                                      (label.size() > 4 && label.substr(label.size() - 4) == ".gdb"
                                           ? std::string(" layer ") + OGR_L_GetName(l)
                                           : std::string());
            const auto type = wkbFlatten(OGR_L_GetGeomType(l));
            if (type == wkbPoint || type == wkbMultiPoint) {
                points += static_cast<std::size_t>(std::max<GIntBig>(0, OGR_L_GetFeatureCount(l, TRUE)));
                continue;
            }
            if (type != wkbPolygon && type != wkbMultiPolygon) continue;
            require_fields(l, kRequired, "kba", where);
            polys.push_back({where, l});
        }
        open.push_back(std::move(ds));
    };
    const auto gdbs = find_all(files, R"(.*\.gdb)");
    for (const auto& g : gdbs) scan(g, g.substr(g.find_last_of('/') + 1));
    for (const auto& s : find_all(files, R"(.*\.shp)")) scan(s, s.substr(s.find_last_of('/') + 1));
    if (polys.empty())
        throw InputError(r.download +
                         ": no KBA polygon layer (a shapefile such as KBAsGlobal_<date>_POL.shp or a "
                         "FileGDB polygon layer with SitRecID, IntName, KbaStatus ...)");

    std::vector<std::string> keep = kRequired;
    for (const auto& f : kOptional)
        if (field_index(polys.front().layer, f, polys.front().where) >= 0) keep.push_back(f);
    std::vector<Field> fields;
    OGRFeatureDefnH d0 = OGR_L_GetLayerDefn(polys.front().layer);
    for (const auto& f : keep) {
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(d0, field_index(polys.front().layer, f, "")));
        if (t == OFTDate || t == OFTDateTime) t = OFTString;  // written as YYYY-MM-DD
        fields.push_back({f, t});
    }

    ImportResult res;
    res.id = r.id.empty() ? "kba" : r.id;
    res.layer_path = (std::filesystem::path(r.out_dir) / (res.id + ".gpkg")).string();
    GpkgOut out(res.layer_path, res.id, wkbMultiPolygon, fields, region);
    for (auto& p : polys) {
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(p.layer);
        if (!srs) throw InputError(p.where + ": has no CRS (.prj missing); its coordinates would be a guess");
        SrsPtr wgs = wgs84_srs();
        const bool lonlat = OSRIsSame(srs, wgs.get());
        std::vector<int> idx;
        for (const auto& f : keep) idx.push_back(field_index(p.layer, f, p.where));
        OGR_L_ResetReading(p.layer);
        while (FeaturePtr f{OGR_L_GetNextFeature(p.layer)}) {
            std::map<std::string, std::string> v;
            for (std::size_t k = 0; k < keep.size(); ++k) v[keep[k]] = date_or_text(f.get(), idx[k]);
            if (v["SitRecID"].empty())
                throw InputError(fmt::format("{}: feature {} has no SitRecID", p.where, OGR_F_GetFID(f.get())));
            OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
            if (!g || OGR_G_IsEmpty(g)) continue;
            out.add(g, lonlat ? nullptr : srs, v);
        }
    }
    commit_vector(out, res);
    if (points)
        res.notes.push_back(
            fmt::format("{} point-only KBAs (no mapped boundary) left out: the download does not say "
                        "their area's unit, so no circle is drawn; screen them by distance separately",
                        points));

    CatalogEntry e;
    e.title = "Key Biodiversity Areas (World Database of KBAs)";
    e.preset = "kba";
    e.source =
        "KBA Partnership, World Database of Key Biodiversity Areas, managed by BirdLife International; "
        "licensed copy imported by sitescreen";
    std::string note = "Licensed data: do not share this layer or the catalog's copy of it.";
    if (points) note += fmt::format(" {} point-only KBAs are not in this layer.", points);
    e.note = with_region_note(note, region);
    register_vector_layer(res, r, region, out.outside(), "records", std::move(e),
                          {"KBA data terms: licensed users only, no redistribution (BirdLife International on "
                           "behalf of the KBA Partnership); this layer stays in the licensee's folder",
                           "https://www.keybiodiversityareas.org/kba-data/request", r.download});
    return res;
}

}  // namespace sitescreen::import
