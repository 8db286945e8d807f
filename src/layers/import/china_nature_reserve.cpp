// Importer `china_nature_reserve`: reserve boundary shapefiles as Chinese
// publishers hand them out (one or more .shp, loose or in a zip, attribute
// names in Chinese, the .dbf in GBK with no .cpg): one polygon per functional
// zone (Regulations on Nature Reserves 1994, art. 18: 核心区 core, 缓冲区
// buffer, 实验区 experimental). The fields are looked for by these names, in
// this order (the first present is used):
//   name   保护区名称, 名称, NAME            (required)
//   zone   功能区, 功能分区, 分区, ZONE      (required)
//   level  级别, 保护级别, LEVEL
//   id     编号, 代码, CODE                 (else <file>-<FID>)
//   province 省份, 省, PROVINCE
// and written as nr_id, nr_name, nr_level, zone, zone_en, province (the
// schema of the china_nature_reserve preset). A zone value other than the
// three zones (Chinese or English) is an error naming the feature and value.
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

struct Role {
    const char* out;
    std::vector<std::string> names;
    bool required;
};

const std::vector<Role> kRoles = {
    {"nr_name", {"保护区名称", "名称", "NAME"}, true},  {"zone", {"功能区", "功能分区", "分区", "ZONE"}, true},
    {"nr_level", {"级别", "保护级别", "LEVEL"}, false}, {"nr_id", {"编号", "代码", "CODE"}, false},
    {"province", {"省份", "省", "PROVINCE"}, false},
};

const std::map<std::string, std::string> kZones = {{"核心区", "core"},         {"缓冲区", "buffer"},
                                                   {"实验区", "experimental"}, {"core", "core"},
                                                   {"buffer", "buffer"},       {"experimental", "experimental"}};

}  // namespace

ImportResult import_china_nature_reserve(const ImportRequest& r, const Region& region) {
    const std::string root = gdal_name(r.download);
    const auto files = list_download(root);
    auto shps = find_all(files, R"(.*\.shp)");
    if (shps.empty()) (void)find_one(files, R"(.*\.shp)", "reserve shapefile (.shp)", r.download);
    const std::string encoding = r.encoding.empty() ? "CP936" : r.encoding;  // GBK when the .cpg is missing

    ImportResult res;
    res.id = r.id.empty() ? "china_nature_reserves" : r.id;
    res.layer_path = (std::filesystem::path(r.out_dir) / (res.id + ".gpkg")).string();
    std::vector<Field> fields = {{"nr_id", OFTString},      {"nr_name", OFTString}, {"nr_level", OFTString},
                                 {"zone", OFTString},       {"zone_en", OFTString}, {"province", OFTString},
                                 {"source_file", OFTString}};
    GpkgOut out(res.layer_path, res.id, wkbMultiPolygon, fields, region);
    for (const auto& shp : shps) {
        DatasetPtr ds = open_vector(shp, encoding, r.download);
        OGRLayerH l = layer_of(ds.get(), "", shp);
        const std::string base = shp.substr(shp.find_last_of('/') + 1);
        const std::string where = r.download + ": " + base;
        std::map<std::string, int> idx;
        for (const Role& role : kRoles) {
            int found = -1;
            for (const auto& n : role.names)
                if ((found = field_index(l, n, where)) >= 0) break;
            if (found < 0 && role.required) {
                std::string alternatives;
                for (const auto& n : role.names) alternatives += (alternatives.empty() ? "" : ", ") + n;
                require_fields(l, {role.names.front()},
                               "china_nature_reserve (" + std::string(role.out) + " from one of " + alternatives + ")",
                               where);
            }
            idx[role.out] = found;
        }
        OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
        if (!srs)
            throw InputError(where +
                             ": no .prj (CRS unknown); add the .prj the publisher gave, or reproject the "
                             "shapefile to EPSG:4326 or CGCS2000 first");
        const std::string stem = base.substr(0, base.size() - 4);
        OGR_L_ResetReading(l);
        while (FeaturePtr f{OGR_L_GetNextFeature(l)}) {
            std::map<std::string, std::string> v;
            for (const auto& [k, i] : idx) v[k] = text_of(f.get(), i);
            const auto z = kZones.find(v["zone"]);
            if (z == kZones.end())
                throw InputError(
                    fmt::format("{}: feature {}: zone '{}' is not 核心区, 缓冲区 or 实验区 (core, buffer, "
                                "experimental)",
                                where, OGR_F_GetFID(f.get()), v["zone"]));
            v["zone_en"] = z->second;
            if (v["nr_id"].empty()) v["nr_id"] = stem + "-" + std::to_string(OGR_F_GetFID(f.get()));
            v["source_file"] = base;
            out.add(OGR_F_GetGeometryRef(f.get()), srs, v);
        }
    }
    commit_vector(out, res);
    res.notes.push_back(
        fmt::format("{} shapefile(s) read with .dbf encoding {} where no .cpg says otherwise", shps.size(), encoding));

    CatalogEntry e;
    e.title = "Nature reserves with functional zones (imported)";
    e.preset = "china_nature_reserve";
    e.extra.emplace_back("report_fields", "[nr_level, zone, zone_en, province]");
    e.source = "Nature reserve boundary shapefiles supplied by the user (" + std::to_string(shps.size()) +
               " file(s)); imported by sitescreen";
    e.note = with_region_note("", region);
    register_vector_layer(
        res, r, region, out.outside(), "zones", std::move(e),
        {"as granted by the publisher (not stated in the download; record it with --licence)", "", ""});
    return res;
}

}  // namespace sitescreen::import
