// Geodesic computations on the WGS 84 ellipsoid (Karney's algorithms, via PROJ's geodesic.h).
#pragma once
#include "core/types.h"

namespace sitescreen::geodesic {

constexpr double kWgs84A = 6378137.0;
constexpr double kWgs84F = 1.0 / 298.257223563;

// Geodesic distance in metres between two lon/lat points.
double distance_m(LonLat a, LonLat b);

// Distance (m) and forward azimuth (degrees clockwise from north) from a to b.
void inverse(LonLat a, LonLat b, double& distance_m, double& azimuth_deg);

// The point reached from `from` after `distance_m` along `azimuth_deg`.
LonLat direct(LonLat from, double azimuth_deg, double distance_m);

// Ellipsoidal area (m^2, positive) of a polygon given in lon/lat degrees,
// edges taken as geodesics; holes subtracted.
double polygon_area_m2(const Polygon& lonlat);
double polygon_area_m2(const MultiPolygon& lonlat);

// Ellipsoidal area (m^2, positive) of a polygon in lon/lat degrees whose
// edges are straight lines in lon/lat (as the layers' edges are taken when
// measuring); holes subtracted. Exact up to rounding: Green's theorem with
// the authalic zone integral, three-point Gauss along each edge.
double lonlat_polygon_area_m2(const Polygon& lonlat);

// Area (m^2) of the geodesic disc of radius r around a point, on the ellipsoid.
// Computed from a finely sampled geodesic circle (error < 1e-7 relative).
double disc_area_m2(LonLat centre, double radius_m);

// Ellipsoidal area (m^2) of a lon/lat cell [lat_south, lat_north] x [0, dlon_deg]
// (exact: difference of authalic-latitude zones).
double lonlat_cell_area_m2(double lat_south_deg, double lat_north_deg, double dlon_deg);

// Radii of curvature at a latitude: meridional M and prime vertical N (metres).
double meridional_radius_m(double lat_deg);
double prime_vertical_radius_m(double lat_deg);

// A lon/lat box sure to contain every point within `radius_m` of `centre`
// (with a small safety margin). Latitude is clamped to [-90, 90]; longitude
// spans [-180, 180] near the poles.
Box bounding_box(LonLat centre, double radius_m);

// A lower bound (m) of the geodesic distance from c to any point of a lon/lat
// box (west <= east, both within [-180, 180]), valid at any distance and
// across the antimeridian and the poles: the central angle to the box on a
// sphere, computed from geodetic latitudes, times the polar semi-axis b, less
// 0.5% (a geodesic is at least b/a = 1 - f times that long: the meridian arc
// at the equator, M = a (1 - e^2) = b^2 / a per radian, is the shortest
// case; docs/method.md, "Anywhere on Earth"). 0 when c lies in the box.
double box_distance_lower_bound_m(LonLat c, const Box& lonlat_box);

// A tighter lower bound (m) of the same: b times the central angle to the
// box on the auxiliary sphere (reduced latitudes, tan beta = (1 - f) tan phi,
// the same longitudes). On that sphere a geodesic of the ellipsoid runs
// along a great circle of arc sigma with ds = b sqrt(1 + k^2 sin^2) dsigma
// >= b dsigma, and its longitude there turns at least as far as on the
// ellipsoid (dlambda = sqrt(1 - e^2 cos^2 beta) domega, Karney 2013, eqs. 7-8),
// so sigma is at least the great-circle angle at the ellipsoid's longitude
// difference: s >= b sigma. It falls short of the distance by at most f
// (0.34%, along meridians near a pole), by none along the equator; the bound
// above by up to ~0.8%. Less 1e-9 and a millimetre for rounding.
double reduced_box_distance_lower_bound_m(LonLat c, const Box& lonlat_box);

// The geodesic distance (m) from c to the nearest point of the lon/lat
// segment a-b (straight in lon/lat, as the layers' edges are taken; longitudes
// not wrapped: a segment never crosses +-180). Karney's inverse at points at
// most kSegmentStepDeg apart along it, and a golden-section search on each
// stretch that may hold a nearer point than `best_m` (the stretches whose
// lower bound, from their ends' distances and their length, is below it).
// Returns min(best_m, that distance). Meant for points far from the segment
// (a few kilometres and more): within a stretch the distance is unimodal there.
double segment_distance_m(LonLat c, const Point& a, const Point& b, double best_m);
constexpr double kSegmentStepDeg = 0.01;

}  // namespace sitescreen::geodesic
