// Conversions between OGR geometries and Boost.Geometry polygons.
#include "io/ogr_geometry.h"

#include <cpl_conv.h>
#include <geos_c.h>
#include <ogr_geometry.h>

#include <vector>

namespace sitescreen {
namespace {

Ring read_ring(OGRGeometryH ring) {
    Ring r;
    const int n = OGR_G_GetPointCount(ring);
    r.reserve(n + 1);
    for (int i = 0; i < n; ++i) r.push_back(Point(OGR_G_GetX(ring, i), OGR_G_GetY(ring, i)));
    if (!r.empty() && (r.front().x() != r.back().x() || r.front().y() != r.back().y())) r.push_back(r.front());
    return r;
}

int append_polygon(OGRGeometryH poly, MultiPolygon& out) {
    const int nrings = OGR_G_GetGeometryCount(poly);
    if (nrings == 0) return 0;
    Polygon p;
    p.outer() = read_ring(OGR_G_GetGeometryRef(poly, 0));
    if (p.outer().size() < 4) return 0;
    for (int i = 1; i < nrings; ++i) {
        Ring h = read_ring(OGR_G_GetGeometryRef(poly, i));
        if (h.size() >= 4) p.inners().push_back(std::move(h));
    }
    bg::correct(p);
    out.push_back(std::move(p));
    return 1;
}

}  // namespace

int append_polygons(OGRGeometryH g, MultiPolygon& out) {
    if (!g) return 0;
    const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbPolygon) return append_polygon(g, out);
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        int added = 0;
        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) added += append_polygons(OGR_G_GetGeometryRef(g, i), out);
        return added;
    }
    if (t == wkbCurvePolygon || t == wkbMultiSurface || t == wkbPolyhedralSurface || t == wkbTIN) {
        OGRGeometryH lin = OGR_G_ForceToMultiPolygon(OGR_G_Clone(g));
        const int added = append_polygons(lin, out);
        OGR_G_DestroyGeometry(lin);
        return added;
    }
    return 0;
}

namespace {

// Rings GEOS refuses to build at all (so it gives no reason): unclosed or too short.
std::string ring_problem(OGRGeometryH g) {
    const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < OGR_G_GetGeometryCount(g); ++i) {
            const std::string p = ring_problem(OGR_G_GetGeometryRef(g, i));
            if (!p.empty()) return "part " + std::to_string(i + 1) + ": " + p;
        }
        return "";
    }
    if (t != wkbPolygon) return "";
    for (int r = 0; r < OGR_G_GetGeometryCount(g); ++r) {
        OGRGeometryH ring = OGR_G_GetGeometryRef(g, r);
        const int n = OGR_G_GetPointCount(ring);
        const std::string which = r == 0 ? "outer ring" : "inner ring " + std::to_string(r);
        if (n > 0 && (OGR_G_GetX(ring, 0) != OGR_G_GetX(ring, n - 1) || OGR_G_GetY(ring, 0) != OGR_G_GetY(ring, n - 1)))
            return which + " is not closed (its last point differs from its first)";
        if (n < 4) return which + " has " + std::to_string(n) + " points (a closed ring needs at least 4)";
    }
    return "";
}

}  // namespace

std::string invalidity_reason(OGRGeometryH g) {
    if (!g) return "no geometry";
    if (std::string p = ring_problem(g); !p.empty()) return p;
    if (OGR_G_IsValid(g)) return "";
    // GEOS's reason (e.g. "Self-intersection[116.3 39.9]") through the C++ API.
    auto* geom = OGRGeometry::FromHandle(g);
    GEOSContextHandle_t ctx = OGRGeometry::createGEOSContext();
    std::string reason = "invalid geometry";
    if (GEOSGeom gg = geom->exportToGEOS(ctx)) {
        if (char* r = GEOSisValidReason_r(ctx, gg)) {
            reason = r;
            GEOSFree_r(ctx, r);
        }
        GEOSGeom_destroy_r(ctx, gg);
    }
    OGRGeometry::freeGEOSContext(ctx);
    return reason;
}

bool make_valid(OGRGeometryH& g) {
    OGRGeometryH fixed = OGR_G_MakeValid(g);
    if (!fixed) return false;
    OGR_G_DestroyGeometry(g);
    g = fixed;
    return true;
}

OGRGeometryH to_ogr(const MultiPolygon& mp) {
    OGRGeometryH m = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (const auto& p : mp) {
        OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
        auto add_ring = [&](const Ring& r) {
            OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
            // All points at once: adding them one by one grows the ring's array point by point.
            if (!r.empty()) {
                thread_local std::vector<double> xs, ys;
                xs.resize(r.size());
                ys.resize(r.size());
                for (std::size_t i = 0; i < r.size(); ++i) xs[i] = r[i].x(), ys[i] = r[i].y();
                OGR_G_SetPoints(ring, static_cast<int>(r.size()), xs.data(), sizeof(double), ys.data(), sizeof(double),
                                nullptr, 0);
            }
            OGR_G_AddGeometryDirectly(poly, ring);
        };
        add_ring(p.outer());
        for (const auto& h : p.inners()) add_ring(h);
        OGR_G_AddGeometryDirectly(m, poly);
    }
    return m;
}

OGRGeometryH to_ogr(const Point& p) {
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, p.x(), p.y());
    return g;
}

}  // namespace sitescreen
