// Exact coverage fractions of polygons over a pixel grid (method in coverage.h).
#include "geo/coverage.h"

#include <cmath>
#include <limits>

namespace sitescreen::coverage {

PixelRings to_pixel_rings(const MultiPolygon& mp_px) {
    PixelRings rings;
    auto add = [&](const Ring& ring, bool is_hole) {
        for (const Point& p : ring) rings.add_vertex(p.x(), p.y());
        rings.end_ring(is_hole);
    };
    for (const Polygon& poly : mp_px) {
        add(poly.outer(), false);
        for (const Ring& inner : poly.inners()) add(inner, true);
    }
    return rings;
}

bool bounding_window(const PixelRings& rings, Window& out) {
    if (rings.x.empty()) return false;
    double xmin = rings.x[0], xmax = rings.x[0], ymin = rings.y[0], ymax = rings.y[0];
    for (std::size_t i = 1; i < rings.x.size(); ++i) {
        xmin = std::min(xmin, rings.x[i]);
        xmax = std::max(xmax, rings.x[i]);
        ymin = std::min(ymin, rings.y[i]);
        ymax = std::max(ymax, rings.y[i]);
    }
    // Keep far away of int overflow: such windows are not sweepable anyway.
    constexpr double kLimit = 1e9;
    if (!(xmin > -kLimit && xmax < kLimit && ymin > -kLimit && ymax < kLimit)) return false;
    out.x0 = static_cast<int>(std::floor(xmin));
    out.y0 = static_cast<int>(std::floor(ymin));
    out.width = std::max(1, static_cast<int>(std::ceil(xmax)) - out.x0);
    out.height = std::max(1, static_cast<int>(std::ceil(ymax)) - out.y0);
    return true;
}

void CoverageSweep::prepare(const PixelRings& rings, const Window& window) {
    window_ = window;
    const int w = window.width, h = window.height;
    entries_.clear();
    running_.assign(w, 0.0);

    std::size_t begin = 0;
    for (std::size_t k = 0; k < rings.ring_end.size(); ++k) {
        const std::size_t end = rings.ring_end[k];
        const std::size_t n = end - begin;
        if (n >= 3) {
            // Window-relative coordinates keep the walk's arithmetic on small numbers.
            const double ox = window.x0, oy = window.y0;
            double twice_area = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t a = begin + i, b = begin + (i + 1) % n;
                twice_area += (rings.x[a] - ox) * (rings.y[b] - oy) - (rings.x[b] - ox) * (rings.y[a] - oy);
            }
            if (twice_area != 0) {
                // Exterior rings must add area and holes remove it, whatever
                // way the caller's rings turn (pixel rows grow downwards, so a
                // CCW lon/lat ring arrives clockwise).
                const bool positive = twice_area > 0;
                const double sign = (positive != (rings.hole[k] != 0)) ? 1.0 : -1.0;
                for (std::size_t i = 0; i < n; ++i) {
                    const std::size_t a = begin + i, b = begin + (i + 1) % n;
                    add_edge(rings.x[a] - ox, rings.y[a] - oy, rings.x[b] - ox, rings.y[b] - oy, sign);
                }
            }
        }
        begin = end;
    }

    // Bucket the pieces by row (counting sort) for the top-down sweep.
    row_start_.assign(h + 1, 0);
    for (const Entry& e : entries_) ++row_start_[e.row + 1];
    for (int r = 0; r < h; ++r) row_start_[r + 1] += row_start_[r];
    sorted_.resize(entries_.size());
    next_.assign(row_start_.begin(), row_start_.end() - 1);
    for (const Entry& e : entries_) sorted_[next_[e.row]++] = e;
}

// Splits an edge where it crosses the window's sides and clamps each part into
// the window: g is constant above and below the window, and parts beside it
// (now lying on its left or right side, with dx = 0) add nothing but still
// leave a zero entry in each row they pass, so that a polygon wider than the
// window has boundary cells at the window's sides: that is what lets a row
// without entries mean "nothing covered" and runs be bounded by entries.
void CoverageSweep::add_edge(double ax, double ay, double bx, double by, double sign) {
    if (ax == bx && ay == by) return;
    const double W = window_.width, H = window_.height;
    double ts[6];
    int n = 0;
    ts[n++] = 0.0;
    auto crossing = [&](double a, double b, double v) {
        if ((a < v && b > v) || (a > v && b < v)) ts[n++] = (v - a) / (b - a);
    };
    crossing(ax, bx, 0.0);
    crossing(ax, bx, W);
    crossing(ay, by, 0.0);
    crossing(ay, by, H);
    ts[n++] = 1.0;
    for (int i = 1; i < n; ++i)  // at most six values
        for (int j = i; j > 0 && ts[j - 1] > ts[j]; --j) std::swap(ts[j - 1], ts[j]);
    const double dx = bx - ax, dy = by - ay;
    auto at_x = [&](double t) { return t == 1.0 ? bx : ax + t * dx; };
    auto at_y = [&](double t) { return t == 1.0 ? by : ay + t * dy; };
    for (int i = 0; i + 1 < n; ++i) {
        const double t0 = ts[i], t1 = ts[i + 1];
        if (!(t1 > t0)) continue;
        const double px = std::clamp(at_x(t0), 0.0, W), py = std::clamp(at_y(t0), 0.0, H);
        const double qx = std::clamp(at_x(t1), 0.0, W), qy = std::clamp(at_y(t1), 0.0, H);
        if (py >= H && qy >= H) continue;  // below the window: g = 1 for every window row
        walk(px, py, qx, qy, sign);
    }
}

// Walks a segment lying inside the window through the cells it crosses.
void CoverageSweep::walk(double px, double py, double qx, double qy, double sign) {
    const int W = window_.width, H = window_.height;
    const double dx = qx - px, dy = qy - py;
    if (dx == 0 && dy == 0) return;
    if (dx == 0) {
        // Vertical: no area term, only the spans of the rows it passes.
        const int col = std::min(static_cast<int>(std::floor(px)), W - 1);
        const int r0 = static_cast<int>(std::floor(std::min(py, qy)));
        const int r1 = std::min(H - 1, static_cast<int>(std::ceil(std::max(py, qy))) - 1);
        for (int r = std::max(0, r0); r <= r1; ++r) entries_.push_back(Entry{r, col, 0.0, 0.0});
        return;
    }

    auto emit = [&](double x0, double y0, double x1, double y1) {
        const double xm = 0.5 * (x0 + x1), ym = 0.5 * (y0 + y1);
        const int row = static_cast<int>(std::floor(ym));
        if (row >= H) return;
        const int col = std::clamp(static_cast<int>(std::floor(xm)), 0, W - 1);
        const int r = std::max(0, row);
        const double d = sign * (x1 - x0);
        const double fy = std::clamp(ym - r, 0.0, 1.0);
        entries_.push_back(Entry{r, col, d * (1.0 - fy), d * fy});
    };

    const double inf = std::numeric_limits<double>::infinity();
    const int step_x = dx > 0 ? 1 : -1;
    double next_x = dx > 0 ? std::floor(px) + 1 : std::ceil(px) - 1;
    double t_x = (next_x - px) / dx;
    int step_y = 0;
    double next_y = 0, t_y = inf;
    if (dy != 0) {
        step_y = dy > 0 ? 1 : -1;
        next_y = dy > 0 ? std::floor(py) + 1 : std::ceil(py) - 1;
        t_y = (next_y - py) / dy;
    }
    double cx = px, cy = py;
    for (;;) {
        const bool hit_x = t_x <= t_y, hit_y = t_y <= t_x;
        const double t = hit_x ? t_x : t_y;
        if (t >= 1.0) {
            emit(cx, cy, qx, qy);
            return;
        }
        // Crossing points sit exactly on their grid line; the other coordinate
        // is recomputed from the segment's start so no error accumulates.
        const double ex = hit_x ? next_x : px + t * dx;
        const double ey = hit_y ? next_y : py + t * dy;
        emit(cx, cy, ex, ey);
        cx = ex;
        cy = ey;
        if (hit_x) {
            next_x += step_x;
            t_x = (next_x - px) / dx;
        }
        if (hit_y) {
            next_y += step_y;
            t_y = (next_y - py) / dy;
        }
    }
}

void CoverageSweep::sort_by_col(Entry* first, Entry* last) {
    // Rows hold a handful of entries: insertion sort beats std::sort there.
    if (last - first > 32) {
        std::sort(first, last, [](const Entry& a, const Entry& b) { return a.col < b.col; });
        return;
    }
    for (Entry* i = first + 1; i < last; ++i) {
        const Entry e = *i;
        Entry* j = i;
        for (; j > first && (j - 1)->col > e.col; --j) *j = *(j - 1);
        *j = e;
    }
}

void coverage_fractions(const PixelRings& rings, const Window& window, std::vector<double>& out) {
    out.assign(static_cast<std::size_t>(window.width) * window.height, 0.0);
    CoverageSweep sweep;
    sweep.prepare(rings, window);
    sweep.for_each_row(
        [&](int r, const BoundaryCell* cells, std::size_t n_cells, const FullRun* runs, std::size_t n_runs) {
            double* row = out.data() + static_cast<std::size_t>(r) * window.width;
            for (std::size_t i = 0; i < n_cells; ++i) row[cells[i].col] = cells[i].frac;
            for (std::size_t i = 0; i < n_runs; ++i) std::fill(row + runs[i].begin, row + runs[i].end, 1.0);
        });
}

void coverage_fractions(const MultiPolygon& mp_px, const Window& window, std::vector<double>& out) {
    coverage_fractions(to_pixel_rings(mp_px), window, out);
}

}  // namespace sitescreen::coverage
