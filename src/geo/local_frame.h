// A site-centred azimuthal equidistant frame on the WGS 84 ellipsoid.
// Distances and azimuths from the centre are exact geodesic values, so a
// geodesic buffer of radius r around the centre is the circle x^2 + y^2 = r^2.
// Areas away from the centre are overstated by at most about s^2/(6 R^2)
// (2e-5 at s = 50 km); see docs/method.md.
#pragma once
#include "geo/types.h"

namespace sitescreen {

class LocalFrame {
public:
    explicit LocalFrame(LonLat centre);
    LonLat centre() const { return centre_; }

    // lon/lat degrees -> metres east (x) and north (y) of the centre.
    Point forward(LonLat p) const;
    Point forward(const Point& lonlat) const { return forward(LonLat{lonlat.x(), lonlat.y()}); }
    // metres -> lon/lat degrees.
    LonLat inverse(const Point& xy) const;

    Ring forward(const Ring& lonlat) const;
    Polygon forward(const Polygon& lonlat) const;
    MultiPolygon forward(const MultiPolygon& lonlat) const;
    Polygon inverse(const Polygon& xy) const;
    MultiPolygon inverse(const MultiPolygon& xy) const;

private:
    LonLat centre_;
};

}  // namespace sitescreen
