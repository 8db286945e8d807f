// Exact coverage fractions of polygons over a pixel grid: the share of each
// cell's area that lies inside a (multi)polygon with holes (docs/raster.md).
//
// Coordinates are pixel coordinates: x = column, y = row, cell (c, r) is the
// square [c, c+1] x [r, r+1]. Work is O(perimeter in cells) to prepare plus
// O(cells in the row spans) to visit; interior cells come out as exactly 1.
//
// Method: area(P n cell(c, r)) = -closed-integral over the boundary of
// (g_r(y) - 1) * [x in column c] dx, with g_r(y) = clamp(y, r, r+1) - r, for
// a boundary oriented with positive shoelace area. Each edge is split at the
// integer x and y lines; a piece inside cell (c, r) adds (1 - fy) dx to that
// cell and dx to every cell below it in the column (fy = the piece's mean y
// within the row), which a running sum down each column delivers.
// Rows come out as the cells the boundary passes through (with their
// fractions) and runs of whole cells between them: a cell that no boundary
// piece touches is entirely inside or outside, and so is its whole run.
#pragma once
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "core/types.h"

namespace sitescreen::coverage {

// Rings in pixel coordinates, stored flat so that a caller can refill the
// same object for every site without allocating.
struct PixelRings {
    std::vector<double> x, y;           // vertices of every ring, concatenated (closed or not)
    std::vector<std::size_t> ring_end;  // one past the last vertex of each ring
    std::vector<unsigned char> hole;    // 1 if the ring is a hole, 0 if it is an exterior ring

    void clear() {
        x.clear();
        y.clear();
        ring_end.clear();
        hole.clear();
    }
    void add_vertex(double px, double py) {
        x.push_back(px);
        y.push_back(py);
    }
    // Ends the ring made of the vertices added since the previous end_ring().
    void end_ring(bool is_hole) {
        ring_end.push_back(x.size());
        hole.push_back(is_hole ? 1 : 0);
    }
    std::size_t ring_count() const { return ring_end.size(); }
    bool empty() const { return x.empty(); }
};

// A MultiPolygon already in pixel coordinates, as rings (outer = exterior, inners = holes).
PixelRings to_pixel_rings(const MultiPolygon& mp_px);

// The smallest integer window holding every vertex; false if there is none.
struct Window {
    int x0 = 0, y0 = 0;  // first column and row (may be negative: outside a raster)
    int width = 0, height = 0;
};
bool bounding_window(const PixelRings& rings, Window& out);

// One row's coverage: cells the boundary passes through, and runs of cells
// entirely inside the polygon. Columns are window-relative.
struct BoundaryCell {
    int col;
    double frac;  // in (0, 1]
};
struct FullRun {
    int begin, end;  // columns [begin, end), each covered entirely
};

// Computes exact coverage fractions over a window, row by row. Reuse one
// object for many polygons: its buffers keep their capacity.
class CoverageSweep {
public:
    // Prepares the coverage of `rings` over `window` (ring orientation does not
    // matter; exterior rings add, holes subtract). Parts of the polygon outside
    // the window are accounted for exactly.
    void prepare(const PixelRings& rings, const Window& window);

    // Calls visit(row, cells, n_cells, runs, n_runs) for each window row
    // holding covered cells, top to bottom (row window-relative). Cells not
    // listed in either are not covered. Call once per prepare().
    template <typename Visit>
    void for_each_row(Visit&& visit) {
        for_each_row(std::forward<Visit>(visit), [](int, int, int) {});
    }
    // The same, and before each row calls ahead(row + kRowsAhead, first_col,
    // last_col) with the leftmost and rightmost boundary columns of that row
    // (when it has any): time to prefetch the cells it will visit.
    static constexpr int kRowsAhead = 4;
    template <typename Visit, typename Ahead>
    void for_each_row(Visit&& visit, Ahead&& ahead);

    const Window& window() const { return window_; }
    std::size_t boundary_pieces() const { return entries_.size(); }

private:
    struct Entry {
        int row;
        int col;
        double here;   // added to this cell only
        double below;  // added to every cell below it in the column
    };
    void add_edge(double ax, double ay, double bx, double by, double sign);
    void walk(double px, double py, double qx, double qy, double sign);
    static void sort_by_col(Entry* first, Entry* last);

    Window window_;
    std::vector<Entry> entries_, sorted_;
    std::vector<int> row_start_;   // sorted_ index of each row's first entry (height + 1)
    std::vector<int> next_;        // scatter cursor of the bucket sort
    std::vector<double> running_;  // per column: what the rows above pass down
    std::vector<BoundaryCell> cells_;
    std::vector<FullRun> runs_;
};

// The rows one sweep visited, kept to be visited again. Rasters on one grid
// see a buffer as the same pixel rings, so their coverage is the same: the
// second raster replays the first one's rows instead of sweeping again
// (the same rows, in the same order, with the same fractions).
class SweepRecord {
public:
    // Whether this record is the sweep of `rings` over `window`.
    bool is_of(const PixelRings& rings, const Window& window) const {
        return valid_ && window.x0 == window_.x0 && window.y0 == window_.y0 && window.width == window_.width &&
               window.height == window_.height && rings.x == rings_.x && rings.y == rings_.y &&
               rings.ring_end == rings_.ring_end && rings.hole == rings_.hole;
    }
    // Sweeps `rings` over `window` with `sweep`, visiting the rows as
    // CoverageSweep::for_each_row does and keeping them.
    template <typename Visit, typename Ahead>
    void sweep(CoverageSweep& sweeper, const PixelRings& rings, const Window& window, Visit&& visit, Ahead&& ahead);
    // Visits the kept rows again; ahead() is told of the row kRowsAhead
    // visited rows on (the cells it will touch: its outermost boundary cells).
    template <typename Visit, typename Ahead>
    void replay(Visit&& visit, Ahead&& ahead) const;

private:
    struct Row {
        int row;
        std::size_t cells_end, runs_end;
    };
    bool valid_ = false;
    PixelRings rings_;
    Window window_;
    std::vector<Row> rows_;
    std::vector<BoundaryCell> cells_;
    std::vector<FullRun> runs_;
};

// Dense convenience: out[r * width + c] = coverage of cell (x0 + c, y0 + r).
void coverage_fractions(const PixelRings& rings, const Window& window, std::vector<double>& out);
void coverage_fractions(const MultiPolygon& mp_px, const Window& window, std::vector<double>& out);

// Below this coverage a cell counts as untouched and above 1 - it as full:
// the running sums carry rounding noise of about 1e-15 per boundary piece.
constexpr double kCoverageSnap = 1e-9;

template <typename Visit, typename Ahead>
void CoverageSweep::for_each_row(Visit&& visit, Ahead&& ahead) {
    const int h = window_.height;
    for (int r = 0; r < h; ++r) {
        if (r + kRowsAhead < h) {
            const Entry* a = sorted_.data() + row_start_[r + kRowsAhead];
            const Entry* b = sorted_.data() + row_start_[r + kRowsAhead + 1];
            if (a != b) {
                int lo = a->col, hi = a->col;
                for (const Entry* e = a + 1; e != b; ++e) lo = std::min(lo, e->col), hi = std::max(hi, e->col);
                ahead(r + kRowsAhead, lo, hi);
            }
        }
        Entry* first = sorted_.data() + row_start_[r];
        Entry* last = sorted_.data() + row_start_[r + 1];
        // No boundary piece in the row: nothing in it is covered, because a
        // covered cell's row also holds the boundary on both sides of it
        // (window sides included, see add_edge).
        if (first == last) continue;
        sort_by_col(first, last);
        cells_.clear();
        runs_.clear();
        int prev = -1;
        for (Entry* e = first; e != last;) {
            const int col = e->col;
            double here = 0, passed = 0;
            for (; e != last && e->col == col; ++e) {
                here += e->here;
                passed += e->here + e->below;
            }
            // Cells between two boundary cells share one state, which the
            // column sums above them carry (0 or 1 up to rounding).
            if (prev >= 0 && col > prev + 1 && running_[prev + 1] > 0.5) runs_.push_back(FullRun{prev + 1, col});
            const double f = running_[col] + here;
            running_[col] += passed;
            if (f >= kCoverageSnap) cells_.push_back(BoundaryCell{col, f > 1.0 - kCoverageSnap ? 1.0 : f});
            prev = col;
        }
        if (!cells_.empty() || !runs_.empty())
            visit(r, static_cast<const BoundaryCell*>(cells_.data()), cells_.size(),
                  static_cast<const FullRun*>(runs_.data()), runs_.size());
    }
}

template <typename Visit, typename Ahead>
void SweepRecord::sweep(CoverageSweep& sweeper, const PixelRings& rings, const Window& window, Visit&& visit,
                        Ahead&& ahead) {
    valid_ = false;  // until the sweep is whole (visit may throw)
    rows_.clear();
    cells_.clear();
    runs_.clear();
    sweeper.prepare(rings, window);
    sweeper.for_each_row(
        [&](int r, const BoundaryCell* cells, std::size_t n_cells, const FullRun* runs, std::size_t n_runs) {
            cells_.insert(cells_.end(), cells, cells + n_cells);
            runs_.insert(runs_.end(), runs, runs + n_runs);
            rows_.push_back(Row{r, cells_.size(), runs_.size()});
            visit(r, cells, n_cells, runs, n_runs);
        },
        std::forward<Ahead>(ahead));
    rings_.x = rings.x;
    rings_.y = rings.y;
    rings_.ring_end = rings.ring_end;
    rings_.hole = rings.hole;
    window_ = window;
    valid_ = true;
}

template <typename Visit, typename Ahead>
void SweepRecord::replay(Visit&& visit, Ahead&& ahead) const {
    std::size_t cells_begin = 0, runs_begin = 0;
    for (std::size_t k = 0; k < rows_.size(); ++k) {
        if (k + CoverageSweep::kRowsAhead < rows_.size()) {
            const Row& a = rows_[k + CoverageSweep::kRowsAhead];
            const std::size_t first = rows_[k + CoverageSweep::kRowsAhead - 1].cells_end;
            if (a.cells_end > first) ahead(a.row, cells_[first].col, cells_[a.cells_end - 1].col);
        }
        const Row& row = rows_[k];
        visit(row.row, cells_.data() + cells_begin, row.cells_end - cells_begin, runs_.data() + runs_begin,
              row.runs_end - runs_begin);
        cells_begin = row.cells_end;
        runs_begin = row.runs_end;
    }
}

}  // namespace sitescreen::coverage
