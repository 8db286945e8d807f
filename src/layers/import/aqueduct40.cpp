// Importer `aqueduct40`: WRI Aqueduct 4.0 water-risk data as WRI packages it
// (aqueduct-4-0-water-risk-data.zip -> Aqueduct40_waterrisk_download_Y2023M07D05/
// GDB/Aq40_Y2023D07M05.gdb, layers baseline_annual and future_annual). The
// baseline_annual units (sub-basin x admin-1 x aquifer) keep their identifiers,
// the bws, bwd, iav, sev, gtd, rfr, cfr and drr raw values, scores, categories
// and labels, and, joined by pfaf_id from future_annual, the 2030 / 2050 / 2080
// water-stress projections (bau, opt, pes; _r raw, _s score, _c category, _l label).
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

const std::vector<std::string> kIdentifiers = {"string_id", "aq30_id", "pfaf_id", "gid_0",   "name_0",
                                               "gid_1",     "name_1",  "aqid",    "area_km2"};
const std::vector<std::string> kIndicators = {"bws", "bwd", "iav", "sev", "gtd", "rfr", "cfr", "drr"};
const std::vector<std::string> kRequired = {"aq30_id", "pfaf_id", "bws_raw", "bws_score", "bws_cat", "bws_label"};

}  // namespace

ImportResult import_aqueduct40(const ImportRequest& r, const Region& region) {
    const std::string root = gdal_name(r.download);
    const auto files = list_download(root);
    const std::string gdb = find_one(files, R"(.*\.gdb)", "Aqueduct 4.0 FileGDB (Aq40_*.gdb)", r.download);
    DatasetPtr ds = open_vector(gdb, "", r.download);
    const std::string where = r.download + ": " + gdb.substr(gdb.find_last_of('/') + 1);
    OGRLayerH base = layer_of(ds.get(), "baseline_annual", where);
    const std::string base_where = where + ": layer baseline_annual";
    require_fields(base, kRequired, "aqueduct40", base_where);

    // The fields kept, with their types, in a fixed order.
    std::vector<Field> fields;
    std::vector<std::pair<std::string, int>> copy;  // output name -> source index
    OGRFeatureDefnH bd = OGR_L_GetLayerDefn(base);
    auto keep = [&](const std::string& name) {
        const int idx = field_index(base, name, base_where);
        if (idx < 0) return;
        fields.push_back({name, OGR_Fld_GetType(OGR_FD_GetFieldDefn(bd, idx))});
        copy.emplace_back(name, idx);
    };
    for (const auto& f : kIdentifiers) keep(f);
    for (const auto& ind : kIndicators)
        for (const char* part : {"_raw", "_score", "_cat", "_label"}) keep(ind + part);

    // Futures, by pfaf_id, when the package has them.
    ImportResult res;
    std::map<std::string, std::map<std::string, std::string>> futures;
    std::vector<std::string> future_fields;
    const int nlayers = GDALDatasetGetLayerCount(ds.get());
    OGRLayerH fut = nullptr;
    for (int i = 0; i < nlayers; ++i)
        if (std::string(OGR_L_GetName(GDALDatasetGetLayer(ds.get(), i))) == "future_annual")
            fut = GDALDatasetGetLayer(ds.get(), i);
    if (fut) {
        const std::string fw = where + ": layer future_annual";
        require_fields(fut, {"pfaf_id"}, "aqueduct40", fw);
        static const std::regex proj(R"((bau|opt|pes)(30|50|80)_ws_x_[rscl])", std::regex::icase);
        OGRFeatureDefnH fd = OGR_L_GetLayerDefn(fut);
        std::vector<std::pair<std::string, int>> fcopy;
        for (int i = 0; i < OGR_FD_GetFieldCount(fd); ++i) {
            const std::string n = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
            if (!std::regex_match(n, proj)) continue;
            fields.push_back({n, OGR_Fld_GetType(OGR_FD_GetFieldDefn(fd, i))});
            future_fields.push_back(n);
            fcopy.emplace_back(n, i);
        }
        const int pf = field_index(fut, "pfaf_id", fw);
        OGR_L_ResetReading(fut);
        while (FeaturePtr f{OGR_L_GetNextFeature(fut)}) {
            auto& row = futures[text_of(f.get(), pf)];
            for (const auto& [n, i] : fcopy) row[n] = text_of(f.get(), i);
        }
        res.notes.push_back(
            fmt::format("{} future water-stress fields (2030/2050/2080) joined by pfaf_id from "
                        "future_annual ({} basins)",
                        future_fields.size(), futures.size()));
    } else {
        res.notes.push_back("no future_annual layer in the package: no 2030/2050/2080 projections");
    }

    res.id = r.id.empty() ? "aqueduct40" : r.id;
    res.layer_path = (std::filesystem::path(r.out_dir) / (res.id + ".gpkg")).string();
    GpkgOut out(res.layer_path, res.id, wkbMultiPolygon, fields, region);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(base);
    const int pfaf = field_index(base, "pfaf_id", base_where);
    std::size_t unmatched = 0;
    OGR_L_ResetReading(base);
    while (FeaturePtr f{OGR_L_GetNextFeature(base)}) {
        std::map<std::string, std::string> v;
        for (const auto& [n, i] : copy) v[n] = text_of(f.get(), i);
        if (fut) {
            const auto it = futures.find(text_of(f.get(), pfaf));
            if (it != futures.end())
                v.insert(it->second.begin(), it->second.end());
            else
                ++unmatched;
        }
        out.add(OGR_F_GetGeometryRef(f.get()), srs, v);
    }
    commit_vector(out, res);
    if (unmatched)
        res.notes.push_back(fmt::format("{} units have no future_annual basin (projections null)", unmatched));

    CatalogEntry e;
    e.title = "Water risk, WRI Aqueduct 4.0 baseline annual";
    e.preset = "aqueduct40";
    e.source = "WRI Aqueduct 4.0 (Kuzma et al. 2023), baseline_annual layer of the FileGDB" +
               std::string(fut ? ", future_annual projections joined by pfaf_id" : "") + "; imported by sitescreen";
    e.note = with_region_note("", region);
    register_vector_layer(res, r, region, out.outside(), "units", std::move(e),
                          {"CC BY 4.0 (World Resources Institute); cite Kuzma et al. 2023, Aqueduct 4.0",
                           "https://www.wri.org/data/aqueduct-global-maps-40-data", gdb});
    return res;
}

}  // namespace sitescreen::import
