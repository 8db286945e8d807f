// Plain geometry types (Boost.Geometry models) shared by every module.
// Coordinates are either WGS 84 lon/lat degrees ("LL") or metres in a
// site-centred local frame ("XY"); the variable names say which.
#pragma once
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <vector>

namespace sitescreen {

namespace bg = boost::geometry;

using Point = bg::model::d2::point_xy<double>;
// Counter-clockwise exterior rings, closed (first point repeated), like GeoJSON.
using Polygon = bg::model::polygon<Point, /*ClockWise=*/false, /*Closed=*/true>;
using Ring = Polygon::ring_type;
using MultiPolygon = bg::model::multi_polygon<Polygon>;
using Box = bg::model::box<Point>;
using LineString = bg::model::linestring<Point>;

struct LonLat {
    double lon = 0;
    double lat = 0;
};

}  // namespace sitescreen
