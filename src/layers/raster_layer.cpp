// Raster layers: exact, area-weighted zonal statistics of a raster band inside a
// site's geodesic buffers (semantics and method in docs/raster.md).
#include "layers/raster_layer.h"

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
#include "layers/raster_blocks.h"

namespace sitescreen {
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

// Per screening thread: the last sweep of each buffer (by index), which the
// next raster on the same grid replays (coverage::SweepRecord). Sites are
// measured layer after layer on one thread, so the rasters of a catalog
// sharing a grid sweep each buffer once.
std::vector<coverage::SweepRecord>& sweep_records() {
    thread_local std::vector<coverage::SweepRecord> records;
    return records;
}

std::string where(const LayerSpec& spec) { return "layer '" + spec.id + "': raster '" + spec.path + "'"; }

// "PG:...", "NETCDF:...", "HDF5:..." name datasets that are not plain files.
bool is_connection_string(const std::string& path) {
    const auto colon = path.find(':');
    if (colon == std::string::npos || colon < 2) return false;  // "C:\..." is a file
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = path[i];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    }
    return true;
}

// A raster opened and checked: band present, georeferenced north-up, CRS known.
struct OpenedRaster {
    DatasetPtr ds;
    GDALRasterBandH band = nullptr;
    int width = 0, height = 0, band_count = 0;
    double gt[6] = {0, 1, 0, 0, 0, 1};
    SrsPtr srs;
    GDALDataType type = GDT_Unknown;
    std::optional<double> nodata;
};

OpenedRaster open_raster(const LayerSpec& spec) {
    gdal_init();
    OpenedRaster r;
    CPLErrorReset();
    r.ds.reset(GDALOpenEx(spec.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!r.ds) {
        VSIStatBufL st;
        if (!is_connection_string(spec.path) && VSIStatExL(spec.path.c_str(), &st, VSI_STAT_EXISTS_FLAG) != 0)
            throw InputError(where(spec) + " not found");
        throw InputError(where(spec) + " cannot be opened as a raster: " +
                         gdal_last_error("not a raster format GDAL can read"));
    }
    r.width = GDALGetRasterXSize(r.ds.get());
    r.height = GDALGetRasterYSize(r.ds.get());
    r.band_count = GDALGetRasterCount(r.ds.get());
    if (spec.band < 1 || spec.band > r.band_count)
        throw InputError(where(spec) + " has " + std::to_string(r.band_count) + " band(s); band " +
                         std::to_string(spec.band) + " does not exist");
    r.band = GDALGetRasterBand(r.ds.get(), spec.band);
    r.type = GDALGetRasterDataType(r.band);
    if (GDALDataTypeIsComplex(r.type))
        throw InputError(where(spec) + " band " + std::to_string(spec.band) + " holds complex numbers");

    if (GDALGetGeoTransform(r.ds.get(), r.gt) != CE_None)
        throw InputError(where(spec) + " has no geotransform (it is not georeferenced)");
    if (r.gt[2] != 0 || r.gt[4] != 0)
        throw InputError(where(spec) +
                         " has a rotated geotransform, which is not supported; warp it to a north-up grid "
                         "(gdalwarp) first");
    if (r.gt[1] == 0 || r.gt[5] == 0 || !std::isfinite(r.gt[1]) || !std::isfinite(r.gt[5]))
        throw InputError(where(spec) + " has a degenerate geotransform (zero pixel size)");

    const std::string crs_context = "layer '" + spec.id + "': crs";
    if (spec.crs && !spec.crs->empty()) {
        r.srs = srs_from_user(*spec.crs, crs_context);
    } else {
        OGRSpatialReferenceH h = GDALGetSpatialRef(r.ds.get());
        if (h == nullptr || OGRSpatialReference::FromHandle(h)->IsEmpty())
            throw InputError(where(spec) + " has no CRS; set crs: in the catalog");
        r.srs.reset(OSRClone(h));
        OSRSetAxisMappingStrategy(r.srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
    }
    if (!OSRIsGeographic(r.srs.get()) && !OSRIsProjected(r.srs.get()))
        throw InputError(where(spec) + " has a CRS that is neither geographic nor projected ('" +
                         std::string(OSRGetName(r.srs.get()) ? OSRGetName(r.srs.get()) : "?") + "')");

    if (spec.nodata) {
        r.nodata = *spec.nodata;
    } else {
        int has = 0;
        const double v = GDALGetRasterNoDataValue(r.band, &has);
        if (has) r.nodata = v;
    }
    return r;
}

// Longitude period in the units of a geographic CRS (360 for degrees).
double lon_period(OGRSpatialReferenceH srs) {
    const double rad_per_unit = OSRGetAngularUnits(srs, nullptr);
    return rad_per_unit > 0 ? 2 * kPi / rad_per_unit : 360.0;
}

// One cell as it lies in a block: mapped GeoTIFF blocks start wherever the
// file puts them, so cells are loaded byte-wise (an ordinary load on x86;
// loops over them still vectorise).
template <typename T>
struct Cell {
    unsigned char bytes[sizeof(T)];
    operator T() const noexcept {
        T v;
        std::memcpy(&v, bytes, sizeof v);
        return v;
    }
};
static_assert(sizeof(Cell<double>) == sizeof(double) && alignof(Cell<double>) == 1);

template <typename T>
const Cell<T>* cells_of(const RasterBlock& b) {
    return reinterpret_cast<const Cell<T>*>(b.cells);
}

// Validity of one cell value: nodata (exact match) and NaN are invalid.
template <typename T>
struct CellTest {
    bool has_nodata = false;
    T nodata{};
    bool valid(T v) const {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(v)) return false;
        }
        return !(has_nodata && v == nodata);
    }
};

template <typename T>
CellTest<T> make_cell_test(const std::optional<double>& nodata) {
    CellTest<T> t;
    if (!nodata || std::isnan(*nodata)) return t;  // NaN is always invalid already
    const double v = *nodata;
    if constexpr (std::is_integral_v<T>) {
        // A nodata value the type cannot hold matches no cell.
        if (v == std::floor(v) && v >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
            v <= static_cast<double>(std::numeric_limits<T>::max())) {
            t.has_nodata = true;
            t.nodata = static_cast<T>(v);
        }
    } else {
        t.has_nodata = true;
        t.nodata = static_cast<T>(v);
    }
    return t;
}

template <typename T>
long long class_of(T v) {
    if constexpr (std::is_integral_v<T>) {
        return static_cast<long long>(v);
    } else {
        const double r = std::round(static_cast<double>(v));
        return static_cast<long long>(std::clamp(r, -9.2e18, 9.2e18));
    }
}

// Ground area per class: a flat array for the usual 0..255 class codes, a short
// list (with a last-hit cache, as classes come in runs) for anything else.
class ClassTable {
public:
    void clear() {
        small_.fill(0.0);
        other_.clear();
        last_ = 0;
    }
    void add(long long value, double area_m2) {
        if (value >= 0 && value < 256) {
            small_[static_cast<std::size_t>(value)] += area_m2;
            return;
        }
        if (last_ < other_.size() && other_[last_].first == value) {
            other_[last_].second += area_m2;
            return;
        }
        for (std::size_t i = 0; i < other_.size(); ++i) {
            if (other_[i].first == value) {
                other_[i].second += area_m2;
                last_ = i;
                return;
            }
        }
        other_.emplace_back(value, area_m2);
        last_ = other_.size() - 1;
    }
    // Classes with area > 0, ascending by value.
    std::vector<std::pair<long long, double>> sorted() const {
        std::vector<std::pair<long long, double>> out = other_;
        for (std::size_t v = 0; v < small_.size(); ++v)
            if (small_[v] > 0) out.emplace_back(static_cast<long long>(v), small_[v]);
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::array<double, 256> small_{};
    std::vector<std::pair<long long, double>> other_;
    std::size_t last_ = 0;
};

// Sums over one buffer.
struct BufferSums {
    double total_m2 = 0;   // covered ground area, valid or not (cells beyond the raster included)
    double valid_m2 = 0;   // covered ground area of valid cells
    double value_m2 = 0;   // sum of value x covered ground area over valid cells
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double cells = 0;
};

// Integer sums where the type allows: exact, and short dependency chains.
template <typename T>
using SumOf = std::conditional_t<std::is_integral_v<T>, long long, double>;

// Summary of one segment (up to kSegmentCells cells of one block row).
template <typename T>
struct SegmentStats {
    SumOf<T> sum;
    std::uint32_t valid;
    T min, max;  // over valid cells; max() / lowest() when there is none
};

// A block's segment summaries from its cells (vw x vh of them are in the raster).
template <typename T>
void summarise_block(const Cell<T>* cells, int bw, int vw, int vh, const CellTest<T>& test, bool categorical,
                     BlockSummary& s) {
    s.segments = (vw + kSegmentCells - 1) / kSegmentCells;
    const std::size_t n_seg = static_cast<std::size_t>(vh) * s.segments;
    if (!categorical) {
        s.stats.assign(n_seg * sizeof(SegmentStats<T>), 0);
        auto* out = reinterpret_cast<SegmentStats<T>*>(s.stats.data());
        for (int y = 0; y < vh; ++y) {
            const Cell<T>* row = cells + static_cast<std::size_t>(y) * bw;
            for (int k = 0; k < s.segments; ++k) {
                const int a = k * kSegmentCells, b = std::min(vw, a + kSegmentCells);
                SumOf<T> sum = 0;
                std::uint32_t valid = 0;
                T mn = std::numeric_limits<T>::max(), mx = std::numeric_limits<T>::lowest();
                for (int c = a; c < b; ++c) {
                    const T v = row[c];
                    const bool ok = test.valid(v);
                    valid += ok;
                    sum += ok ? static_cast<SumOf<T>>(v) : SumOf<T>(0);
                    mn = ok && v < mn ? v : mn;
                    mx = ok && v > mx ? v : mx;
                }
                out[static_cast<std::size_t>(y) * s.segments + k] = SegmentStats<T>{sum, valid, mn, mx};
            }
        }
        return;
    }
    // Categorical: the block's classes (a few, in land cover), then counts per segment.
    std::vector<long long>& cls = s.classes;
    cls.clear();
    for (int y = 0; y < vh; ++y) {
        const Cell<T>* row = cells + static_cast<std::size_t>(y) * bw;
        T last{};
        bool have_last = false;
        for (int c = 0; c < vw; ++c) {
            const T v = row[c];
            if (have_last && v == last) continue;
            last = v;
            have_last = true;
            if (!test.valid(v)) continue;
            const long long k = class_of(v);
            if (std::find(cls.begin(), cls.end(), k) != cls.end()) continue;
            if (cls.size() == kMaxBlockClasses) {
                cls.clear();
                s.has_classes = false;  // too many: the kernel visits this block's cells
                return;
            }
            cls.push_back(k);
        }
    }
    std::sort(cls.begin(), cls.end());
    s.has_classes = true;
    const std::size_t nk = cls.size();
    s.counts.assign(n_seg * nk, 0);
    if (nk == 0) return;
    for (int y = 0; y < vh; ++y) {
        const Cell<T>* row = cells + static_cast<std::size_t>(y) * bw;
        std::size_t j = 0;
        for (int k = 0; k < s.segments; ++k) {
            unsigned char* count = &s.counts[(static_cast<std::size_t>(y) * s.segments + k) * nk];
            const int a = k * kSegmentCells, b = std::min(vw, a + kSegmentCells);
            for (int c = a; c < b; ++c) {
                const T v = row[c];
                if (!test.valid(v)) continue;
                const long long key = class_of(v);
                if (cls[j] != key) j = static_cast<std::size_t>(std::lower_bound(cls.begin(), cls.end(), key) - cls.begin());
                ++count[j];
            }
        }
    }
}

}  // namespace

RasterInfo inspect_raster(const LayerSpec& spec) {
    OpenedRaster r = open_raster(spec);
    RasterInfo info;
    info.width = r.width;
    info.height = r.height;
    info.band_count = r.band_count;
    info.data_type = GDALGetDataTypeName(r.type);
    std::copy(r.gt, r.gt + 6, info.geotransform);
    info.nodata = r.nodata;
    char* wkt = nullptr;
    const char* wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
    if (OSRExportToWktEx(r.srs.get(), &wkt, wkt_options) == OGRERR_NONE && wkt) info.crs_wkt = wkt;
    CPLFree(wkt);
    const char* name = OSRGetName(r.srs.get());
    info.crs_name = name ? name : "";

    // One pixel in the middle shows that the data can be decoded at all.
    double probe = 0;
    CPLErrorReset();
    if (GDALRasterIO(r.band, GF_Read, r.width / 2, r.height / 2, 1, 1, &probe, 1, 1, GDT_Float64, 0, 0) != CE_None)
        throw InputError(where(spec) + " cannot be read (corrupt?): " + gdal_last_error());

    SrsPtr wgs84 = wgs84_srs();
    TransformPtr to_wgs84(OCTNewCoordinateTransformation(r.srs.get(), wgs84.get()));
    if (!to_wgs84)
        throw InputError(where(spec) + ": cannot transform its CRS '" + info.crs_name + "' to WGS 84: " +
                         gdal_last_error());
    const double x_a = r.gt[0], x_b = r.gt[0] + r.width * r.gt[1];
    const double y_a = r.gt[3], y_b = r.gt[3] + r.height * r.gt[5];
    double w = 0, s = 0, e = 0, n = 0;
    if (OCTTransformBounds(to_wgs84.get(), std::min(x_a, x_b), std::min(y_a, y_b), std::max(x_a, x_b),
                           std::max(y_a, y_b), &w, &s, &e, &n, 21)) {
        info.west = w;
        info.south = s;
        info.east = e;
        info.north = n;
    }
    return info;
}

struct RasterReader::Impl final : BlockLoader {
    LayerSpec spec;
    OpenedRaster r;
    bool geographic = false;
    double period_x = 360;          // geographic rasters: a full turn of longitude in CRS units
    double deg_per_unit = 1;        // geographic rasters: degrees per CRS angular unit
    TransformPtr to_raster;         // WGS 84 lon/lat -> raster CRS; null when the raster is WGS 84 lon/lat
    TransformPtr to_wgs84;          // projected rasters: raster CRS -> WGS 84, for the areal scale
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
    std::vector<char> placed;              // buffer i overlaps the raster
    // The blocks of this site's window, fetched on first use and released
    // after the site: [(by - grid_by0) * grid_nx + (bx - grid_bx0)].
    int grid_bx0 = 0, grid_by0 = 0, grid_nx = 0, grid_ny = 0;
    std::vector<std::shared_ptr<const RasterBlock>> grid_cells;
    std::vector<std::shared_ptr<const BlockSummary>> grid_summaries;
    coverage::CoverageSweep sweep;
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
    ClassTable classes;
    std::vector<double> row_area_cache_m2;  // geographic: cell ground area of each raster row (NaN = not yet)
    std::vector<double> scale_row, scale_area_m2;  // projected: cell ground area sampled down the window

    Impl(const LayerSpec& s, std::shared_ptr<RasterBlocks> shared)
        : spec(s), r(open_raster(s)), blocks(shared ? std::move(shared) : std::make_shared<RasterBlocks>()) {
        geographic = OSRIsGeographic(r.srs.get()) != 0;
        SrsPtr wgs84 = wgs84_srs();
        bool identity = false;
        if (geographic) {
            period_x = lon_period(r.srs.get());
            deg_per_unit = 360.0 / period_x;
            const char* same_options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
            identity = std::fabs(deg_per_unit - 1) < 1e-12 &&
                       OSRIsSameEx(wgs84.get(), r.srs.get(), same_options) != 0;
            row_area_cache_m2.assign(r.height, std::numeric_limits<double>::quiet_NaN());
            wraps_x = std::fabs(std::fabs(r.width * r.gt[1]) - period_x) < 1e-6 * period_x;
            const double cols = period_x / std::fabs(r.gt[1]);
            if (wraps_x) turn_cols = r.width;
            else if (std::fabs(cols - std::round(cols)) < 1e-6 && cols < 2e9) turn_cols = static_cast<int>(std::round(cols));
        }
        // Created once per reader: building a PROJ pipeline costs far more than using it.
        if (!identity) {
            to_raster.reset(OCTNewCoordinateTransformation(wgs84.get(), r.srs.get()));
            if (!to_raster)
                throw InputError(where(spec) + ": cannot transform WGS 84 coordinates into its CRS: " +
                                 gdal_last_error());
        }
        if (!geographic) {
            to_wgs84.reset(OCTNewCoordinateTransformation(r.srs.get(), wgs84.get()));
            if (!to_wgs84)
                throw InputError(where(spec) + ": cannot transform its CRS to WGS 84: " + gdal_last_error());
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

    // An uncompressed GeoTIFF of whole-byte cells, one band per block: each
    // block's bytes in the file are its cells, row-major.
    bool cells_lie_in_file() const {
        GDALDriverH driver = GDALGetDatasetDriver(r.ds.get());
        if (!driver || std::strcmp(GDALGetDriverShortName(driver), "GTiff") != 0) return false;
        if (GDALGetMetadataItem(r.ds.get(), "COMPRESSION", "IMAGE_STRUCTURE")) return false;
        if (GDALGetMetadataItem(r.band, "NBITS", "IMAGE_STRUCTURE")) return false;
        const char* interleave = GDALGetMetadataItem(r.ds.get(), "INTERLEAVE", "IMAGE_STRUCTURE");
        return r.band_count == 1 || (interleave && EQUAL(interleave, "BAND"));
    }

    // Block (bx, by)'s place in the mapped file, if it has one there (a sparse
    // block has none).
    bool map_block(int bx, int by, int vw, int vh, RasterBlock& block) const {
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

    // BlockLoader: reads block (bx, by) through this reader's own handle.
    void load(int bx, int by, RasterBlock& block) override {
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

    // Calls f(T{}) with T the C++ type of the cells in memory (read_type).
    template <typename F>
    decltype(auto) with_cell_type(F&& f) const {
        switch (read_type) {
            case GDT_Byte: return f(std::uint8_t{});
            case GDT_UInt16: return f(std::uint16_t{});
            case GDT_Int16: return f(std::int16_t{});
            case GDT_UInt32: return f(std::uint32_t{});
            case GDT_Int32: return f(std::int32_t{});
            case GDT_Float32: return f(float{});
            default: return f(double{});
        }
    }

    void summarise(int bx, int by, const RasterBlock& block, BlockSummary& summary) override {
        const int vw = std::min(block_w, r.width - bx * block_w), vh = std::min(block_h, r.height - by * block_h);
        with_cell_type([&](auto tag) {
            using T = decltype(tag);
            summarise_block<T>(cells_of<T>(block), block_w, vw, vh,
                               make_cell_test<T>(r.nodata), spec.categorical, summary);
        });
    }

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
    void to_raster_crs(std::size_t n) {
        ok.assign(n, 1);
        if (!to_raster || n == 0) return;
        OCTTransformEx(to_raster.get(), static_cast<int>(n), tx.data(), ty.data(), nullptr, ok.data());
        for (std::size_t i = 0; i < n; ++i)
            if (ok[i] && !(std::isfinite(tx[i]) && std::isfinite(ty[i]))) ok[i] = 0;
    }

    // The longitude of a geographic raster's x nearest to `ref` (same place, +- full turns).
    double unwrap(double x, double ref) const { return x - period_x * std::round((x - ref) / period_x); }

    enum class Placement { Ok, Outside };

    // Buffer i -> rings in pixel coordinates and its window.
    Placement place_buffer(const MultiPolygon& mp_ll, double centre_x, coverage::PixelRings& px,
                           coverage::Window& win, char& pole) {
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
            double prev_x = centre_x;
            for (std::size_t j = 0; j < ring.size(); ++j, ++k) {
                if (!ok[k]) {
                    ++failed;
                    continue;
                }
                const double x = geographic ? unwrap(tx[k], prev_x) : tx[k];
                prev_x = x;
                px.add_vertex((x - gt[0]) / gt[1], (ty[k] - gt[3]) / gt[5]);
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
        const bool misses = (!pole && (win.x0 >= r.width || win.x0 + win.width <= 0)) || win.y0 >= r.height ||
                            win.y0 + win.height <= 0;
        if (misses) return Placement::Outside;
        if (failed > 0)
            throw SiteError("layer '" + spec.id + "': " + std::to_string(failed) +
                            " buffer vertices cannot be transformed into the raster's CRS");
        return Placement::Ok;
    }

    // Ground area (m2) of one cell of raster row `row` (any integer, inside the raster or not).
    double row_area_m2(int row) {
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

    double lonlat_row_area_m2(int row) const {
        auto lat = [&](int j) { return std::clamp((r.gt[3] + j * r.gt[5]) * deg_per_unit, -90.0, 90.0); };
        return geodesic::lonlat_cell_area_m2(std::min(lat(row), lat(row + 1)), std::max(lat(row), lat(row + 1)),
                                             std::fabs(r.gt[1]) * deg_per_unit);
    }

    // Projected rasters: the ground area of a cell is its area in the CRS
    // divided by the areal scale factor. The factor is evaluated in the site's
    // column at rows at most 10 km apart down the window, as
    // |d(lon, lat)/d(x, y)| M N cos(lat) by central differences through the
    // raster -> WGS 84 transformation (see docs/raster.md for why not proj_factors).
    void sample_areal_scale(double site_x, const coverage::Window& rows) {
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
            const double ground_per_unit2 = geodesic::meridional_radius_m(phi) *
                                            geodesic::prime_vertical_radius_m(phi) * std::cos(phi * kDeg) * jac;
            scale_area_m2[k] = cell_units2 * ground_per_unit2;
        }
    }

    // One buffer's sums. Boundary cells go one by one with their fractions.
    // Runs of whole cells (most of a buffer) take each block's segment
    // summaries where a run covers a whole segment, and the cells only at the
    // run's two ends; every cell of a row shares the row's ground area.
    template <typename T, bool Categorical>
    void accumulate(const coverage::Window& win, BufferSums& sums) {
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
        auto visit = [&](int row, const coverage::BoundaryCell* bcells, std::size_t n_cells,
                         const coverage::FullRun* runs, std::size_t n_runs) {
            const int y = win.y0 + row;
            const double cell_m2 = row_area_m2(y);
            const bool in_raster_row = y >= 0 && y < height;
            const int by = in_raster_row ? y / block_h : 0;
            const std::size_t row_offset = static_cast<std::size_t>(y - by * block_h) * block_w;
            // Cells of block column bx in this row.
            auto row_cells = [&](int bx) {
                return cells_of<T>(block_cells(bx, by)) + row_offset;
            };
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
    void accumulate_any(const coverage::Window& win, BufferSums& sums) {
        with_cell_type([&](auto tag) { accumulate<decltype(tag), Categorical>(win, sums); });
    }

    // The value of one raster cell as double; nullopt for nodata, NaN or outside.
    std::optional<double> cell_value(int x, int y) {
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

    RasterMeasurement measure(const SiteGeometry& site) {
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

        std::vector<coverage::SweepRecord>& records = sweep_records();
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
                    if (spec.categorical) accumulate_any<true>(moved, more);
                    else accumulate_any<false>(moved, more);
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
            const double px = (centre_x - r.gt[0]) / r.gt[1];
            const double py = (centre_y - r.gt[3]) / r.gt[5];
            if (px >= 0 && py >= 0 && px < r.width && py < r.height)
                m.value_at_site = cell_value(static_cast<int>(px), static_cast<int>(py));
        }
        release_grid();
        return m;
    }
};

RasterReader::RasterReader(const LayerSpec& spec, std::shared_ptr<RasterBlocks> shared)
    : impl_(std::make_unique<Impl>(spec, std::move(shared))) {}
RasterReader::~RasterReader() = default;

RasterMeasurement RasterReader::measure(const SiteGeometry& site) { return impl_->measure(site); }

}  // namespace sitescreen
