// The OGR site reader: points, lines or polygons from any vector format GDAL reads, in any CRS.
#include <cpl_conv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include "core/errors.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"
#include "io/site_reader_kit.h"
#include <boost/geometry/algorithms/point_on_surface.hpp>

namespace fs = std::filesystem;

namespace sitescreen::site_reading {
namespace {

class OgrSiteSource : public SiteSource {
public:
    explicit OgrSiteSource(const SiteReaderOptions& o) : opt_(o) {
        gdal_init();
        CPLErrorReset();
        ds_.reset(GDALOpenEx(o.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
        if (!ds_) {
            std::error_code ec;
            if (!fs::exists(o.path, ec) && o.path.rfind("/vsi", 0) != 0) throw InputError(o.path + ": file not found");
            throw InputError(o.path + ": not a readable vector dataset (" + gdal_last_error("unknown format") + ")");
        }
        if (!o.layer.empty()) {
            layer_ = GDALDatasetGetLayerByName(ds_.get(), o.layer.c_str());
            if (!layer_) throw InputError(o.path + ": no layer named '" + o.layer + "'");
        } else {
            if (GDALDatasetGetLayerCount(ds_.get()) < 1) throw InputError(o.path + ": holds no layer");
            layer_ = GDALDatasetGetLayer(ds_.get(), 0);
        }
        layer_name_ = OGR_L_GetName(layer_);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
            fields_.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
        auto find = [&](const std::vector<std::string>& names) {
            for (const auto& n : names)
                for (std::size_t i = 0; i < fields_.size(); ++i)
                    if (lower(fields_[i]) == n) return static_cast<int>(i);
            return -1;
        };
        if (!o.id_field.empty()) {
            id_col_ = find({lower(o.id_field)});
            if (id_col_ < 0) {
                std::string s;
                for (const auto& f : fields_) s += (s.empty() ? "" : ", ") + ("'" + f + "'");
                throw InputError(o.path + ": no field named '" + o.id_field + "' for the id (fields found: " + s + ")");
            }
        } else {
            id_col_ = find({"id", "site_id", "station_id"});
        }
        type_col_ = find({"type", "site_type"});

        SrsPtr dst = wgs84_srs();
        SrsPtr src;
        if (!o.crs.empty()) {
            src = srs_from_user(o.crs, o.path + ": --crs");
        } else if (OGRSpatialReferenceH s = OGR_L_GetSpatialRef(layer_)) {
            src.reset(OSRClone(s));
            OSRSetAxisMappingStrategy(src.get(), OAMS_TRADITIONAL_GIS_ORDER);
        }
        if (!src) {
            missing_crs_ = true;
        } else if (!OSRIsSame(src.get(), dst.get())) {
            transform_.reset(OCTNewCoordinateTransformation(src.get(), dst.get()));
            if (!transform_) throw InputError(o.path + ": cannot transform its CRS to WGS 84");
        }
        OGR_L_ResetReading(layer_);
    }

    std::vector<std::string> fields() const override { return fields_; }

    bool next(Site& site) override {
        CPLErrorReset();
        FeaturePtr f(OGR_L_GetNextFeature(layer_));
        if (!f) {
            const char* msg = CPLGetLastErrorMsg();
            if (msg && *msg && CPLGetLastErrorType() >= CE_Failure)
                throw InputError(opt_.path + ": reading stopped after " + std::to_string(index_) + " features: " + msg);
            return false;
        }
        site = Site{};
        site.index = index_++;
        const GIntBig fid = OGR_F_GetFID(f.get());
        site.where =
            opt_.path + ": feature " + std::to_string(fid == OGRNullFID ? static_cast<GIntBig>(site.index) : fid);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer_);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) {
            const std::string name = fields_[i];
            if (!OGR_F_IsFieldSetAndNotNull(f.get(), i)) {
                site.attributes[name] = nullptr;
                continue;
            }
            const OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i));
            if (t == OFTInteger)
                site.attributes[name] = OGR_F_GetFieldAsInteger(f.get(), i);
            else if (t == OFTInteger64)
                site.attributes[name] = static_cast<long long>(OGR_F_GetFieldAsInteger64(f.get(), i));
            else if (t == OFTReal) {
                const double v = OGR_F_GetFieldAsDouble(f.get(), i);
                if (std::isfinite(v))
                    site.attributes[name] = v;
                else
                    site.attributes[name] = nullptr;
            } else {
                std::string s = OGR_F_GetFieldAsString(f.get(), i);
                if (!valid_utf8(s)) {
                    if (auto u = gb18030_to_utf8(s)) s = *u;
                }
                site.attributes[name] = s;
            }
        }
        if (id_col_ >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), id_col_))
            site.id = trim(OGR_F_GetFieldAsString(f.get(), id_col_));
        if (site.id.empty())
            site.id = "feature-" + std::to_string(fid == OGRNullFID ? static_cast<GIntBig>(site.index) : fid);
        if (type_col_ >= 0 && OGR_F_IsFieldSetAndNotNull(f.get(), type_col_))
            site.type = lower(trim(OGR_F_GetFieldAsString(f.get(), type_col_)));
        if (site.type.empty()) site.type = opt_.default_type;

        OGRGeometryH g = OGR_F_GetGeometryRef(f.get());
        site.geometry = "";  // until the geometry is known to be a point or a polygon
        if (!g) {
            site.error = site.where + ": has no geometry (null)";
            return true;
        }
        if (OGR_G_IsEmpty(g)) {
            site.error = site.where + ": has an empty geometry";
            return true;
        }
        const OGRwkbGeometryType given = wkbFlatten(OGR_G_GetGeometryType(g));
        if (given == wkbPoint)
            site.geometry = "point";
        else if (OGR_GT_IsSurface(given) || given == wkbMultiPolygon || given == wkbMultiSurface)
            site.geometry = "polygon";
        if (missing_crs_) {
            site.error = site.where + ": the layer has no CRS; give it with --crs (e.g. --crs EPSG:4326)";
            return true;
        }
        GeometryPtr geom(OGR_G_Clone(g));
        if (transform_ && OGR_G_Transform(geom.get(), transform_.get()) != OGRERR_NONE) {
            site.error = site.where + ": geometry cannot be transformed to WGS 84";
            return true;
        }
        const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(geom.get()));
        if (t == wkbPoint) {
            const double x = OGR_G_GetX(geom.get(), 0), y = OGR_G_GetY(geom.get(), 0);
            if (!std::isfinite(x) || !std::isfinite(y)) {
                site.error = site.where + ": point coordinates are not finite numbers";
                return true;
            }
            if (y < -90 || y > 90 || x < -180 || x > 180) {
                site.error = site.where + ": point (" + std::to_string(x) + ", " + std::to_string(y) +
                             ") is outside lon [-180, 180] / lat [-90, 90]" +
                             (std::fabs(x) <= 90 && std::fabs(y) <= 180 ? " (axes swapped?)" : " (wrong --crs?)");
                return true;
            }
            site.lonlat = to_wgs84({x, y}, opt_.coords);
            site.has_coordinates = true;
            return true;
        }
        const std::string why = invalidity_reason(geom.get());
        if (!why.empty()) {
            site.error =
                site.where + ": invalid polygon (" + why + "); repair it (e.g. ogr2ogr -makevalid) and run again";
            return true;
        }
        MultiPolygon mp;
        const int polygons = append_polygons(geom.get(), mp);
        if (polygons > 0) site.geometry = "polygon";  // a collection of polygons, too
        if (polygons == 0) {
            site.error = site.where + ": geometry type '" + OGRGeometryTypeToName(OGR_G_GetGeometryType(g)) +
                         "' is not a point or polygon";
            return true;
        }
        Box env;
        bg::envelope(mp, env);
        if (env.min_corner().y() < -90 || env.max_corner().y() > 90 || env.min_corner().x() < -180 ||
            env.max_corner().x() > 180) {
            site.error = site.where + ": polygon lies outside lon [-180, 180] / lat [-90, 90] (wrong --crs?)";
            return true;
        }
        if (opt_.coords != CoordSystem::Wgs84) {
            for (auto& p : mp) {
                auto conv = [&](Ring& r) {
                    for (auto& pt : r) {
                        const LonLat w = to_wgs84({pt.x(), pt.y()}, opt_.coords);
                        pt = Point(w.lon, w.lat);
                    }
                };
                conv(p.outer());
                for (auto& h : p.inners()) conv(h);
            }
        }
        Point c;
        bg::centroid(mp, c);
        if (!bg::within(c, mp)) bg::point_on_surface(mp, c);
        site.lonlat = {c.x(), c.y()};
        site.footprint_ll = std::move(mp);
        site.has_coordinates = true;
        return true;
    }

private:
    SiteReaderOptions opt_;
    DatasetPtr ds_;
    OGRLayerH layer_ = nullptr;
    std::string layer_name_;
    std::vector<std::string> fields_;
    int id_col_ = -1, type_col_ = -1;
    std::size_t index_ = 0;
    bool missing_crs_ = false;
    TransformPtr transform_;
};

}  // namespace

std::unique_ptr<SiteSource> open_ogr_sites(const SiteReaderOptions& o) { return std::make_unique<OgrSiteSource>(o); }

}  // namespace sitescreen::site_reading
