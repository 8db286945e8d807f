// The per-site report's avoidance-search section below its first line (search_blocks.h), from the
// typed AlternativeSearch: the ranked locations, then what the search did and what the first
// location clears, as key-value rows and tables with the catalog's words.
#include "report/search_blocks.h"

#include <algorithm>

#include "report/block_kit.h"
#include "report/formats.h"

namespace sitescreen::report {
namespace {

using i18n::Catalog;
using kit::enum_word, kit::heading, kit::joined, kit::key_values, kit::table, kit::yes_no;

std::string count(std::size_t n) { return std::to_string(n); }

// A list is one row when short; a long one (over 12) is a heading and a bulleted list after the rows.
struct Rows {
    Block kv = key_values();
    std::vector<std::pair<std::string, std::vector<std::string>>> long_lists;
    const Catalog& tr;
    void add(const char* key, std::string value) { kv.rows.push_back({Cell{tr.text(key)}, Cell{std::move(value)}}); }
    void list(const char* key, const std::vector<std::string>& items) {
        if (items.size() <= 12)
            add(key, kit::joined_or_none(items, tr));
        else
            long_lists.emplace_back(tr.text(key), items);
    }
};

Block clears_table(const std::vector<ClearedFinding>& clears, const Catalog& tr) {
    const bool any_feature = std::any_of(clears.begin(), clears.end(),
                                         [](const ClearedFinding& c) { return c.feature_id || c.feature_name; });
    Block t = table({tr.text("field.rule"), tr.text("field.level"), tr.text("field.layer")});
    if (any_feature) t.header.push_back(tr.text("field.feature"));
    t.header.push_back(tr.text("field.what"));
    for (const ClearedFinding& c : clears) {
        std::vector<Cell> row{Cell{c.rule}, Cell{enum_word(tr, "value.level", to_string(c.level)), "", true},
                              Cell{c.layer}};
        if (any_feature)
            row.emplace_back(c.feature_id || c.feature_name
                                 ? tr.text("field.id") + ": " + c.feature_id.value_or("") + ", " +
                                       tr.text("field.name") + ": " + c.feature_name.value_or("")
                                 : std::string());
        row.emplace_back(c.what);
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace

Block ranked_table(const std::vector<AlternativeLocation>& alternatives, const Catalog& tr) {
    Block t = table({tr.text("field.rank"), tr.text("field.level_at_alternative"), tr.text("field.distance_m"),
                     tr.text("field.bearing_deg"), tr.text("field.lon"), tr.text("field.lat")});
    for (std::size_t k = 0; k < alternatives.size(); ++k) {
        const AlternativeLocation& a = alternatives[k];
        t.rows.push_back({Cell{count(k + 1), "num"},
                          Cell{enum_word(tr, "value.level_at_alternative", to_string(a.level_at_alternative))},
                          Cell{number_text(a.distance_m), "num"}, Cell{number_text(a.bearing_deg), "num"},
                          Cell{number_text(a.at.lon), "num"}, Cell{number_text(a.at.lat), "num"}});
    }
    return t;
}

void search_blocks(const AlternativeSearch& a, std::vector<Block>& out, const Catalog& tr) {
    Rows rows{key_values(), {}, tr};
    rows.add("field.aim", enum_word(tr, "value.aim", a.aim_below == Level::NoGo ? "below no-go" : "below high"));
    const AlternativeLocation* first = a.found() ? &a.alternatives.front() : nullptr;
    if (!first || first->clears.empty()) rows.add("field.clears", kit::none(tr));
    if (first) {
        rows.add("field.level_at_alternative",
                 enum_word(tr, "value.level_at_alternative", to_string(first->level_at_alternative)));
        rows.add("field.lowers_verdict", yes_no(first->lowers_verdict, tr));
        rows.list("field.remaining", first->remaining);
    }
    if (!a.note.empty()) rows.add("field.note", a.note);
    if (!first) rows.add("field.alternatives", kit::none(tr));
    rows.add("field.search_radius_m", number_text(a.search_radius_m));
    rows.add("field.step_m", number_text(a.step_m));
    rows.add("field.resolution_m", number_text(a.resolution_m));
    static const char* const kShapes[] = {"point", "footprint", "declared_area"};
    std::string shape =
        tr.text("field.shape") + ": " + enum_word(tr, "value.shape", kShapes[static_cast<int>(a.shape)]);
    if (a.shape == AlternativeSearch::Shape::DeclaredArea)
        shape += ", " + tr.text("field.footprint_radius_m") + ": " + number_text(a.footprint_radius_m);
    shape += ", " + tr.text("field.setback_m") + ": " + number_text(a.setback_m) + ", " + tr.text("field.reach_m") +
             ": " + number_text(a.reach_m) + ", " + tr.text("field.separation_m") + ": " + number_text(a.separation_m);
    rows.add("field.searched_as", shape);
    rows.add("field.stopped", enum_word(tr, "value.stopped", a.stopped_at_budget ? "budget" : "covered"));
    rows.add("field.certified", yes_no(a.certified, tr));
    rows.list("field.layers_checked", a.layers_checked);
    rows.add("field.candidates_evaluated", count(a.candidates_evaluated));
    rows.add("field.areas_closed", count(a.areas_closed));
    rows.add("field.verified", count(a.verified));
    rows.add("field.rejected_by_full_screen", count(a.rejected_by_full_screen));
    if (!a.stays_within.empty()) {
        rows.list("field.stays_within", a.stays_within);
        rows.add("field.rejected_outside_units", count(a.rejected_outside_units));
    }
    rows.add("field.moved",
             enum_word(tr, "value.moved", a.moved_footprint ? "footprint (translated rigidly)" : "point"));
    if (!a.profile_note.empty()) rows.add("field.profile_note", a.profile_note);
    out.push_back(std::move(rows.kv));
    // The record's order: clears before the long lists of the rows above.
    if (first && !first->clears.empty()) {
        out.push_back(heading(3, tr.text("field.clears")));
        out.push_back(clears_table(first->clears, tr));
    }
    for (auto& [name, items] : rows.long_lists) {
        out.push_back(heading(3, name));
        Block b;
        b.kind = Block::Kind::Bullets;
        b.items = std::move(items);
        out.push_back(std::move(b));
    }
}

}  // namespace sitescreen::report
