// A site's geometry prepared once for screening: centre, footprint and buffers.
#pragma once
#include <memory>
#include <mutex>
#include <vector>

#include "geo/local_frame.h"
#include "core/types.h"

namespace sitescreen {

struct SiteGeometry {
    LonLat centre;  // the site point, or a point inside the footprint
    bool is_point = true;
    MultiPolygon footprint_ll;    // polygon sites only (lon/lat, valid)
    std::vector<double> radii_m;  // buffer distances, ascending, > 0
    MultiPolygon footprint_xy;
    std::vector<double> buffer_area_m2;  // ellipsoidal area of each buffer
    int circle_segments = 256;           // vertices of a point site's circles

    // Buffers in lon/lat, one per radius: for point sites a geodesic circle
    // sampled finely enough for exact-coverage work (around a pole, the cap
    // polar_cap_ll makes of it); for polygon sites the footprint grown by r
    // from its boundary (geodesic, via the local frame).
    const std::vector<MultiPolygon>& buffers_ll() const;
    // The same buffers in the site's local frame (metres); for point sites the
    // exact circles are implied, these are the polygons used for drawing.
    const std::vector<MultiPolygon>& buffers_xy() const;

private:
    // A point site's polygons are built on first use: the vector overlay
    // needs only the centre and the radii, and 256 geodesic vertices per
    // circle were a quarter of a vector run's time per site at 1 km. The
    // lon/lat and local circles each when first asked for (rasters use only
    // the first, maps mostly the second). Copies share them (they follow
    // from the fields above).
    struct Buffers {
        std::once_flag built_ll, built_xy;
        std::vector<MultiPolygon> ll, xy;
    };
    std::shared_ptr<Buffers> buffers_ = std::make_shared<Buffers>();
    friend SiteGeometry make_site_geometry(LonLat, const MultiPolygon*, const std::vector<double>&, int);
};

// Builds the buffers of a site. Throws SiteError for an unusable geometry.
// `circle_segments` is the number of vertices of a point site's circle.
SiteGeometry make_site_geometry(LonLat centre, const MultiPolygon* footprint_ll, const std::vector<double>& radii_m,
                                int circle_segments = 256);

// A geodesic circle around `centre` as a closed CCW lon/lat ring with n vertices,
// its radius inflated so that the polygon's area equals the disc's area
// (so area-weighted statistics over the polygon are those of the disc).
// With `inflated` false, the vertices lie on the circle itself.
Ring geodesic_circle_ll(LonLat centre, double radius_m, int n, bool inflated = true);

// A closed lon/lat ring around a pole (its longitudes turn once) as the
// polygon it bounds in lon/lat: longitudes unwrapped along the ring (so
// they run over a whole turn, past +-180), closed along the pole's line
// (latitude +-90); counter-clockwise. Any other ring is returned as it is.
Ring polar_cap_ll(const Ring& ring);

}  // namespace sitescreen
