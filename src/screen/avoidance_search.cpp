// The avoidance search: the nearest locations that clear a site's findings (docs/leap.md,
// "Avoidance search").
#include "screen/assess_kit.h"

#include "screen/e4_factors.h"
#include "screen/ecosystems.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "geo/local_frame.h"
#include "io/checksum.h"
#include "io/interrupt.h"
#include "layers/registry.h"
#include "screen/rules/rule.h"
#include "screen/tnfd_metrics.h"

namespace sitescreen {
namespace assess_kit {
namespace {

constexpr double kPi = 3.14159265358979323846;

// The search for the nearest locations that clear the site's findings (docs/leap.md, "Avoidance
// search"). It works in the site's azimuthal equidistant frame, where the distance from the site
// is the geodesic distance. The region still open (the search disc, inside the site's country,
// less every area known to fail) shrinks as evaluations learn what fails: a position that fails
// because it is inside a feature (or within a proximity band of it) closes the whole feature
// (grown by the moved footprint's reach and the band). The next candidate is always the open
// region's point nearest the site, half the resolution inside it.
class AvoidanceSearch {
public:
    AvoidanceSearch(const SiteResult& r, const Profile& p, const SiteFigures& f, const Analysis& a,
                    const LayerSet& layers, Screener& screener)
        : r_(r), p_(p), f_(f), a_(a), layers_(layers), screener_(screener), frame_(r.site.lonlat) {}

    SearchResult run() {
        const Level site_level = a_.level;
        // Acceptable: strictly below `cap`. A no-go site aims below no-go (or below high when the
        // profile asks for a lower verdict, falling back to below no-go); a high site aims below high.
        cap_ = (site_level == Level::NoGo && !p_.avoidance.lower_verdict) ? Level::NoGo : Level::High;
        const Level fallback_cap = site_level == Level::NoGo ? Level::NoGo : cap_;

        // Only the layers that can produce a level at or above the aim are measured.
        for (const auto& s : layers_.catalog().layers)
            if (layer_potential(s, p_, a_) >= cap_) ids_.insert(s.id);
        for (const auto& s : layers_.catalog().layers)
            if (ids_.count(s.id) && measures<RasterMeasurement>(s)) radii_ = {p_.land_cover.radius_m};
        id_list_.assign(ids_.begin(), ids_.end());
        radius_ = p_.avoidance.search_radius_m;
        step_ = p_.avoidance.step_m;
        res_ = std::max(1.0, step_ / 16.0);
        prepare_shape();
        separation_ = std::max(2 * reach_, 4 * step_);
        prepare_region();

        Level used_cap = cap_;
        std::vector<Best> best = search(cap_);
        if (best.empty() && fallback_cap != cap_ && !stopped_at_budget_) {
            used_cap = fallback_cap;
            best = search(fallback_cap);
        }
        // Ranked by the verdict there, then by distance (the search finds them nearest first).
        std::stable_sort(best.begin(), best.end(), [](const Best& x, const Best& y) { return x.level < y.level; });
        return report(best, used_cap, cap_);
    }

private:
    struct Best {
        double distance_m;
        LonLat at;
        Level level;
        SiteResult screened;  // the full screening at `at`
    };
    // An area known to fail: within `within_m` of a feature (0: inside it).
    struct Block {
        std::string layer;
        std::uint32_t feature;
        double within_m;
        bool operator<(const Block& o) const {
            return std::tie(layer, feature, within_m) < std::tie(o.layer, o.feature, o.within_m);
        }
    };
    struct Eval {
        Level level = Level::Low;
        std::vector<Block> blocks;  // areas that fail whatever else is there
        bool blind = false;         // fails for a reason tied to no such area
    };

    static constexpr std::size_t kMaxEvaluations = 400;  // per search; beyond: `stopped: budget`
    static constexpr std::size_t kMaxRejections = 12;
    static constexpr int kDiscVertices = 256;

    // What is moved and checked: the site's footprint, or a disc of its declared footprint area,
    // grown by the profile's setback (a point when it has neither); `reach_` is how far it
    // extends from the centre.
    void prepare_shape() {
        auto ctx = geos::context();
        geos::GeomPtr shape;
        if (!r_.site.footprint_ll.empty()) {
            shape_ = AlternativeSearch::Shape::Footprint;
            shape = geos::from_multipolygon(frame_.forward(r_.site.footprint_ll));
        } else if (f_.footprint_ha && *f_.footprint_ha > 0) {
            shape_ = AlternativeSearch::Shape::DeclaredArea;
            footprint_radius_m_ = std::sqrt(*f_.footprint_ha * 10000.0 / kPi);
            shape = geos::disc(Point(0, 0), footprint_radius_m_, 64, true);
        }
        const double setback = p_.avoidance.setback_m;
        if (setback > 0) shape = shape ? geos::grow(shape.get(), setback) : geos::disc(Point(0, 0), setback, 64, true);
        search_site_ = r_.site;
        if (!shape) return;
        MultiPolygon xy;
        geos::to_multipolygon(shape.get(), xy);
        bg::model::multi_point<Point> vertices;
        for (const auto& poly : xy)
            for (const auto& q : poly.outer()) {
                reach_ = std::max(reach_, std::hypot(q.x(), q.y()));
                vertices.push_back(Point(-q.x(), -q.y()));
            }
        // A footprint's failing areas are the features' Minkowski sums with its reflected convex
        // hull (a disc's are the features grown by its radius).
        if (shape_ == AlternativeSearch::Shape::Footprint) {
            Polygon hull;
            bg::convex_hull(vertices, hull);
            for (std::size_t i = 0; i + 1 < hull.outer().size(); ++i) reflected_hull_.push_back(hull.outer()[i]);
        }
        search_site_.footprint_ll = frame_.inverse(xy);
        (void)ctx;
    }

    // The search disc, inside every feature of the profile's `stay_within` layers that the site
    // itself is inside (its country, a province).
    void prepare_region() {
        region_ = geos::disc(Point(0, 0), radius_, kDiscVertices, false);
        for (const auto& id : p_.avoidance.stay_within)
            for (const auto& o : r_.layers) {
                if (!o.spec || o.spec->id != id || !o.vector() || o.vector()->inside_features.empty()) continue;
                const VectorLayer* vl = layers_.vector_layer(id);
                if (!vl) continue;
                std::vector<geos::GeomPtr> parts;
                for (auto f : o.vector()->inside_features) {
                    const MultiPolygon near = vl->feature_region(f, frame_, 1.01 * radius_ + 1000);
                    if (!near.empty()) parts.push_back(geos::from_multipolygon(near));
                }
                if (parts.empty()) continue;
                const geos::GeomPtr unit =
                    parts.size() == 1 ? std::move(parts.front()) : geos::union_all(std::move(parts));
                if (geos::GeomPtr in = geos::intersection(region_.get(), unit.get())) region_ = std::move(in);
            }
    }

    // The nearest positions whose level is below `cap`, confirmed by the full screening, at
    // least `separation_` apart, nearest first (fewer when the region runs out or the budget does).
    std::vector<Best> search(Level cap) {
        auto ctx = geos::context();
        stopped_at_budget_ = false;
        uncertified_ = false;
        blocked_.clear();
        pending_.clear();
        set_open(geos::GeomPtr(GEOSGeom_clone_r(ctx, region_.get())));
        std::vector<Best> found;
        std::size_t rejected = 0;
        // What the site's own screening found closes its areas first.
        close(judge(a_, cap), Point(0, 0), cap);
        while (static_cast<int>(found.size()) < p_.avoidance.alternatives) {
            if (interrupt_flag().load()) throw Interrupted();
            if (evaluated_ >= kMaxEvaluations || !open_) {
                stopped_at_budget_ = true;
                break;
            }
            const std::optional<Point> c = nearest_inside();
            if (!c) break;  // nothing left open: covered
            const LonLat raw = frame_.inverse(*c);
            const Eval e = evaluate(raw, cap);
            if (e.level >= cap) {
                close(e, *c, cap);
                continue;
            }
            // Confirmed by the same screening as any site (every layer, the site's buffers) at
            // the position as reported (rounded to 1e-6 degree).
            const LonLat at{std::round(raw.lon * 1e6) / 1e6, std::round(raw.lat * 1e6) / 1e6};
            ++verified_;
            SiteResult m = screen_full(at);
            const Analysis there = analyse(m, p_, f_);
            const bool in_units = stays_within(m);
            if (!m.site.error && there.level < cap && in_units) {
                double dist = 0, az = 0;
                geodesic::inverse(r_.site.lonlat, at, dist, az);
                found.push_back(Best{dist, at, there.level, std::move(m)});
                close_disc(*c, separation_);  // the next alternative lies elsewhere
                continue;
            }
            if (!in_units)
                ++left_units_;
            else
                ++failed_full_;
            if (++rejected >= kMaxRejections) {
                stopped_at_budget_ = true;
                break;
            }
            if (m.site.error)
                close(Eval{Level::NoGo, {}, true}, *c, cap);
            else if (there.level >= cap)
                close(judge(there, cap), *c, cap);
            else
                close_disc(*c, res_);  // outside the units, which the region should have excluded
        }
        return found;
    }

    // The open region's point nearest the site, at least half the resolution inside it (nullopt
    // when none is). Eroding the whole region each time was the costliest step of a search (its
    // holes, the closed features, make GEOS's buffer slow): the region is eroded within a square
    // around the site, widened until the nearest point found lies well inside the square, where
    // the square's edges cannot have changed the erosion nor hidden a nearer point. Within the
    // square the areas closed since the last fold are subtracted first. A square that holds the
    // whole region is the region less every pending area: it becomes the region (a fold by
    // differences, one area at a time, which stops costing once nothing is left open: where the
    // first closed feature covers the whole search disc, as inside a large reserve, the union of
    // the pending areas that fold() takes was a search's costliest step).
    std::optional<Point> nearest_inside() {
        auto ctx = geos::context();
        // The whole region's nearest point, closed areas pending or not: no open point is nearer.
        // It changes only with open_, at a fold.
        if (!edge_known_) {
            edge_ = geos::nearest_point(open_.get(), Point(0, 0));
            edge_known_ = true;
        }
        if (!edge_) return std::nullopt;
        double half = std::hypot(edge_->x(), edge_->y()) + 2 * res_ + step_;
        // A square the last candidate needed is needed again: the region only shrinks.
        if (win_) half = std::max(half, win_half_);
        for (;;) {
            const bool whole = half >= open_half_;
            if (!window(whole ? open_half_ : half)) break;
            if (whole) {
                geos::GeomPtr rest = std::move(win_);
                pending_.clear();
                set_open(std::move(rest));
                const geos::GeomPtr inner(GEOSBuffer_r(ctx, open_.get(), -0.5 * res_, 4));
                return geos::nearest_point(inner.get(), Point(0, 0));
            }
            const geos::GeomPtr inner(GEOSBuffer_r(ctx, win_.get(), -0.5 * res_, 4));
            const std::optional<Point> c = geos::nearest_point(inner.get(), Point(0, 0));
            if (c && std::hypot(c->x(), c->y()) <= half - res_) return c;
            half *= 2;
        }
        // GEOS could not subtract an area from the window: the union of the pending areas from the
        // whole region.
        fold();
        if (!open_) return std::nullopt;
        const geos::GeomPtr inner(GEOSBuffer_r(ctx, open_.get(), -0.5 * res_, 4));
        return geos::nearest_point(inner.get(), Point(0, 0));
    }

    // The open region within the square of half-side `half`, less the pending areas: kept from
    // one candidate to the next while the square stays the same (it does until a fold moves
    // the region's nearest point), each new pending area subtracted once. Each area is first cut
    // to the box of what is still open in the window, a little wider (a large feature's vertices
    // beyond it would only slow the overlay; the margin keeps the cut's edges off the window's),
    // and the areas are subtracted fewest vertices first: inside a large reserve, subtracting the
    // spiky reserve first left thousands of vertices for the next overlay, where a plain area
    // that covers the window leaves nothing. An area that covers the whole box leaves nothing.
    const GEOSGeometry* window(double half) {
        auto ctx = geos::context();
        if (!win_ || win_half_ != half) {
            win_ = geos::clip_by_rect(open_.get(), -half, -half, half, half);
            win_half_ = half;
            win_pending_ = 0;
        }
        struct Area {
            const GEOSGeometry* g;  // the pending area, or its cut
            geos::GeomPtr cut;
            Box box;  // holds g
            int vertices;
        };
        std::vector<Area> areas;
        for (; win_pending_ < pending_.size() && win_; ++win_pending_) {
            const Pending& p = pending_[win_pending_];
            const Box& b = p.box;
            if (b.max_corner().x() < -half || b.min_corner().x() > half || b.max_corner().y() < -half ||
                b.min_corner().y() > half)
                continue;
            Area a{p.area.get(), nullptr, p.box, 0};
            if (!cut_to_open(a.g, a.box, a.cut)) {
                win_.reset();  // GEOS failed: the caller folds
                break;
            }
            a.vertices = GEOSGetNumCoordinates_r(ctx, a.g);
            areas.push_back(std::move(a));
        }
        std::stable_sort(areas.begin(), areas.end(),
                         [](const Area& x, const Area& y) { return x.vertices < y.vertices; });  // fewest first
        for (Area& a : areas) {
            if (!win_ || GEOSisEmpty_r(ctx, win_.get())) break;
            win_ = cut_to_open(a.g, a.box, a.cut) ? geos::difference(win_.get(), a.g) : nullptr;
        }
        return win_.get();
    }

    // Narrows `area` (within `box`) to what matters to win_ (not empty): left as it is when `box`
    // lies within win_'s box widened by a margin, else cut to that box (the cut kept in `cut`,
    // `box` its envelope). An area that covers that whole box leaves nothing open: win_ is then
    // made empty. False when GEOS fails.
    bool cut_to_open(const GEOSGeometry*& area, Box& box, geos::GeomPtr& cut) {
        auto ctx = geos::context();
        if (GEOSisEmpty_r(ctx, win_.get())) return true;  // nothing to subtract from
        Box w = geos::envelope(win_.get());
        const double m = std::max(4 * res_, 0.01 * std::max(w.max_corner().x() - w.min_corner().x(),
                                                            w.max_corner().y() - w.min_corner().y()));
        w = Box(Point(w.min_corner().x() - m, w.min_corner().y() - m),
                Point(w.max_corner().x() + m, w.max_corner().y() + m));
        if (bg::covered_by(box, w)) return true;
        cut = geos::clip_by_rect(area, w.min_corner().x(), w.min_corner().y(), w.max_corner().x(), w.max_corner().y());
        if (!cut) return false;
        area = cut.get();
        if (!GEOSisEmpty_r(ctx, area)) box = geos::envelope(area);
        if (is_box(area, w)) win_.reset(GEOSGeom_createEmptyPolygon_r(ctx));
        return true;
    }

    // Whether g is the box b, whole: a polygon of four vertices, one at each corner.
    static bool is_box(const GEOSGeometry* g, const Box& b) {
        const double x0 = b.min_corner().x(), y0 = b.min_corner().y(), x1 = b.max_corner().x(), y1 = b.max_corner().y();
        auto ctx = geos::context();
        if (GEOSGeomTypeId_r(ctx, g) != GEOS_POLYGON || GEOSGetNumInteriorRings_r(ctx, g) != 0) return false;
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, GEOSGetExteriorRing_r(ctx, g));
        unsigned n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n) || n != 5) return false;
        int corners = 0;
        for (unsigned i = 0; i < 4; ++i) {
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
            if ((x != x0 && x != x1) || (y != y0 && y != y1)) return false;
            corners |= 1 << ((x == x1) * 2 + (y == y1));
        }
        return corners == 15;
    }

    // open_ replaced (its nearest point and the window are then unknown, and so is the square
    // that holds it).
    void set_open(geos::GeomPtr g) {
        open_ = std::move(g);
        edge_known_ = false;
        win_.reset();
        win_pending_ = 0;
        open_half_ = 0;
        if (!open_ || GEOSisEmpty_r(geos::context(), open_.get())) return;
        const Box b = geos::envelope(open_.get());
        open_half_ =
            std::max({-b.min_corner().x(), -b.min_corner().y(), b.max_corner().x(), b.max_corner().y()}) + res_;
    }

    // What a position's analysis says about the areas around it.
    Eval judge(const Analysis& there, Level cap) const {
        Eval e;
        e.level = there.level;
        if (there.level < cap) return e;
        for (const auto& x : there.fired) {
            if (x.level < cap) continue;
            const bool vector = !x.layer.empty() && layers_.vector_layer(x.layer);
            if (vector && x.inside_index)
                e.blocks.push_back({x.layer, *x.inside_index, 0.0});
            else if (vector && x.near_index && x.near_within_m > 0)
                e.blocks.push_back({x.layer, *x.near_index, x.near_within_m});
            else
                e.blind = true;
        }
        if (e.blocks.empty()) e.blind = true;
        return e;
    }

    // The level at a position, and what fails there (the search shape moved there, the layers
    // that can reach the aim, no buffers but the land-cover radius).
    Eval evaluate(LonLat c, Level cap) {
        ++evaluated_;
        SiteResult m = screener_.screen_moved(search_site_, c, radii_, id_list_);
        if (m.site.error) return Eval{Level::NoGo, {}, true};  // cannot be screened there: never an answer
        return judge(analyse(m, p_, f_, &ids_, /*light=*/true), cap);
    }

    // Closes what an evaluation at `c` found failing: each new area; when none is new, a disc
    // around c (half a step when the failure is tied to no area, and the answer is then not
    // certified; the resolution when the areas known already should have excluded c).
    void close(const Eval& e, const Point& c, Level cap) {
        if (e.level < cap) return;
        std::size_t added = 0;
        for (const auto& b : e.blocks) {
            if (!blocked_.insert(b).second) continue;
            ++added;
            if (geos::GeomPtr area = feature_area(b)) close_area(area.get());
        }
        if (added) return;
        if (e.blind) {
            uncertified_ = true;
            close_disc(c, 0.5 * step_);
        } else {
            close_disc(c, res_);
        }
    }

    void close_disc(const Point& c, double r) { close_area(geos::disc(c, r, 32, true).get()); }

    // Subtracting each closed area from the whole open region was most of a search's time (the
    // region carries the boundary of every area closed before): the areas are kept pending and
    // subtracted together every kFoldEvery, meanwhile only from the square nearest_inside looks at.
    void close_area(const GEOSGeometry* area) {
        if (!open_ || !area || GEOSisEmpty_r(geos::context(), area)) return;
        Pending p;
        p.area.reset(GEOSGeom_clone_r(geos::context(), area));
        p.box = geos::envelope(area);
        pending_.push_back(std::move(p));
        if (pending_.size() >= kFoldEvery) fold();
    }

    // The pending areas subtracted from the open region (null when GEOS cannot: the search then
    // stops rather than guess).
    void fold() {
        if (pending_.empty() || !open_) return;
        std::vector<geos::GeomPtr> areas;
        for (Pending& p : pending_) areas.push_back(std::move(p.area));
        pending_.clear();
        const geos::GeomPtr all = areas.size() == 1 ? std::move(areas.front()) : geos::union_all(std::move(areas));
        geos::GeomPtr rest = all ? geos::difference(open_.get(), all.get()) : nullptr;
        if (!rest) stopped_at_budget_ = true;
        set_open(std::move(rest));
    }

    // Within `within_m` + the shape's reach of the feature, in the frame, as far as the search
    // disc reaches.
    geos::GeomPtr feature_area(const Block& b) const {
        const VectorLayer* vl = layers_.vector_layer(b.layer);
        if (!vl) return nullptr;
        const double grow = reach_ + b.within_m;
        // Pieces wholly beyond the search disc grown by `grow` (the box's corners) change nothing
        // inside the disc, where the open region lies: left out of the union.
        const MultiPolygon near =
            vl->feature_region(b.feature, frame_, 1.01 * (radius_ + grow) + 1000, radius_ + grow + 1.0);
        if (near.empty()) return nullptr;
        geos::GeomPtr area = geos::from_multipolygon(near);
        if (!area) return nullptr;
        if (reflected_hull_.empty()) return grow > 0 ? geos::grow(area.get(), grow) : std::move(area);
        if (b.within_m > 0) area = geos::grow(area.get(), b.within_m);
        MultiPolygon feature;
        geos::to_multipolygon(area.get(), feature);
        return minkowski_sum(feature, reflected_hull_);
    }

    // P + K for a convex K (its vertices): P moved by one vector of K, and each edge of P swept
    // over K (the convex hull of the edge's ends moved by K's vertices).
    static geos::GeomPtr minkowski_sum(const MultiPolygon& p, const std::vector<Point>& k) {
        std::vector<geos::GeomPtr> parts;
        auto moved = [](const Point& q, const Point& v) { return Point(q.x() + v.x(), q.y() + v.y()); };
        auto sweep = [&](const sitescreen::Ring& ring) {
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                bg::model::multi_point<Point> ends;
                for (const auto& v : k) {
                    ends.push_back(moved(ring[i], v));
                    ends.push_back(moved(ring[i + 1], v));
                }
                Polygon hull;
                bg::convex_hull(ends, hull);
                parts.push_back(geos::from_polygon(hull));
            }
        };
        for (const auto& poly : p) {
            Polygon shifted;
            for (const auto& q : poly.outer()) shifted.outer().push_back(moved(q, k.front()));
            for (const auto& h : poly.inners()) {
                shifted.inners().emplace_back();
                for (const auto& q : h) shifted.inners().back().push_back(moved(q, k.front()));
            }
            parts.push_back(geos::from_polygon(shifted));
            sweep(poly.outer());
            for (const auto& h : poly.inners()) sweep(h);
        }
        return geos::union_all(std::move(parts));
    }

    // The site at `at` (its footprint moved rigidly), screened as any site is (every layer, no
    // limit to the nearest feature, the features scanned as far as the site's widest buffer) but
    // with the one buffer its assessment reads: the site's radius nearest the land-cover rule's,
    // whose natural share is rated. The other buffers' overlap shares and class mixes are
    // reported for a site but rate nothing (docs/leap.md, "Avoidance search"), and an alternative
    // reports only its verdict and findings; measuring them took most of a search's time.
    SiteResult screen_full(LonLat at) {
        Site moved = r_.site;
        moved.lonlat = at;
        if (!r_.site.footprint_ll.empty()) {
            const LocalFrame to(at);
            moved.footprint_ll = to.inverse(frame_.forward(r_.site.footprint_ll));
        }
        std::vector<double> radii;
        double widest = 0;
        if (r_.geometry && !r_.geometry->radii_m.empty()) {
            const std::vector<double>& all = r_.geometry->radii_m;
            radii.push_back(all[nearest_radius(all, p_.land_cover.radius_m, [](double x) { return x; })]);
            widest = all.back();
        }
        return screener_.screen_for_verdict(moved, radii, widest);
    }

    // The alternative stays inside every feature of the profile's `stay_within` layers that
    // the site itself is inside (the country, or a province).
    bool stays_within(const SiteResult& m) const {
        for (const auto& id : p_.avoidance.stay_within) {
            const LayerOutcome* here = nullptr;
            const LayerOutcome* there = nullptr;
            for (const auto& o : r_.layers)
                if (o.spec && o.spec->id == id) here = &o;
            for (const auto& o : m.layers)
                if (o.spec && o.spec->id == id) there = &o;
            if (!here || !here->vector() || here->vector()->inside_features.empty()) continue;
            if (!there || !there->vector()) return false;
            bool shared = false;
            for (auto f : here->vector()->inside_features)
                for (auto g : there->vector()->inside_features) shared |= f == g;
            if (!shared) return false;
        }
        return true;
    }

    AlternativeLocation location(const Best& best, Level used_cap) const {
        AlternativeLocation out;
        double dist = 0, az = 0;
        geodesic::inverse(r_.site.lonlat, best.at, dist, az);
        if (az < 0) az += 360.0;
        out.at = best.at;
        out.distance_m = round1(dist);
        out.bearing_deg = round1(az);
        const Analysis there = analyse(best.screened, p_, f_);  // the full screening there
        for (const auto& x : a_.fired) {
            if (x.level < used_cap || x.layer.empty()) continue;
            bool still = false;
            for (const auto& y : there.fired)
                if (y.rule == x.rule && y.layer == x.layer && y.feature.id == x.feature.id && y.level >= used_cap)
                    still = true;
            if (still) continue;
            ClearedFinding c{x.rule, x.level, x.layer, std::nullopt, std::nullopt, x.features_text};
            if (!x.feature.id.empty() || !x.feature.name.empty()) {
                c.feature_id = x.feature.id;
                c.feature_name = x.feature.name;
            }
            out.clears.push_back(std::move(c));
        }
        out.level_at_alternative = there.level;
        out.lowers_verdict = there.level < a_.level;
        for (const auto& y : there.fired)
            out.remaining.push_back(
                tr().format("assess.reason", {{"level", level_word(y.level)}, {"reason", y.reason}}));
        return out;
    }

    SearchResult report(const std::vector<Best>& best, Level used_cap, Level aimed_cap) {
        SearchResult out;
        AlternativeSearch& s = out.search;
        s.aim_below = aimed_cap;
        for (const Best& b : best) s.alternatives.push_back(location(b, used_cap));
        if (s.found()) {
            if (used_cap != aimed_cap) s.note = tr().text("assess.search.only_nogo");
            const AlternativeLocation& first = s.alternatives.front();
            out.text = tr().format(used_cap == Level::NoGo ? "assess.search.found_nogo" : "assess.search.found_high",
                                   {{"distance", fmt_distance(first.distance_m)},
                                    {"bearing", fmt::format("{:.0f}", first.bearing_deg)},
                                    {"lon", fmt::format("{:.5f}", first.at.lon)},
                                    {"lat", fmt::format("{:.5f}", first.at.lat)}});
        } else {
            out.text = tr().format("assess.search.none", {{"radius", fmt_distance(p_.avoidance.search_radius_m)}});
        }
        s.search_radius_m = p_.avoidance.search_radius_m;
        s.step_m = p_.avoidance.step_m;
        s.resolution_m = res_;
        s.shape = shape_;
        if (shape_ == AlternativeSearch::Shape::DeclaredArea) s.footprint_radius_m = round1(footprint_radius_m_);
        s.setback_m = p_.avoidance.setback_m;
        s.reach_m = round1(reach_);
        s.separation_m = round1(separation_);
        // covered: every position closer than the answer (or within the radius) is known to fail,
        // or lies within half the resolution of a failing area; budget: the search stopped at its limit.
        s.stopped_at_budget = stopped_at_budget_;
        s.certified = !uncertified_ && !stopped_at_budget_;
        s.layers_checked = id_list_;
        s.candidates_evaluated = evaluated_;
        s.areas_closed = blocked_.size();
        s.verified = verified_;
        s.rejected_by_full_screen = failed_full_;
        s.stays_within = p_.avoidance.stay_within;
        s.rejected_outside_units = left_units_;
        s.moved_footprint = !r_.site.footprint_ll.empty();
        if (!p_.avoidance.note.empty())
            s.profile_note = profile_text(p_.avoidance.note, p_.avoidance.note_in, tr().lang());
        return out;
    }

    const SiteResult& r_;
    const Profile& p_;
    const SiteFigures& f_;
    const Analysis& a_;
    const LayerSet& layers_;
    Screener& screener_;
    const LocalFrame frame_;
    Site search_site_;  // the site with the search shape as its footprint
    AlternativeSearch::Shape shape_ = AlternativeSearch::Shape::Point;
    double footprint_radius_m_ = 0, reach_ = 0, separation_ = 0;
    std::set<std::string> ids_;
    std::vector<std::string> id_list_;
    std::vector<double> radii_;
    std::size_t evaluated_ = 0, verified_ = 0, failed_full_ = 0, left_units_ = 0;
    Level cap_ = Level::NoGo;
    double radius_ = 0, step_ = 1, res_ = 1;
    bool stopped_at_budget_ = false;  // else the search covered every nearer position
    bool uncertified_ = false;        // a failing position tied to no area was closed by a disc
    geos::GeomPtr region_;            // the search disc inside the units
    geos::GeomPtr open_;              // ... less every area known to fail but those pending
    struct Pending {
        geos::GeomPtr area;
        Box box;
    };
    std::vector<Pending> pending_;  // closed, not yet subtracted from open_ (close_area)
    std::optional<Point> edge_;     // open_'s point nearest the site, when edge_known_
    bool edge_known_ = false;
    geos::GeomPtr win_;  // window(): open_ in the square of half-side win_half_, less pending_[0, win_pending_)
    double win_half_ = 0;
    double open_half_ = 0;  // the half-side of a square about the site that holds open_
    std::size_t win_pending_ = 0;
    static constexpr std::size_t kFoldEvery = 16;
    std::set<Block> blocked_;
    std::vector<Point> reflected_hull_;  // footprint sites: the search shape's convex hull, reflected
};

}  // namespace

SearchResult search_alternatives(const SiteResult& r, const Profile& p, const SiteFigures& f, const Analysis& a,
                                 const LayerSet& layers, Screener& screener) {
    return AvoidanceSearch(r, p, f, a, layers, screener).run();
}

}  // namespace assess_kit

}  // namespace sitescreen
