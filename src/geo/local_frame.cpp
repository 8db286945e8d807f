// Site-centred azimuthal equidistant frame: exact geodesic distance and azimuth from the centre.
#include "geo/local_frame.h"

#include <cmath>

#include "geo/geodesic.h"

namespace sitescreen {
namespace {
constexpr double kDeg = 3.14159265358979323846 / 180.0;
}

LocalFrame::LocalFrame(LonLat centre) : centre_(centre) {}

Point LocalFrame::forward(LonLat p) const {
    double s = 0, az = 0;
    geodesic::inverse(centre_, p, s, az);
    return Point(s * std::sin(az * kDeg), s * std::cos(az * kDeg));
}

LonLat LocalFrame::inverse(const Point& xy) const {
    const double s = std::hypot(xy.x(), xy.y());
    if (s == 0) return centre_;
    const double az = std::atan2(xy.x(), xy.y()) / kDeg;
    return geodesic::direct(centre_, az, s);
}

Ring LocalFrame::forward(const Ring& ll) const {
    Ring out;
    out.reserve(ll.size());
    for (const auto& p : ll) out.push_back(forward(p));
    return out;
}

Polygon LocalFrame::forward(const Polygon& ll) const {
    Polygon out;
    out.outer() = forward(ll.outer());
    for (const auto& h : ll.inners()) out.inners().push_back(forward(h));
    return out;
}

MultiPolygon LocalFrame::forward(const MultiPolygon& ll) const {
    MultiPolygon out;
    for (const auto& p : ll) out.push_back(forward(p));
    return out;
}

Polygon LocalFrame::inverse(const Polygon& xy) const {
    Polygon out;
    auto conv = [&](const Ring& r) {
        Ring o;
        o.reserve(r.size());
        for (const auto& p : r) {
            const LonLat q = inverse(p);
            o.push_back(Point(q.lon, q.lat));
        }
        return o;
    };
    out.outer() = conv(xy.outer());
    for (const auto& h : xy.inners()) out.inners().push_back(conv(h));
    return out;
}

MultiPolygon LocalFrame::inverse(const MultiPolygon& xy) const {
    MultiPolygon out;
    for (const auto& p : xy) out.push_back(inverse(p));
    return out;
}

}  // namespace sitescreen
