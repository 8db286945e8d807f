// A site-centred azimuthal equidistant frame on the WGS 84 ellipsoid.
// Distances and azimuths from the centre are exact geodesic values, so a
// geodesic buffer of radius r around the centre is the circle x^2 + y^2 = r^2.
// Areas away from the centre are overstated by at most about s^2/(6 R^2)
// (2e-5 at s = 50 km); see docs/method.md.
//
// forward() is on every vertex a site's buffers meet, so within 200 km it
// skips Karney's series: the chord to the point in the centre's east-north-up
// frame gives the normal-section azimuth, and the arc of the osculating
// circle of that section gives the distance, and the azimuth is turned from
// the normal section's to the geodesic's (a third of the way to the
// reciprocal section). Against Karney this is within
// 0.01 mm up to 50 km and 3 mm at 200 km (tests/test_geodesic.cpp); farther
// points take Karney's inverse.
#pragma once
#include <cstddef>

#include "core/types.h"

namespace sitescreen {

class LocalFrame {
public:
    explicit LocalFrame(LonLat centre);
    LonLat centre() const { return centre_; }

    // lon/lat degrees -> metres east (x) and north (y) of the centre.
    Point forward(LonLat p) const;
    Point forward(const Point& lonlat) const { return forward(LonLat{lonlat.x(), lonlat.y()}); }
    // forward() of n points, to the last bit the same, two at a time where the fast path serves
    // both (the densified points of an edge: most of a wide buffer's projecting).
    void forward(const LonLat* lonlat, std::size_t n, Point* xy) const;
    void forward(const Point* lonlat, std::size_t n, Point* xy) const;
    // metres -> lon/lat degrees; forward(inverse(xy)) == xy to 1e-9 degrees.
    LonLat inverse(const Point& xy) const;
    // The point at distance s = |xy| and azimuth atan2(x, y) from the centre
    // (the geodesic direct problem): forward()'s fast path run backwards
    // (normal-section circle, azimuth turn, ECEF to geodetic by Bowring's
    // formula) within kFastChordM, Karney's direct problem beyond. Within
    // 0.1 mm of Karney up to 50 km (tests/test_geodesic.cpp).
    LonLat direct(const Point& xy) const;

    Ring forward(const Ring& lonlat) const;
    Polygon forward(const Polygon& lonlat) const;
    MultiPolygon forward(const MultiPolygon& lonlat) const;
    // The part of a lon/lat polygon that can show in `keep`, a lon/lat box
    // around the centre (west <= east within [-180, 180], no pole): where
    // consecutive vertices lie beyond one side of `keep`, only enough of them
    // are kept for edges short enough to bend by less than 1 % of the box's
    // size when projected (local_frame.cpp). What the dropped vertices bounded
    // is replaced by those edges beyond that side, so the polygon is
    // unchanged over `keep` and, once projected, over any area that keeps a
    // tenth of the box's size inside it. The result may cross itself beyond
    // `keep`. A site map's features reach far beyond its view: this keeps a
    // few percent of their vertices. Returns the polygon whole when it or `keep` reaches within 10
    // degrees of a pole or farther than 90 degrees of longitude from the
    // centre (no seam then), and an empty polygon when nothing of it can
    // reach `keep`.
    Polygon near_part(const Polygon& lonlat, const Box& keep) const;
    // forward() of a polygon drawn over `keep` (as near_part): its vertices
    // beyond `keep` by the fast path at any distance, continuous and tens of
    // metres off at 1,000 km, not Karney's series.
    Polygon forward_near(const Polygon& lonlat, const Box& keep) const;
    Polygon inverse(const Polygon& xy) const;
    MultiPolygon inverse(const MultiPolygon& xy) const;

    // Points closer than this (chord) take the fast path of forward().
    static constexpr double kFastChordM = 200000.0;

private:
    // forward()'s fast path, when the chord to p is shorter than max_chord (at most about 6,000 km,
    // where asin is still well conditioned); false otherwise.
    bool fast_forward(LonLat p, double max_chord, Point& xy) const;
    template <class P>
    void forward_many(const P* lonlat, std::size_t n, Point* xy) const;
    static constexpr double kMaxRoughChordM = 6000000.0;
    // near_part()'s and forward_near()'s conditions for thinning and rough projection.
    bool tame(const Polygon& lonlat, const Box& keep) const;

    LonLat centre_;
    // For the fast path: the centre's ECEF position in a frame turned to its
    // meridian, its latitude's sine and cosine, and its radii of curvature.
    double sin0_ = 0, cos0_ = 1, x0_ = 0, z0_ = 0, m0_ = 0, n0_ = 0;
};

}  // namespace sitescreen
