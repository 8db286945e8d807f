// The shared core of the importers: finding datasets inside a download (zip,
// nested zip, FileGDB, folder), checking a layer's schema, clipping to a
// region, reprojecting to EPSG:4326, repairing geometries, writing a
// GeoPackage with a spatial index, and adding a catalog entry with provenance.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ogr_api.h>

#include "core/types.h"
#include "io/gdal_handles.h"
#include "layers/import/import.h"

namespace sitescreen::import {

// The GDAL name of a download: /vsizip/ for a .zip, /vsicurl/ for a URL, the
// absolute path otherwise. Throws InputError when a local path does not exist.
std::string gdal_name(const std::string& download);

// Every file and folder inside a download, as GDAL names, nested zips opened
// (/vsizip//vsizip/...). A .gdb folder is listed as itself, not its contents.
std::vector<std::string> list_download(const std::string& root);

// The one entry of `files` whose base name matches `pattern` (std::regex,
// case-insensitive). None: InputError naming what was looked for and the
// download; several: InputError listing them (never a guess).
std::string find_one(const std::vector<std::string>& files, const std::string& pattern, const std::string& what,
                     const std::string& download);
std::vector<std::string> find_all(const std::vector<std::string>& files, const std::string& pattern);

// Opens a vector dataset (shapefile with `encoding` when it has no .cpg).
DatasetPtr open_vector(const std::string& name, const std::string& encoding, const std::string& download);
// The layer named `layer` ("" = the only one). InputError naming the layers there are.
OGRLayerH layer_of(GDALDatasetH ds, const std::string& layer, const std::string& where);

// Field index by name: exact, else case-insensitive (two case-insensitive
// matches: an error); -1 when absent.
int field_index(OGRLayerH layer, const std::string& name, const std::string& where);
// Checks that every field of `required` is present; InputError naming the
// missing fields, the importer and the fields the layer has.
void require_fields(OGRLayerH layer, const std::vector<std::string>& required, const std::string& importer,
                    const std::string& where);

// The region to keep: nothing (all), a bbox, or a polygon from the shipped
// admin layers (china = the China outline; else a country or a Chinese province).
class Region {
public:
    explicit Region(const std::string& spec);
    bool all() const { return !geom_; }
    const std::string& label() const { return label_; }
    // The part of a lon/lat geometry inside the region (a clone when all()); null when none.
    GeometryPtr clip(OGRGeometryH lonlat) const;
    void envelope(double& w, double& s, double& e, double& n) const;

private:
    GeometryPtr geom_;
    std::string label_;
};

// A value of one output field, by type.
struct Field {
    std::string name;
    OGRFieldType type = OFTString;
};

// Writes the imported features: reprojects to EPSG:4326, makes valid, clips,
// keeps polygons (or points), into a GeoPackage with a spatial index, under a
// temporary name renamed into place by commit().
class GpkgOut {
public:
    GpkgOut(const std::string& path, const std::string& layer, OGRwkbGeometryType type, std::vector<Field> fields,
            const Region& region);
    ~GpkgOut();
    // `values` by output field name (missing = null). `srs` is the geometry's CRS
    // (null: already lon/lat). Returns false when nothing of it is left after the clip.
    bool add(OGRGeometryH geom, OGRSpatialReferenceH srs, const std::map<std::string, std::string>& values,
             const std::map<std::string, double>& numbers = {});
    void commit();
    std::size_t written() const { return written_; }
    std::size_t repaired() const { return repaired_; }
    std::size_t outside() const { return outside_; }

private:
    std::string path_, temp_;
    DatasetPtr ds_;
    OGRLayerH layer_ = nullptr;
    std::vector<Field> fields_;
    const Region& region_;
    OGRwkbGeometryType type_;
    std::map<OGRSpatialReferenceH, TransformPtr> transforms_;
    std::size_t written_ = 0, repaired_ = 0, outside_ = 0;
};

// A field value as text ("" for null or idx < 0).
std::string text_of(OGRFeatureH f, int idx);
// text_of, but a date field (a shapefile 'D' field) as YYYY-MM-DD.
std::string date_or_text(OGRFeatureH f, int idx);

// The catalog entry of an imported layer.
struct CatalogEntry {
    std::string id, title, kind, path, layer, preset, crs = "EPSG:4326";
    std::vector<std::pair<std::string, std::string>> extra;  // more keys, as YAML text (flow style)
    std::string source, licence, date, url, note, sha256;
};

// Adds `e` to the catalog at `catalog_path` (created when missing), written
// atomically and checked by loading it; an id already there is an error.
void add_to_catalog(const std::string& catalog_path, const CatalogEntry& e);

// The publisher's terms for an importer's catalog entry, used where the request does not give
// its own (--licence, --source-url, --version).
struct ProvenanceDefaults {
    std::string licence;     // the publisher's licence or terms of use
    std::string url;         // the publisher's page
    std::string dated_name;  // a file whose name carries the data's version ("": none)
};

// Sets e.licence, e.url, e.date and e.sha256 (of the download) from the request, else `d`.
void fill_provenance(CatalogEntry& e, const ImportRequest& r, const ProvenanceDefaults& d);

// `note` with "Clipped to <region>." appended when the import kept only a region.
std::string with_region_note(std::string note, const Region& region);

// Ends a vector import written through `out`: commits it, counts the features written and
// repaired into `res`. The importer then adds its own notes and calls register_vector_layer.
void commit_vector(GpkgOut& out, ImportResult& res);

// Registers the vector layer `res` describes: a note on the `units` the region left out, the
// entry's id, kind, path and layer from `res`, its provenance (fill_provenance), and the entry
// added to the request's catalog.
void register_vector_layer(ImportResult& res, const ImportRequest& r, const Region& region, std::size_t outside,
                           const std::string& units, CatalogEntry e, const ProvenanceDefaults& d);

// SHA-256 of a local download (a folder: of its files in path order); "" for a URL.
std::string download_sha256(const std::string& download);

// A version or date read from a download's file name (e.g. WDPA_Dec2024, Y2023M07D05, v200).
std::string version_from_name(const std::string& download);

// A polygon of `area_m2` around `c` whose 128 vertices lie on a geodesic circle,
// the radius fitted so that the polygon has that area (wdpa.cpp); split at the antimeridian.
GeometryPtr area_circle(LonLat c, double area_m2);
// area_circle around a point record (a multipoint: one per point, sharing the
// area), reprojected from `srs` (null: lon/lat) first; null when it cannot be (wdpa.cpp).
GeometryPtr point_circles(OGRGeometryH point, OGRSpatialReferenceH srs, double area_m2);

// The importers (one file each).
ImportResult import_aqueduct40(const ImportRequest& r, const Region& region);
ImportResult import_wdpa(const ImportRequest& r, const Region& region);
ImportResult import_china_nature_reserve(const ImportRequest& r, const Region& region);
ImportResult import_worldcover(const ImportRequest& r, const Region& region);
ImportResult import_ramsar(const ImportRequest& r, const Region& region);
ImportResult import_kba(const ImportRequest& r, const Region& region);
ImportResult import_gfc(const ImportRequest& r, const Region& region);

}  // namespace sitescreen::import
