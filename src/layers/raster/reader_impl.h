// Internal to src/layers/raster/: the state of one raster reader (one per screening thread and
// layer). reader.cpp opens the raster and serves its blocks; zonal.cpp places a site's buffers on
// the grid and sums the covered cells.
#pragma once

#include <gdal.h>
#include <ogr_srs_api.h>

#include <memory>
#include <optional>
#include <vector>

#include "geo/coverage.h"
#include "io/gdal_handles.h"
#include "layers/raster/cells.h"
#include "layers/raster/open.h"
#include "layers/raster/raster_blocks.h"
#include "layers/raster/raster_layer.h"

namespace sitescreen {

class RasterSweeps {
public:
    std::vector<coverage::SweepRecord> records;  // by buffer index
};

struct RasterReader::Impl final : BlockLoader {
    LayerSpec spec;
    raster_kit::OpenedRaster r;
    bool geographic = false;
    double period_x = 360;    // geographic rasters: a full turn of longitude in CRS units
    double deg_per_unit = 1;  // geographic rasters: degrees per CRS angular unit
    TransformPtr to_raster;   // WGS 84 lon/lat -> raster CRS; null when the raster is WGS 84 lon/lat
    TransformPtr to_wgs84;    // projected rasters: raster CRS -> WGS 84, for the areal scale
    GDALDataType read_type = GDT_Float64;
    std::size_t cell_bytes = 8;
    // Blocks: the file's own (tiles, strips) when they hold the read type and
    // are not huge; otherwise 256 x 256 windows read through GDAL.
    std::shared_ptr<RasterBlocks> blocks;
    int block_w = 256, block_h = 256, blocks_x = 0, blocks_y = 0;
    bool natural_blocks = false;
    std::shared_ptr<const FileMapping> mapping;  // uncompressed GeoTIFF: blocks are mapped, not read

    // Per-reader buffers, reused from site to site.
    std::vector<double> tx, ty;
    std::vector<int> ok;
    std::vector<coverage::PixelRings> rings;
    std::vector<coverage::Window> windows;
    std::vector<char> placed;  // buffer i overlaps the raster
    // The blocks of this site's window, fetched on first use and released
    // after the site: [(by - grid_by0) * grid_nx + (bx - grid_bx0)].
    int grid_bx0 = 0, grid_by0 = 0, grid_nx = 0, grid_ny = 0;
    std::vector<std::shared_ptr<const RasterBlock>> grid_cells;
    std::vector<std::shared_ptr<const BlockSummary>> grid_summaries;
    coverage::CoverageSweep sweep;
    std::shared_ptr<RasterSweeps> sweeps;  // shared by the readers of this thread
    // The buffer being measured: its sweep's record, its pixel rings, and
    // whether the record already holds its coverage (measure()).
    coverage::SweepRecord* record_ = nullptr;
    const coverage::PixelRings* record_rings_ = nullptr;
    bool replay_ = false;
    // A geographic raster spanning a whole turn of longitude: a buffer's
    // columns beyond its east or west edge are its columns a turn away.
    bool wraps_x = false;
    // Geographic rasters with a whole number of columns per turn of
    // longitude: that number (else 0). A buffer round a pole spans a turn,
    // and is swept again a turn away for the columns past the raster's edge.
    int turn_cols = 0;
    std::vector<char> round_pole;  // buffer i goes round a pole
    coverage::PixelRings wrapped_rings;
    coverage::SweepRecord wrapped_record;
    raster_kit::ClassTable classes;
    std::vector<double> row_area_cache_m2;         // geographic: cell ground area of each raster row (NaN = not yet)
    std::vector<double> scale_row, scale_area_m2;  // projected: cell ground area sampled down the window

    Impl(const LayerSpec& s, std::shared_ptr<RasterBlocks> shared, std::shared_ptr<RasterSweeps> thread_sweeps,
         bool wgs84_lonlat);

    // An uncompressed GeoTIFF of whole-byte cells, one band per block: each
    // block's bytes in the file are its cells, row-major.
    bool cells_lie_in_file() const;

    // Block (bx, by)'s place in the mapped file, if it has one there (a sparse
    // block has none).
    bool map_block(int bx, int by, int vw, int vh, RasterBlock& block) const;

    // BlockLoader: reads block (bx, by) through this reader's own handle.
    void load(int bx, int by, RasterBlock& block) override;

    // Calls f(T{}) with T the C++ type of the cells in memory (read_type).
    template <typename F>
    decltype(auto) with_cell_type(F&& f) const {
        switch (read_type) {
            case GDT_Byte:
                return f(std::uint8_t{});
            case GDT_UInt16:
                return f(std::uint16_t{});
            case GDT_Int16:
                return f(std::int16_t{});
            case GDT_UInt32:
                return f(std::uint32_t{});
            case GDT_Int32:
                return f(std::int32_t{});
            case GDT_Float32:
                return f(float{});
            default:
                return f(double{});
        }
    }

    void summarise(int bx, int by, const RasterBlock& block, BlockSummary& summary) override;

    // This site's blocks: the grid over raster window `w` (clamped), emptied.
    void start_grid(int x0, int y0, int x1, int y1) {
        grid_bx0 = x0 / block_w;
        grid_by0 = y0 / block_h;
        grid_nx = (x1 - 1) / block_w - grid_bx0 + 1;
        grid_ny = (y1 - 1) / block_h - grid_by0 + 1;
        grid_cells.assign(static_cast<std::size_t>(grid_nx) * grid_ny, nullptr);
        grid_summaries.assign(grid_cells.size(), nullptr);
    }
    void release_grid() {
        grid_cells.clear();
        grid_summaries.clear();
        extra_cells.clear();
        extra_summaries.clear();
        grid_nx = grid_ny = 0;
    }
    bool in_grid(int bx, int by) const {
        return bx >= grid_bx0 && by >= grid_by0 && bx < grid_bx0 + grid_nx && by < grid_by0 + grid_ny;
    }
    // Block (bx, by) of this site: fetched once per site and kept until it ends.
    template <typename T, typename Fetch>
    const T& site_block(std::vector<std::shared_ptr<const T>>& grid, std::vector<std::shared_ptr<const T>>& extra,
                        int bx, int by, Fetch&& fetch) {
        if (!in_grid(bx, by)) {  // outside the site's window (not expected): kept all the same
            extra.push_back(fetch());
            return *extra.back();
        }
        auto& p = grid[static_cast<std::size_t>(by - grid_by0) * grid_nx + (bx - grid_bx0)];
        if (!p) p = fetch();
        return *p;
    }
    const RasterBlock& block_cells(int bx, int by) {
        return site_block(grid_cells, extra_cells, bx, by, [&] { return blocks->cells(bx, by, *this); });
    }
    // The block's cells if this site has them at hand already, else null.
    const RasterBlock* loaded_cells(int bx, int by) const {
        if (!in_grid(bx, by)) return nullptr;
        return grid_cells[static_cast<std::size_t>(by - grid_by0) * grid_nx + (bx - grid_bx0)].get();
    }
    const BlockSummary& block_summary(int bx, int by) {
        return site_block(grid_summaries, extra_summaries, bx, by, [&] { return blocks->summary(bx, by, *this); });
    }
    std::vector<std::shared_ptr<const RasterBlock>> extra_cells;
    std::vector<std::shared_ptr<const BlockSummary>> extra_summaries;

    // WGS 84 lon/lat -> raster CRS, in place; ok[i] = 0 where it failed.
    void to_raster_crs(std::size_t n);

    // The longitude of a geographic raster's x nearest to `ref` (same place, +- full turns).
    double unwrap(double x, double ref) const { return x - period_x * std::round((x - ref) / period_x); }

    enum class Placement { Ok, Outside };

    // Buffer i -> rings in pixel coordinates and its window.
    Placement place_buffer(const MultiPolygon& mp_ll, double centre_x, coverage::PixelRings& px, coverage::Window& win,
                           char& pole);

    // Ground area (m2) of one cell of raster row `row` (any integer, inside the raster or not).
    double row_area_m2(int row);

    double lonlat_row_area_m2(int row) const;
    // A geographic raster's pixel row coordinate of a latitude (CRS units), linear within each row
    // in the ground area from the row's first edge, not in latitude (zonal.cpp, place_buffer).
    double area_row_coordinate(double y) const;

    // Projected rasters: the ground area of a cell is its area in the CRS
    // divided by the areal scale factor. The factor is evaluated in the site's
    // column at rows at most 10 km apart down the window, as
    // |d(lon, lat)/d(x, y)| M N cos(lat) by central differences through the
    // raster -> WGS 84 transformation (see docs/raster.md for why not proj_factors).
    void sample_areal_scale(double site_x, const coverage::Window& rows);

    // One buffer's sums. Boundary cells go one by one with their fractions.
    // Runs of whole cells (most of a buffer) take each block's segment
    // summaries where a run covers a whole segment, and the cells only at the
    // run's two ends; every cell of a row shares the row's ground area.
    template <typename T, bool Categorical>
    void accumulate(const coverage::Window& win, raster_kit::BufferSums& sums);

    template <bool Categorical>
    void accumulate_any(const coverage::Window& win, raster_kit::BufferSums& sums);

    // The value of one raster cell as double; nullopt for nodata, NaN or outside.
    std::optional<double> cell_value(int x, int y);

    RasterMeasurement measure(const SiteGeometry& site);
};

}  // namespace sitescreen
