// What a loaded vector layer derives from its pieces: the packed R-tree, the cells and blocks of
// the far-feature search, and which features may overlap another (VectorLayerBuilder::index).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/parallel_for.h"
#include "layers/vector/load_kit.h"

namespace bgi = boost::geometry::index;

namespace sitescreen {

void VectorLayerBuilder::index(VectorLayer* layer, unsigned threads) {
    // Packed R-tree (bulk loading) over the pieces' boxes.
    std::vector<VectorLayer::IndexValue> values;
    values.reserve(layer->pieces_.size());
    for (std::uint32_t i = 0; i < layer->pieces_.size(); ++i) {
        const Piece& p = layer->pieces_[i];
        Box b;
        if (p.kind == PieceKind::Polygon)
            bg::envelope(p.polygon, b);
        else if (p.kind == PieceKind::Point)
            b = Box(p.point, p.point);
        else
            bg::envelope(p.line, b);
        values.emplace_back(b, i);
    }
    layer->index_ = VectorLayer::RTree(values.begin(), values.end());
    // Cells for the search of far features (far_nearest): the pieces by the
    // whole degree their box's middle lies in, each cell with its box.
    {
        std::map<std::pair<int, int>, std::size_t> cell_of;
        for (const auto& [box, piece] : values) {
            const int cx = static_cast<int>(
                std::floor(0.5 * (box.min_corner().x() + box.max_corner().x()) / VectorLayer::kFarCellDeg));
            const int cy = static_cast<int>(
                std::floor(0.5 * (box.min_corner().y() + box.max_corner().y()) / VectorLayer::kFarCellDeg));
            auto [it, added] = cell_of.emplace(std::make_pair(cx, cy), layer->cells_.size());
            if (added) layer->cells_.push_back({box, {}, {}});
            VectorLayer::Cell& cell = layer->cells_[it->second];
            bg::expand(cell.box, box);
            cell.pieces.push_back(piece);
            cell.boxes.push_back(box);
        }
        std::map<std::pair<int, int>, std::size_t> block_of;
        for (std::uint32_t ci = 0; ci < layer->cells_.size(); ++ci) {
            const Box& box = layer->cells_[ci].box;
            const int bx = static_cast<int>(
                std::floor(0.5 * (box.min_corner().x() + box.max_corner().x()) / VectorLayer::kFarBlockDeg));
            const int by = static_cast<int>(
                std::floor(0.5 * (box.min_corner().y() + box.max_corner().y()) / VectorLayer::kFarBlockDeg));
            auto [it, added] = block_of.emplace(std::make_pair(bx, by), layer->blocks_.size());
            if (added) layer->blocks_.push_back({box, {}});
            VectorLayer::CellBlock& block = layer->blocks_[it->second];
            bg::expand(block.box, box);
            block.cells.push_back(ci);
        }
    }

    // Features whose boxes meet another feature's: only these can overlap, so
    // only these need a union when a buffer meets several of them.
    // The pieces are shared out among the threads, each marking features in
    // flags of its own, merged after (the marks do not depend on the order).
    // A layer restored from the layer cache has its marks already.
    if (layer->may_overlap_.size() != layer->features_.size()) {
        const std::size_t nt = std::max<std::size_t>(1, std::min<std::size_t>(threads, values.size() / 4096 + 1));
        std::vector<std::vector<unsigned char>> marks(nt, std::vector<unsigned char>(layer->features_.size(), 0));
        auto mark_pieces = [&](std::size_t t) {
            std::vector<unsigned char>& may = marks[t];
            for (std::size_t k = t; k < values.size(); k += nt) {
                const auto& [box, piece] = values[k];
                const std::uint32_t feat = layer->pieces_[piece].feature;
                if (may[feat] || layer->pieces_[piece].kind != PieceKind::Polygon) continue;
                for (auto it = layer->index_.qbegin(bgi::intersects(box)); it != layer->index_.qend(); ++it) {
                    const Piece& other = layer->pieces_[it->second];
                    if (other.feature != feat && other.kind == PieceKind::Polygon) {
                        may[feat] = 1;
                        may[other.feature] = 1;
                        break;
                    }
                }
            }
        };
        parallel_for(nt, static_cast<unsigned>(nt), mark_pieces);
        layer->may_overlap_.assign(layer->features_.size(), false);
        for (const auto& may : marks)
            for (std::size_t f = 0; f < may.size(); ++f)
                if (may[f]) layer->may_overlap_[f] = true;
    }
}

}  // namespace sitescreen
