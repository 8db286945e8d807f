// Internal to src/layers/vector/: the piece-level geometry that loading, the dissolved tiles and
// measuring share (clipping a piece to a box and projecting it into a site's frame, the queries
// and shifts across the antimeridian, grouping by union-find). Not part of the layer's interface.
#pragma once

#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "geo/local_frame.h"
#include "geo/union_disc.h"
#include "layers/vector/vector_layer.h"

namespace sitescreen::vector_kit {

// Disjoint sets (union-find with path halving) over 0..n-1: groups of
// features or parts whose boxes meet.
class DisjointSets {
public:
    explicit DisjointSets(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
    std::size_t root(std::size_t i) {
        while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
        return i;
    }
    // Joins the sets of i and j; returns the root of the joined set.
    std::size_t join(std::size_t i, std::size_t j) {
        const std::size_t ri = root(i), rj = root(j);
        if (ri != rj) parent_[ri] = rj;
        return rj;
    }
    // The sets of two or more members and the singletons, each in member
    // order, ordered by their smallest member.
    std::vector<std::vector<std::size_t>> groups() {
        std::map<std::size_t, std::vector<std::size_t>> by_root;
        for (std::size_t i = 0; i < parent_.size(); ++i) by_root[root(i)].push_back(i);
        std::vector<std::vector<std::size_t>> out;
        for (auto& [r, members] : by_root) out.push_back(std::move(members));
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
        return out;
    }

private:
    std::vector<std::size_t> parent_;
};

// Clips a lon/lat polygon (outer ring and holes) to the box and projects it
// into the frame. With `sides`, records per ring which segments lie along the
// box (and the box runs). False, with `xy` left unspecified, when the outer
// ring is clipped away. (pieces.cpp says how edges are densified.)
bool clip_and_project(const Polygon& ll, const Box& box, const LocalFrame& frame, double far_m, Polygon& xy,
                      Ring& clipped, Ring& tmp, const Piece* piece = nullptr,
                      std::vector<std::vector<std::int8_t>>* sides = nullptr, std::vector<BoxRun>* runs = nullptr);

// A lon/lat polygon cut to the box by GEOS's rectangle clip and projected into the frame, every
// edge divided every 0.01 degree (project_ring), appended to `out`: the piece as GEOS overlays
// need it (unions of features that share borders, polygon sites). clip_and_project's ring is
// right for integrals but not for GEOS: where the polygon leaves and re-enters the box it runs
// along the box's side and back, and GEOS's make-valid turns such a zero-width spike into area
// (one 5 km buffer came out wholly covered, against 81 % by an independent overlay). A valid
// polygon comes out valid; nothing is appended when nothing of it is in the box.
void clip_for_overlay(const Polygon& ll, const Box& box, const LocalFrame& frame, std::vector<geos::GeomPtr>& out);

// The distance from the frame's origin to a lon/lat polygon clipped to the box, to the last bit
// what ring_distance_to_origin gives for each ring of clip_and_project's result (infinity when
// the outer ring is clipped away), but projecting the points of a divided edge only where they
// may be the nearest (pieces.cpp).
double clipped_distance_to_origin(const Polygon& ll, const Box& box, const LocalFrame& frame, double far_m,
                                  Ring& clipped, Ring& tmp, DistanceScratch& scratch);

// The piece moved by `shift` degrees of longitude (a whole turn, +-360):
// pieces found beyond the antimeridian from a site's box are measured in the
// box's own longitudes, so that clipping keeps what lies within reach.
const Piece& shifted_piece(const Piece& p, double shift, Piece& out);

// The R-tree queries that find every piece within a lon/lat box that may run
// past +-180 (geodesic::bounding_box leaves its longitudes unwrapped): the
// box itself, and the part beyond each antimeridian turned back by a whole
// turn, with the shift (degrees) that brings what it finds into the box's
// longitudes. A box never spans more than a turn, so the parts are disjoint.
std::vector<std::pair<Box, double>> wrapped_queries(const Box& box);

Box shifted_box(const Box& b, double shift);

// The range of distances from the frame's origin over a lon/lat box: from its
// four corners and the middles of its sides, widened by twice each side's
// bulge off its chord (lon/lat lines curve gently in the frame) and a metre.
std::pair<double, double> box_distance_range(const Box& b, const LocalFrame& frame);

// How many times VectorLayer::feature_region or feature_joined fell back to the overlay union in
// this process (the pieces did not meet edge to edge): for the tests, which expect none.
std::uint64_t feature_region_overlays();
// How many times they took GEOS's coverage union because join_coverage declined the pieces: for
// the tests, which expect none.
std::uint64_t feature_join_declines();

}  // namespace sitescreen::vector_kit
