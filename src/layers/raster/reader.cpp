// A raster reader's set-up and its block source: blocks mapped from an uncompressed GeoTIFF or
// read through GDAL, and summarised for the zonal sums (raster_blocks.h).
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

RasterReader::Impl::Impl(const LayerSpec& s, std::shared_ptr<RasterBlocks> shared,
                         std::shared_ptr<RasterSweeps> thread_sweeps, bool wgs84_lonlat)
    : spec(s),
      r(open_raster(s, /*with_srs=*/!wgs84_lonlat)),
      blocks(shared ? std::move(shared) : std::make_shared<RasterBlocks>()),
      sweeps(thread_sweeps ? std::move(thread_sweeps) : make_raster_sweeps()) {
    const bool identity = wgs84_lonlat || is_wgs84_lonlat(r.srs.get());
    geographic = identity || OSRIsGeographic(r.srs.get()) != 0;
    if (geographic) {
        period_x = identity ? 360.0 : lon_period(r.srs.get());
        deg_per_unit = 360.0 / period_x;
        row_area_cache_m2.assign(r.height, std::numeric_limits<double>::quiet_NaN());
        wraps_x = std::fabs(std::fabs(r.width * r.gt[1]) - period_x) < 1e-6 * period_x;
        const double cols = period_x / std::fabs(r.gt[1]);
        if (wraps_x)
            turn_cols = r.width;
        else if (std::fabs(cols - std::round(cols)) < 1e-6 && cols < 2e9)
            turn_cols = static_cast<int>(std::round(cols));
    }
    // Created once per reader: building a PROJ pipeline costs far more than using it.
    if (!identity) {
        SrsPtr wgs84 = wgs84_srs();
        to_raster.reset(OCTNewCoordinateTransformation(wgs84.get(), r.srs.get()));
        if (!to_raster)
            throw InputError(where(spec) + ": cannot transform WGS 84 coordinates into its CRS: " + gdal_last_error());
        if (!geographic) {
            to_wgs84.reset(OCTNewCoordinateTransformation(r.srs.get(), wgs84.get()));
            if (!to_wgs84) throw InputError(where(spec) + ": cannot transform its CRS to WGS 84: " + gdal_last_error());
        }
    }
    switch (r.type) {
        case GDT_Byte:
        case GDT_UInt16:
        case GDT_Int16:
        case GDT_UInt32:
        case GDT_Int32:
        case GDT_Float32:
        case GDT_Float64:
            read_type = r.type;  // native: least memory traffic
            break;
        default:
            read_type = GDT_Float64;  // 64-bit integers and the rest
    }
    cell_bytes = static_cast<std::size_t>(GDALGetDataTypeSizeBytes(read_type));
    int nbw = 0, nbh = 0;
    GDALGetBlockSize(r.band, &nbw, &nbh);
    constexpr std::size_t kMaxNaturalBlockBytes = 8u << 20;
    natural_blocks = read_type == r.type && nbw > 0 && nbh > 0 &&
                     static_cast<std::size_t>(nbw) * nbh * cell_bytes <= kMaxNaturalBlockBytes;
    if (natural_blocks) {
        block_w = nbw;
        block_h = nbh;
    }
    blocks_x = (r.width + block_w - 1) / block_w;
    blocks_y = (r.height + block_h - 1) / block_h;
    blocks->set_layout(blocks_x, blocks_y);
    if (natural_blocks && cells_lie_in_file()) {
        mapping = blocks->file_mapping(spec.path);
        // The cells' bytes are used as they are: the file's byte order must be ours.
        const bool little_host = [] {
            const std::uint16_t one = 1;
            unsigned char b;
            std::memcpy(&b, &one, 1);
            return b == 1;
        }();
        if (mapping && cell_bytes > 1 &&
            (mapping->size() < 2 || mapping->data()[0] != (little_host ? 'I' : 'M') ||
             mapping->data()[1] != mapping->data()[0]))
            mapping.reset();
    }
}

bool RasterReader::Impl::cells_lie_in_file() const {
    GDALDriverH driver = GDALGetDatasetDriver(r.ds.get());
    if (!driver || std::strcmp(GDALGetDriverShortName(driver), "GTiff") != 0) return false;
    if (GDALGetMetadataItem(r.ds.get(), "COMPRESSION", "IMAGE_STRUCTURE")) return false;
    if (GDALGetMetadataItem(r.band, "NBITS", "IMAGE_STRUCTURE")) return false;
    const char* interleave = GDALGetMetadataItem(r.ds.get(), "INTERLEAVE", "IMAGE_STRUCTURE");
    return r.band_count == 1 || (interleave && EQUAL(interleave, "BAND"));
}

bool RasterReader::Impl::map_block(int bx, int by, int vw, int vh, RasterBlock& block) const {
    char key[64];
    std::snprintf(key, sizeof key, "BLOCK_OFFSET_%d_%d", bx, by);
    const char* off = GDALGetMetadataItem(r.band, key, "TIFF");
    std::snprintf(key, sizeof key, "BLOCK_SIZE_%d_%d", bx, by);
    const char* len = GDALGetMetadataItem(r.band, key, "TIFF");
    if (!off || !len) return false;
    const unsigned long long offset = std::strtoull(off, nullptr, 10), size = std::strtoull(len, nullptr, 10);
    // The bytes the readers use: vh rows of block_w cells, the last row vw long.
    const std::size_t need = (static_cast<std::size_t>(vh - 1) * block_w + vw) * cell_bytes;
    if (offset == 0 || size < need || offset > mapping->size() || mapping->size() - offset < need) return false;
    block.cells = mapping->data() + offset;
    block.size = need;
    block.mapping = mapping;
    return true;
}

void RasterReader::Impl::load(int bx, int by, RasterBlock& block) {
    const int x0 = bx * block_w, y0 = by * block_h;
    const int vw = std::min(block_w, r.width - x0), vh = std::min(block_h, r.height - y0);
    if (mapping && map_block(bx, by, vw, vh, block)) return;
    block.size = static_cast<std::size_t>(block_w) * block_h * cell_bytes;
    block.owned.reset(new unsigned char[block.size]);
    block.cells = block.owned.get();
    CPLErrorReset();
    const CPLErr err = natural_blocks
                           ? GDALReadBlock(r.band, bx, by, block.owned.get())
                           : GDALRasterIO(r.band, GF_Read, x0, y0, vw, vh, block.owned.get(), vw, vh, read_type,
                                          static_cast<int>(cell_bytes), static_cast<int>(cell_bytes) * block_w);
    if (err != CE_None)
        throw SiteError(where(spec) + ": read failed (cells " + std::to_string(x0) + ".." +
                        std::to_string(x0 + vw - 1) + ", rows " + std::to_string(y0) + ".." +
                        std::to_string(y0 + vh - 1) + "): " + gdal_last_error());
}

void RasterReader::Impl::summarise(int bx, int by, const RasterBlock& block, BlockSummary& summary) {
    const int vw = std::min(block_w, r.width - bx * block_w), vh = std::min(block_h, r.height - by * block_h);
    with_cell_type([&](auto tag) {
        using T = decltype(tag);
        summarise_block<T>(cells_of<T>(block), block_w, vw, vh, make_cell_test<T>(r.nodata), spec.categorical, summary);
    });
}

std::shared_ptr<RasterSweeps> make_raster_sweeps() { return std::make_shared<RasterSweeps>(); }

RasterReader::RasterReader(const LayerSpec& spec, std::shared_ptr<RasterBlocks> shared,
                           std::shared_ptr<RasterSweeps> sweeps, bool wgs84_lonlat)
    : impl_(std::make_unique<Impl>(spec, std::move(shared), std::move(sweeps), wgs84_lonlat)) {}
RasterReader::~RasterReader() = default;

RasterMeasurement RasterReader::measure(const SiteGeometry& site) { return impl_->measure(site); }

}  // namespace sitescreen
