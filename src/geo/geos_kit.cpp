// Thread-local GEOS contexts and conversions to and from Boost polygons.
#include "geo/geos_kit.h"

#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace sitescreen::geos {
namespace {

void quiet(const char*, void*) {}

struct ThreadContext {
    GEOSContextHandle_t handle;
    ThreadContext() : handle(GEOS_init_r()) {
        GEOSContext_setNoticeMessageHandler_r(handle, quiet, nullptr);
        GEOSContext_setErrorMessageHandler_r(handle, quiet, nullptr);
    }
    ~ThreadContext() { GEOS_finish_r(handle); }
};

GEOSGeometry* ring_to_geos(GEOSContextHandle_t ctx, const Ring& r) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(r.size()), 2);
    for (std::size_t i = 0; i < r.size(); ++i)
        GEOSCoordSeq_setXY_r(ctx, seq, static_cast<unsigned>(i), r[i].x(), r[i].y());
    return GEOSGeom_createLinearRing_r(ctx, seq);
}

Ring ring_from_geos(GEOSContextHandle_t ctx, const GEOSGeometry* ring) {
    Ring r;
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    r.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
        r.push_back(Point(x, y));
    }
    return r;
}

}  // namespace

GEOSContextHandle_t context() {
    thread_local ThreadContext tc;
    return tc.handle;
}

void GeomDelete::operator()(GEOSGeometry* g) const noexcept {
    if (g) GEOSGeom_destroy_r(context(), g);
}

GeomPtr from_polygon(const Polygon& p) {
    auto ctx = context();
    if (p.outer().size() < 4) return GeomPtr(GEOSGeom_createEmptyPolygon_r(ctx));
    GEOSGeometry* shell = ring_to_geos(ctx, p.outer());
    std::vector<GEOSGeometry*> holes;
    for (const auto& h : p.inners())
        if (h.size() >= 4) holes.push_back(ring_to_geos(ctx, h));
    return GeomPtr(GEOSGeom_createPolygon_r(ctx, shell, holes.data(), static_cast<unsigned>(holes.size())));
}

GeomPtr from_multipolygon(const MultiPolygon& mp) {
    auto ctx = context();
    std::vector<GEOSGeometry*> polys;
    for (const auto& p : mp) polys.push_back(from_polygon(p).release());
    return GeomPtr(
        GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys.data(), static_cast<unsigned>(polys.size())));
}

void to_multipolygon(const GEOSGeometry* g, MultiPolygon& out) {
    if (!g) return;
    auto ctx = context();
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx, g)) return;
        Polygon p;
        p.outer() = ring_from_geos(ctx, GEOSGetExteriorRing_r(ctx, g));
        const int nh = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < nh; ++i) p.inners().push_back(ring_from_geos(ctx, GEOSGetInteriorRingN_r(ctx, g, i)));
        bg::correct(p);
        out.push_back(std::move(p));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; ++i) to_multipolygon(GEOSGetGeometryN_r(ctx, g, i), out);
    }
}

GeomPtr make_valid(GeomPtr g) {
    auto ctx = context();
    if (!g || GEOSisValid_r(ctx, g.get()) == 1) return g;
    if (GEOSGeometry* v = GEOSMakeValid_r(ctx, g.get())) return GeomPtr(v);
    if (GEOSGeometry* b = GEOSBuffer_r(ctx, g.get(), 0, 8)) return GeomPtr(b);
    return g;
}

GeomPtr union_all(std::vector<GeomPtr>&& parts) {
    auto ctx = context();
    std::vector<GEOSGeometry*> raw;
    raw.reserve(parts.size());
    for (auto& p : parts) raw.push_back(make_valid(std::move(p)).release());
    GeomPtr coll(
        GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, raw.data(), static_cast<unsigned>(raw.size())));
    if (GEOSGeometry* u = GEOSUnaryUnion_r(ctx, coll.get())) return GeomPtr(u);
    // Topology failure: repair the collection as a whole and try once more.
    if (GEOSGeometry* v = GEOSMakeValid_r(ctx, coll.get())) {
        GeomPtr valid(v);
        if (GEOSGeometry* u = GEOSUnaryUnion_r(ctx, valid.get())) return GeomPtr(u);
    }
    return GeomPtr(GEOSBuffer_r(ctx, coll.get(), 0, 8));
}

double area(const GEOSGeometry* g) {
    double a = 0;
    if (g) GEOSArea_r(context(), g, &a);
    return a;
}

Box envelope(const GEOSGeometry* g) {
    auto ctx = context();
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    GEOSGeom_getXMin_r(ctx, g, &x0);
    GEOSGeom_getYMin_r(ctx, g, &y0);
    GEOSGeom_getXMax_r(ctx, g, &x1);
    GEOSGeom_getYMax_r(ctx, g, &y1);
    return Box(Point(x0, y0), Point(x1, y1));
}

GeomPtr intersection(const GEOSGeometry* a, const GEOSGeometry* b) {
    return GeomPtr(GEOSIntersection_r(context(), a, b));
}

namespace {
std::atomic<std::uint64_t> g_clip_fallbacks{0};
}  // namespace

GeomPtr clip_by_rect(const GEOSGeometry* g, double x0, double y0, double x1, double y1) {
    if (!g) return nullptr;
    auto ctx = context();
    if (GEOSGeometry* c = GEOSClipByRect_r(ctx, g, x0, y0, x1, y1)) return GeomPtr(c);
    g_clip_fallbacks.fetch_add(1, std::memory_order_relaxed);
    const GeomPtr rect(GEOSGeom_createRectangle_r(ctx, x0, y0, x1, y1));
    if (GEOSGeometry* c = GEOSIntersection_r(ctx, g, rect.get())) return GeomPtr(c);
    const GeomPtr valid = make_valid(GeomPtr(GEOSGeom_clone_r(ctx, g)));
    return valid ? GeomPtr(GEOSIntersection_r(ctx, valid.get(), rect.get())) : nullptr;
}

std::uint64_t clip_by_rect_fallbacks() { return g_clip_fallbacks.load(); }

GeomPtr cut_to_box(const Polygon& p, const Box& box) {
    Box b;
    bg::envelope(p, b);
    if (!bg::intersects(b, box)) return nullptr;
    GeomPtr g = from_polygon(p);
    if (bg::within(b, box)) return g;
    GeomPtr cut =
        clip_by_rect(g.get(), box.min_corner().x(), box.min_corner().y(), box.max_corner().x(), box.max_corner().y());
    if (!cut || GEOSisEmpty_r(context(), cut.get())) return nullptr;
    return cut;
}

GeomPtr difference(const GEOSGeometry* a, const GEOSGeometry* b) {
    auto ctx = context();
    if (GEOSGeometry* d = GEOSDifference_r(ctx, a, b)) return GeomPtr(d);
    GeomPtr va = make_valid(GeomPtr(GEOSGeom_clone_r(ctx, a)));
    GeomPtr vb = make_valid(GeomPtr(GEOSGeom_clone_r(ctx, b)));
    if (!va || !vb) return nullptr;
    return GeomPtr(GEOSDifference_r(ctx, va.get(), vb.get()));
}

GeomPtr disc(const Point& centre, double r, int n, bool circumscribed) {
    const double pi = 3.14159265358979323846;
    const double rr = circumscribed ? r / std::cos(pi / n) : r;
    Polygon p;
    for (int k = 0; k <= n; ++k) {
        const double a = 2 * pi * (k % n) / n;
        p.outer().push_back(Point(centre.x() + rr * std::cos(a), centre.y() + rr * std::sin(a)));
    }
    bg::correct(p);
    return from_polygon(p);
}

GeomPtr grow(const GEOSGeometry* g, double d) {
    // GEOS puts quadsegs chords on a quarter circle, their vertices on the arc: the chords lie
    // inside it by up to d (1 - cos(pi / (4 quadsegs))). Buffering by d / cos(...) puts the
    // chords outside the arc of radius d.
    constexpr int kQuadSegs = 16;
    const double pi = 3.14159265358979323846;
    return GeomPtr(GEOSBuffer_r(context(), g, d / std::cos(pi / (4 * kQuadSegs)), kQuadSegs));
}

std::optional<Point> nearest_point(const GEOSGeometry* g, const Point& p) {
    auto ctx = context();
    if (!g || GEOSisEmpty_r(ctx, g)) return std::nullopt;
    GeomPtr q(GEOSGeom_createPointFromXY_r(ctx, p.x(), p.y()));
    GEOSCoordSequence* cs = GEOSNearestPoints_r(ctx, g, q.get());
    if (!cs) return std::nullopt;
    double x = 0, y = 0;
    GEOSCoordSeq_getXY_r(ctx, cs, 0, &x, &y);
    GEOSCoordSeq_destroy_r(ctx, cs);
    return Point(x, y);
}

}  // namespace sitescreen::geos
