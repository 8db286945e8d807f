// Raster layers: exact, area-weighted zonal statistics of a raster band inside a
// site's geodesic buffers (semantics and method in docs/raster.md).
#include "layers/raster/reader_impl.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_spatialref.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/errors.h"
#include "geo/coverage.h"
#include "geo/geodesic.h"
#include "io/gdal_handles.h"
#include "layers/raster/raster_blocks.h"

namespace sitescreen {
using namespace raster_kit;
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// Above this many cells a buffer's sweep is limited to the raster's extent and
// the area beyond it is taken from the buffer's ellipsoidal area instead.
constexpr long long kMaxSweepCells = 200'000'000;
// Buffers at least this many cells wide take whole segments from the blocks'
// segment summaries (raster_blocks.h); narrower ones visit every cell.
constexpr int kSummaryMinWidth = 8 * kSegmentCells;
// Spacing of the areal-scale samples down a projected raster's window.
constexpr double kScaleSampleSpacingM = 10'000;

}  // namespace

void RasterReader::Impl::to_raster_crs(std::size_t n) {
    ok.assign(n, 1);
    if (!to_raster || n == 0) return;
    OCTTransformEx(to_raster.get(), static_cast<int>(n), tx.data(), ty.data(), nullptr, ok.data());
    for (std::size_t i = 0; i < n; ++i)
        if (ok[i] && !(std::isfinite(tx[i]) && std::isfinite(ty[i]))) ok[i] = 0;
}

RasterReader::Impl::Placement RasterReader::Impl::place_buffer(const MultiPolygon& mp_ll, double centre_x,
                                                               coverage::PixelRings& px, coverage::Window& win,
                                                               char& pole) {
    pole = 0;
    px.clear();
    tx.clear();
    ty.clear();
    for (const Polygon& poly : mp_ll) {
        for (const Point& p : poly.outer()) {
            tx.push_back(p.x());
            ty.push_back(p.y());
        }
        for (const Ring& inner : poly.inners())
            for (const Point& p : inner) {
                tx.push_back(p.x());
                ty.push_back(p.y());
            }
    }
    const std::size_t n = tx.size();
    if (n == 0) return Placement::Outside;
    to_raster_crs(n);
    const double* gt = r.gt;
    std::size_t failed = 0;
    std::size_t k = 0;
    auto add_ring = [&](const Ring& ring, bool hole) {
        // Longitudes unwrapped along the ring (each vertex in the turn
        // nearest the one before, the first nearest the centre): a ring
        // around a pole spans a whole turn (site_geometry.h).
        double prev_x = centre_x, prev_y = 0;
        bool have_prev = false;
        for (std::size_t j = 0; j < ring.size(); ++j, ++k) {
            if (!ok[k]) {
                ++failed;
                continue;
            }
            const double x = geographic ? unwrap(tx[k], prev_x) : tx[k];
            if (!geographic) {
                px.add_vertex((x - gt[0]) / gt[1], (ty[k] - gt[3]) / gt[5]);
                prev_x = x;
                continue;
            }
            // A geographic raster's rows: a cell the ring crosses counts the covered share of its
            // ground area, and the ground per degree of latitude changes across a row (by the
            // row's height times tan(latitude), relatively). So the row coordinate is taken linear
            // in ground area within each row (area_row_coordinate), and an edge is cut where it
            // crosses a row's edge (a straight lon/lat edge, cut there): within a row the mapping
            // is smooth and monotonic, and the sweep's fractions are shares of ground area.
            if (have_prev) {
                const double a = (prev_y - gt[3]) / gt[5], b = (ty[k] - gt[3]) / gt[5];
                auto cross = [&](double line) {
                    const double t = (line - a) / (b - a);
                    px.add_vertex((prev_x + t * (x - prev_x) - gt[0]) / gt[1], line);
                };
                if (a < b)
                    for (double line = std::floor(a) + 1; line < b; line += 1) cross(line);
                else if (a > b)
                    for (double line = std::ceil(a) - 1; line > b; line -= 1) cross(line);
            }
            px.add_vertex((x - gt[0]) / gt[1], area_row_coordinate(ty[k]));
            prev_x = x;
            prev_y = ty[k];
            have_prev = true;
        }
        px.end_ring(hole);
    };
    for (const Polygon& poly : mp_ll) {
        add_ring(poly.outer(), false);
        for (const Ring& inner : poly.inners()) add_ring(inner, true);
    }
    if (!coverage::bounding_window(px, win)) return Placement::Outside;
    // A buffer round a pole (site_geometry.h: its ring spans a whole turn
    // of longitude, closed along the pole's line) covers every column of
    // its rows. Its unwrapped longitudes may lie a turn or more off the
    // raster's: moved by whole turns to start within the raster's first
    // turn of columns, the columns it leaves out at the west edge are
    // those it runs past the east edge, which measure() sweeps a turn
    // back (as for any buffer of a raster around the globe).
    if (geographic && turn_cols > 0 && win.width >= turn_cols) {
        pole = 1;
        const int turns = static_cast<int>(std::floor(static_cast<double>(win.x0) / turn_cols));
        if (turns != 0) {
            for (double& x : px.x) x -= static_cast<double>(turns) * turn_cols;
            if (!coverage::bounding_window(px, win)) return Placement::Outside;
        }
    }
    const bool misses =
        (!pole && (win.x0 >= r.width || win.x0 + win.width <= 0)) || win.y0 >= r.height || win.y0 + win.height <= 0;
    if (misses) return Placement::Outside;
    if (failed > 0)
        throw SiteError("layer '" + spec.id + "': " + std::to_string(failed) +
                        " buffer vertices cannot be transformed into the raster's CRS");
    return Placement::Ok;
}

double RasterReader::Impl::row_area_m2(int row) {
    if (geographic) {
        if (row >= 0 && row < r.height) {
            double& cached = row_area_cache_m2[row];
            if (std::isnan(cached)) cached = lonlat_row_area_m2(row);
            return cached;
        }
        return lonlat_row_area_m2(row);
    }
    // Linear interpolation between samples (at most 10 km apart).
    const double pos = row + 0.5;
    const std::size_t n = scale_row.size();
    if (n == 1 || pos <= scale_row.front()) return scale_area_m2.front();
    if (pos >= scale_row.back()) return scale_area_m2.back();
    const double step = (scale_row.back() - scale_row.front()) / (n - 1);
    const std::size_t i = std::min(n - 2, static_cast<std::size_t>((pos - scale_row.front()) / step));
    const double t = (pos - scale_row[i]) / (scale_row[i + 1] - scale_row[i]);
    return scale_area_m2[i] + t * (scale_area_m2[i + 1] - scale_area_m2[i]);
}

double RasterReader::Impl::lonlat_row_area_m2(int row) const {
    auto lat = [&](int j) { return std::clamp((r.gt[3] + j * r.gt[5]) * deg_per_unit, -90.0, 90.0); };
    return geodesic::lonlat_cell_area_m2(std::min(lat(row), lat(row + 1)), std::max(lat(row), lat(row + 1)),
                                         std::fabs(r.gt[1]) * deg_per_unit);
}

double RasterReader::Impl::area_row_coordinate(double y) const {
    const double py = (y - r.gt[3]) / r.gt[5];
    const double row = std::floor(py);
    auto lat = [&](double j) { return std::clamp((r.gt[3] + j * r.gt[5]) * deg_per_unit, -90.0, 90.0); };
    const double first = lat(row), second = lat(row + 1), here = std::clamp(y * deg_per_unit, -90.0, 90.0);
    const double whole = geodesic::lonlat_cell_area_m2(std::min(first, second), std::max(first, second), 1);
    if (!(whole > 0)) return py;
    const double part = geodesic::lonlat_cell_area_m2(std::min(first, here), std::max(first, here), 1);
    return row + std::clamp(part / whole, 0.0, 1.0);
}

void RasterReader::Impl::sample_areal_scale(double site_x, const coverage::Window& rows) {
    const double unit_m = OSRGetLinearUnits(r.srs.get(), nullptr);
    const double height_m = rows.height * std::fabs(r.gt[5]) * (unit_m > 0 ? unit_m : 1);
    const int n = std::clamp(static_cast<int>(std::ceil(height_m / kScaleSampleSpacingM)) + 1, 3, 1000);
    const double first = rows.y0 + 0.5, last = rows.y0 + rows.height - 0.5;
    const double d = std::max(std::fabs(r.gt[1]), std::fabs(r.gt[5]));  // one cell
    scale_row.resize(n);
    scale_area_m2.resize(n);
    tx.resize(4 * n);
    ty.resize(4 * n);
    for (int k = 0; k < n; ++k) {
        const double row = n == 1 ? first : first + (last - first) * k / (n - 1);
        scale_row[k] = row;
        const double y = r.gt[3] + row * r.gt[5];
        const double xs[4] = {site_x + d, site_x - d, site_x, site_x};
        const double ys[4] = {y, y, y + d, y - d};
        for (int j = 0; j < 4; ++j) {
            tx[4 * k + j] = xs[j];
            ty[4 * k + j] = ys[j];
        }
    }
    ok.assign(4 * n, 1);
    OCTTransformEx(to_wgs84.get(), 4 * n, tx.data(), ty.data(), nullptr, ok.data());
    const double cell_units2 = std::fabs(r.gt[1] * r.gt[5]);
    for (int k = 0; k < n; ++k) {
        const double* lon = &tx[4 * k];
        const double* lat = &ty[4 * k];
        for (int j = 0; j < 4; ++j)
            if (!ok[4 * k + j] || !std::isfinite(lon[j]) || !std::isfinite(lat[j]))
                throw SiteError("layer '" + spec.id + "': cannot compute cell areas near the site (outside the " +
                                "domain of the raster's projection?)");
        const double dlon_dx = std::remainder(lon[0] - lon[1], 360.0) / (2 * d);
        const double dlat_dx = (lat[0] - lat[1]) / (2 * d);
        const double dlon_dy = std::remainder(lon[2] - lon[3], 360.0) / (2 * d);
        const double dlat_dy = (lat[2] - lat[3]) / (2 * d);
        const double jac = std::fabs(dlon_dx * dlat_dy - dlon_dy * dlat_dx) * kDeg * kDeg;
        const double phi = 0.25 * (lat[0] + lat[1] + lat[2] + lat[3]);
        const double ground_per_unit2 =
            geodesic::meridional_radius_m(phi) * geodesic::prime_vertical_radius_m(phi) * std::cos(phi * kDeg) * jac;
        scale_area_m2[k] = cell_units2 * ground_per_unit2;
    }
}

template <typename T, bool Categorical>
void RasterReader::Impl::accumulate(const coverage::Window& win, BufferSums& sums) {
    const CellTest<T> test = make_cell_test<T>(r.nodata);
    using Sum = SumOf<T>;
    const int width = r.width, height = r.height;
    // Narrow buffers add their cells directly: summarising a block costs
    // more than the few whole segments they would take from it.
    const bool use_summaries = win.width >= kSummaryMinWidth;
    // A few rows ahead, the cells at both ends of the row are fetched
    // into the cache (with the run ends beside them): a boundary cell's
    // load is otherwise a cache miss, and was two thirds of this loop.
    auto prefetch_row = [&](int row, int first_col, int last_col) {
        const int y = win.y0 + row;
        if (y < 0 || y >= height) return;
        const int by = y / block_h;
        const std::size_t row_offset = static_cast<std::size_t>(y - by * block_h) * block_w;
        for (const int c : {first_col, first_col + kSegmentCells / 2, last_col - kSegmentCells / 2, last_col}) {
            const int x = win.x0 + c;
            if (x < 0 || x >= width) continue;
            const int bx = x / block_w;
            if (const RasterBlock* b = loaded_cells(bx, by))
                __builtin_prefetch(cells_of<T>(*b) + row_offset + (x - bx * block_w));
        }
    };
    auto visit = [&](int row, const coverage::BoundaryCell* bcells, std::size_t n_cells, const coverage::FullRun* runs,
                     std::size_t n_runs) {
        const int y = win.y0 + row;
        const double cell_m2 = row_area_m2(y);
        const bool in_raster_row = y >= 0 && y < height;
        const int by = in_raster_row ? y / block_h : 0;
        const std::size_t row_offset = static_cast<std::size_t>(y - by * block_h) * block_w;
        // Cells of block column bx in this row.
        auto row_cells = [&](int bx) { return cells_of<T>(block_cells(bx, by)) + row_offset; };
        double all = 0, valid = 0, value = 0, touched = 0;
        double mn = sums.min, mx = sums.max;
        int cur_bx = -1;
        const Cell<T>* cur = nullptr;
        for (std::size_t i = 0; i < n_cells; ++i) {
            const int x = win.x0 + bcells[i].col;
            const double f = bcells[i].frac;
            all += f;
            touched += 1;
            if (!in_raster_row || x < 0 || x >= width) continue;
            const int bx = x / block_w;
            if (bx != cur_bx) {
                cur = row_cells(bx);
                cur_bx = bx;
            }
            const T v = cur[x - bx * block_w];
            if (!test.valid(v)) continue;
            valid += f;
            if constexpr (Categorical) {
                classes.add(class_of(v), f * cell_m2);
            } else {
                const double dv = static_cast<double>(v);
                value += f * dv;
                mn = std::min(mn, dv);
                mx = std::max(mx, dv);
            }
        }
        // Whole cells: integer tallies for the row.
        Sum row_sum = 0;
        long long row_valid = 0;
        T row_min = std::numeric_limits<T>::max(), row_max = std::numeric_limits<T>::lowest();
        auto add_cells = [&](const Cell<T>* cells, int a, int b) {  // cells [a, b) of one block row
            if constexpr (Categorical) {
                // Classes come in runs: count equal neighbours, add once per run.
                for (int c = a; c < b;) {
                    const T v = cells[c];
                    int e = c + 1;
                    while (e < b && T(cells[e]) == v) ++e;
                    if (test.valid(v)) {
                        row_valid += e - c;
                        classes.add(class_of(v), (e - c) * cell_m2);
                    }
                    c = e;
                }
            } else {
                for (int c = a; c < b; ++c) {
                    const T v = cells[c];
                    const bool ok = test.valid(v);
                    row_valid += ok;
                    row_sum += ok ? static_cast<Sum>(v) : Sum(0);
                    row_min = ok && v < row_min ? v : row_min;
                    row_max = ok && v > row_max ? v : row_max;
                }
            }
        };
        for (std::size_t k = 0; k < n_runs; ++k) {
            const int n = runs[k].end - runs[k].begin;
            all += n;  // cells beyond the raster are covered but not valid
            touched += n;
            if (!in_raster_row) continue;
            const int xa = std::max(0, win.x0 + runs[k].begin), xb = std::min(width, win.x0 + runs[k].end);
            for (int x = xa; x < xb;) {
                const int bx = x / block_w, bstart = bx * block_w;
                const int vw = std::min(block_w, width - bstart);  // the block's columns in the raster
                const int l0 = x - bstart, l1 = std::min(xb - bstart, vw);
                x = bstart + l1;
                // Segments [k0, k1) lie wholly in [l0, l1); the block's last
                // segment may be short and then ends at vw.
                const int k0 = (l0 + kSegmentCells - 1) / kSegmentCells;
                int k1 = l1 / kSegmentCells;
                if (l1 == vw && vw % kSegmentCells != 0) k1 = (vw + kSegmentCells - 1) / kSegmentCells;
                const BlockSummary* summary = use_summaries && k0 < k1 ? &block_summary(bx, by) : nullptr;
                if (summary && Categorical && !summary->has_classes) summary = nullptr;
                if (!summary) {
                    add_cells(row_cells(bx), l0, l1);
                    continue;
                }
                const int s0 = k0 * kSegmentCells, s1 = std::min(vw, k1 * kSegmentCells);
                if (l0 < s0) add_cells(row_cells(bx), l0, s0);
                const std::size_t first = static_cast<std::size_t>(y - by * block_h) * summary->segments;
                if constexpr (Categorical) {
                    const std::size_t nk = summary->classes.size();
                    const unsigned char* count = summary->counts.data() + (first + k0) * nk;
                    for (int seg = k0; seg < k1; ++seg, count += nk)
                        for (std::size_t j = 0; j < nk; ++j)
                            if (count[j] != 0) {
                                row_valid += count[j];
                                classes.add(summary->classes[j], count[j] * cell_m2);
                            }
                } else {
                    const auto* st = reinterpret_cast<const SegmentStats<T>*>(summary->stats.data()) + first;
                    for (int seg = k0; seg < k1; ++seg) {
                        row_sum += st[seg].sum;
                        row_valid += st[seg].valid;
                        row_min = st[seg].min < row_min ? st[seg].min : row_min;
                        row_max = st[seg].max > row_max ? st[seg].max : row_max;
                    }
                }
                if (s1 < l1) add_cells(row_cells(bx), s1, l1);
            }
        }
        valid += static_cast<double>(row_valid);
        if constexpr (!Categorical) {
            if (row_valid > 0) {
                value += static_cast<double>(row_sum);
                mn = std::min(mn, static_cast<double>(row_min));
                mx = std::max(mx, static_cast<double>(row_max));
            }
        }
        sums.min = mn;
        sums.max = mx;
        sums.total_m2 += all * cell_m2;
        sums.valid_m2 += valid * cell_m2;
        sums.value_m2 += value * cell_m2;
        sums.cells += touched;
    };
    if (replay_)
        record_->replay(visit, prefetch_row);
    else
        record_->sweep(sweep, *record_rings_, win, visit, prefetch_row);
}

template <bool Categorical>
void RasterReader::Impl::accumulate_any(const coverage::Window& win, BufferSums& sums) {
    with_cell_type([&](auto tag) { accumulate<decltype(tag), Categorical>(win, sums); });
}

std::optional<double> RasterReader::Impl::cell_value(int x, int y) {
    if (x < 0 || y < 0 || x >= r.width || y >= r.height) return std::nullopt;
    const int bx = x / block_w, by = y / block_h;
    const std::size_t i = static_cast<std::size_t>(y - by * block_h) * block_w + (x - bx * block_w);
    const RasterBlock& block = block_cells(bx, by);
    return with_cell_type([&](auto tag) -> std::optional<double> {
        using T = decltype(tag);
        const T v = cells_of<T>(block)[i];
        if (!make_cell_test<T>(r.nodata).valid(v)) return std::nullopt;
        return static_cast<double>(v);
    });
}

RasterMeasurement RasterReader::Impl::measure(const SiteGeometry& site) {
    RasterMeasurement m;
    const std::size_t nb = std::min(site.radii_m.size(), site.buffers_ll().size());
    m.buffers.resize(site.radii_m.size());
    for (std::size_t i = 0; i < m.buffers.size(); ++i) {
        m.buffers[i].radius_m = site.radii_m[i];
        if (i < site.buffer_area_m2.size()) m.buffers[i].buffer_area_m2 = site.buffer_area_m2[i];
    }

    // The site's centre in the raster CRS; a geographic raster's longitudes
    // are taken in the turn nearest to the raster (0..360 grids work).
    tx.assign(1, site.centre.lon);
    ty.assign(1, site.centre.lat);
    to_raster_crs(1);
    const bool centre_ok = ok[0] != 0;
    double centre_x = tx[0], centre_y = ty[0];
    if (centre_ok && geographic) {
        const double mid_x = r.gt[0] + 0.5 * r.width * r.gt[1];
        centre_x = unwrap(centre_x, mid_x);
    }

    rings.resize(nb);
    windows.resize(nb);
    placed.assign(nb, 0);
    round_pole.assign(nb, 0);
    coverage::Window u;  // union of the buffers' windows (unclamped)
    bool any = false;
    for (std::size_t i = 0; i < nb; ++i) {
        if (!centre_ok) break;
        if (place_buffer(site.buffers_ll()[i], centre_x, rings[i], windows[i], round_pole[i]) != Placement::Ok)
            continue;
        placed[i] = 1;
        const coverage::Window& w = windows[i];
        if (!any) {
            u = w;
            any = true;
        } else {
            const int x1 = std::max(u.x0 + u.width, w.x0 + w.width);
            const int y1 = std::max(u.y0 + u.height, w.y0 + w.height);
            u.x0 = std::min(u.x0, w.x0);
            u.y0 = std::min(u.y0, w.y0);
            u.width = x1 - u.x0;
            u.height = y1 - u.y0;
        }
    }

    // The blocks under every buffer's window, clamped to the raster, are
    // fetched as the buffers need them and released after the site.
    release_grid();
    if (any) {
        // Round a pole, every column of the buffer's rows.
        const bool pole = std::find(round_pole.begin(), round_pole.end(), 1) != round_pole.end();
        const int x0 = pole ? 0 : std::max(0, u.x0), y0 = std::max(0, u.y0);
        const int x1 = pole ? r.width : std::min(r.width, u.x0 + u.width), y1 = std::min(r.height, u.y0 + u.height);
        if (x1 > x0 && y1 > y0) start_grid(x0, y0, x1, y1);
    }
    if (any && !geographic) {
        sample_areal_scale(centre_x, coverage::Window{u.x0, u.y0, u.width, u.height});
    }

    // The last sweep of each buffer (by index) on this thread (RasterSweeps): sites are measured
    // layer after layer on one thread, so the rasters of a catalog sharing a grid sweep each
    // buffer once.
    std::vector<coverage::SweepRecord>& records = sweeps->records;
    if (records.size() < nb) records.resize(nb);
    for (std::size_t i = 0; i < nb; ++i) {
        RasterBufferStats& out = m.buffers[i];
        if (!placed[i]) continue;  // wholly outside the raster: nothing valid
        coverage::Window win = windows[i];
        bool estimate_outside = false;
        if (static_cast<long long>(win.width) * win.height > kMaxSweepCells) {
            // Sweep only the raster's part; the rest is known from the buffer's area.
            const int x0 = std::max(0, win.x0), y0 = std::max(0, win.y0);
            const int x1 = std::min(r.width, win.x0 + win.width), y1 = std::min(r.height, win.y0 + win.height);
            win = coverage::Window{x0, y0, x1 - x0, y1 - y0};
            estimate_outside = true;
        }
        // The coverage of this buffer: swept, or replayed from the raster
        // before on the same grid (the same pixel rings over the same window).
        record_ = &records[i];
        record_rings_ = &rings[i];
        replay_ = record_->is_of(rings[i], win);
        BufferSums sums;
        if (spec.categorical) {
            classes.clear();
            accumulate_any<true>(win, sums);
        } else {
            accumulate_any<false>(win, sums);
        }
        // A raster around the globe: the buffer's columns past either
        // edge, moved a turn, are swept again for their cells (the
        // covered area, valid or not, is the first sweep's).
        const bool wraps = wraps_x || round_pole[i];
        if (wraps && estimate_outside && (windows[i].x0 < 0 || windows[i].x0 + windows[i].width > r.width))
            m.warnings.push_back("the " + std::to_string(std::llround(out.radius_m)) + " m" +
                                 " buffer runs past +-180 over more cells than are swept; its statistics "
                                 "leave out the part beyond");
        if (wraps && !estimate_outside)
            for (const int shift : {turn_cols, -turn_cols}) {
                const coverage::Window moved{win.x0 + shift, win.y0, win.width, win.height};
                if (moved.x0 >= r.width || moved.x0 + moved.width <= 0) continue;
                wrapped_rings = rings[i];
                for (double& x : wrapped_rings.x) x += shift;
                record_ = &wrapped_record;
                record_rings_ = &wrapped_rings;
                replay_ = false;
                BufferSums more;
                if (spec.categorical)
                    accumulate_any<true>(moved, more);
                else
                    accumulate_any<false>(moved, more);
                sums.valid_m2 += more.valid_m2;
                sums.value_m2 += more.value_m2;
                sums.min = std::min(sums.min, more.min);
                sums.max = std::max(sums.max, more.max);
            }
        if (estimate_outside) sums.total_m2 = std::max(sums.total_m2, out.buffer_area_m2);
        out.covered_cells = sums.cells;
        out.valid_share = sums.total_m2 > 0 ? std::min(1.0, sums.valid_m2 / sums.total_m2) : 0.0;
        if (sums.valid_m2 <= 0) continue;
        if (spec.categorical) {
            out.class_shares = classes.sorted();
            double best = -1;
            for (auto& [value, area_m2] : out.class_shares) {
                if (area_m2 > best) {  // ascending values: ties keep the smallest
                    best = area_m2;
                    out.majority = value;
                }
                area_m2 /= sums.valid_m2;
            }
        } else {
            out.mean = sums.value_m2 / sums.valid_m2;
            if (sums.min <= sums.max) {
                out.min = sums.min;
                out.max = sums.max;
            }
        }
    }

    if (centre_ok) {
        double px = (centre_x - r.gt[0]) / r.gt[1];
        const double py = (centre_y - r.gt[3]) / r.gt[5];
        // A site on a geographic raster's west edge (lon -180 on a -180..180 grid, 0 on a 0..360
        // one) is half a turn from the raster's middle either way: unwrap() takes the turn to the
        // east, a column past the raster's east edge. Its cell is the one a turn back.
        if (geographic && !(px >= 0 && px < r.width)) {
            const double turn = period_x / r.gt[1];
            if (px - turn >= 0 && px - turn < r.width)
                px -= turn;
            else if (px + turn >= 0 && px + turn < r.width)
                px += turn;
        }
        if (px >= 0 && py >= 0 && px < r.width && py < r.height)
            m.value_at_site = cell_value(static_cast<int>(px), static_cast<int>(py));
    }
    release_grid();
    return m;
}

}  // namespace sitescreen
