// The per-site report's Locate and Evaluate sections from the typed result (leap_stages.h): each
// stage's heading, its own tables (leap_tables.h) and the stages' other facts, laid out as the
// report always showed them: key-value rows for single facts, one table per list.
#include "report/leap_stages.h"

#include <algorithm>

#include "core/rounding.h"
#include "report/block_kit.h"
#include "report/formats.h"
#include "report/leap_tables.h"
#include "screen/profile.h"

namespace sitescreen::report {
namespace {

using Kind = Block::Kind;
using i18n::Catalog;
using kit::enum_word, kit::heading, kit::joined, kit::key_values, kit::table, kit::yes_no;

// An optional enum value in the catalog's words, "—" when there is none.
template <class E>
std::string enum_word(const Catalog& tr, const char* words, const std::optional<E>& value) {
    return value ? enum_word(tr, words, to_string(*value)) : "—";
}

Cell number_cell(double v) { return Cell{number_text(v), "num"}; }
Cell number_cell(const std::optional<double>& v) { return v ? number_cell(*v) : Cell{"—"}; }

std::string criteria_words(const std::vector<Criterion>& criteria, const char* words_key, const Catalog& tr) {
    std::vector<std::string> words;
    for (Criterion c : criteria) words.push_back(enum_word(tr, words_key, to_string(c)));
    return kit::joined_or_none(words, tr);
}

std::vector<Criterion> met_criteria(const std::vector<CriterionFinding>& criteria) {
    std::vector<Criterion> met;
    for (const CriterionFinding& c : criteria)
        if (c.status == CriterionStatus::Met) met.push_back(c.criterion);
    return met;
}

// L2: each driver's materiality for the site, and the profile's.
Block drivers_table(const std::vector<DriverMateriality>& drivers, const Catalog& tr) {
    Block t = table({tr.text("field.driver"), tr.text("field.materiality"), tr.text("field.profile_materiality"),
                     tr.text("field.screened"), tr.text("field.location_dependent"), tr.text("field.why")});
    for (const DriverMateriality& d : drivers)
        t.rows.push_back({Cell{enum_word(tr, "value.driver", to_string(d.driver))},
                          Cell{enum_word(tr, "value.materiality", to_string(d.materiality))},
                          Cell{enum_word(tr, "value.profile_materiality", to_string(d.profile_materiality))},
                          Cell{yes_no(d.materiality != Materiality::None, tr)}, Cell{yes_no(d.location_dependent, tr)},
                          Cell{joined(d.why)}});
    return t;
}

// L3: the context layers the site is inside, and the interface with each layer read. A layer's
// row has the columns its kind measures: a column shows when any layer has it, in the order the
// layers first give them.
Block context_table(const std::vector<ContextLayer>& context, const Catalog& tr) {
    Block t = table({tr.text("field.layer"), tr.text("field.theme"), tr.text("field.inside")});
    for (const ContextLayer& c : context)
        t.rows.push_back({Cell{c.layer}, Cell{enum_word(tr, "value.theme", c.theme)}, Cell{joined(c.inside)}});
    return t;
}

enum class InterfaceColumn { Inside, ValueAtSite, Distance, Feature, BwsCat, ClassAtSite, NaturalShare };

std::vector<InterfaceColumn> interface_columns(const LayerInterface& i) {
    std::vector<InterfaceColumn> c;
    c.push_back(i.inside ? InterfaceColumn::Inside : InterfaceColumn::ValueAtSite);
    if (i.inside || i.distance_m) c.push_back(InterfaceColumn::Distance);
    if (i.feature) c.push_back(InterfaceColumn::Feature);
    if (i.bws_cat) c.push_back(InterfaceColumn::BwsCat);
    if (i.class_at_site) c.push_back(InterfaceColumn::ClassAtSite);
    if (i.natural_share) c.push_back(InterfaceColumn::NaturalShare);
    return c;
}

Block interfaces_table(const std::vector<LayerInterface>& layers, const Catalog& tr) {
    std::vector<InterfaceColumn> columns;
    for (const LayerInterface& i : layers)
        for (InterfaceColumn c : interface_columns(i))
            if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
    static const char* const kNames[] = {"field.inside",  "field.value_at_site", "field.distance_m",   "field.feature",
                                         "field.bws_cat", "field.class_at_site", "field.natural_share"};
    Block t = table({tr.text("field.layer"), tr.text("field.theme"), tr.text("field.criterion")});
    for (InterfaceColumn c : columns) t.header.push_back(tr.text(kNames[static_cast<int>(c)]));
    for (const LayerInterface& i : layers) {
        std::vector<Cell> row{Cell{i.layer}, Cell{enum_word(tr, "value.theme", i.theme)},
                              Cell{enum_word(tr, "value.criterion", to_string(i.criterion))}};
        const std::vector<InterfaceColumn> has = interface_columns(i);
        for (InterfaceColumn c : columns) {
            if (std::find(has.begin(), has.end(), c) == has.end()) {
                row.emplace_back("");
                continue;
            }
            switch (c) {
                case InterfaceColumn::Inside:
                    row.emplace_back(yes_no(*i.inside, tr));
                    break;
                case InterfaceColumn::ValueAtSite:
                    row.push_back(number_cell(i.value_at_site));
                    break;
                case InterfaceColumn::Distance:
                    row.push_back(number_cell(i.distance_m));
                    break;
                case InterfaceColumn::Feature:
                    row.emplace_back(*i.feature);
                    break;
                case InterfaceColumn::BwsCat:
                    row.emplace_back(std::to_string(*i.bws_cat), "num");
                    break;
                case InterfaceColumn::ClassAtSite:
                    row.emplace_back(*i.class_at_site);
                    break;
                case InterfaceColumn::NaturalShare:
                    row.push_back(number_cell(*i.natural_share));
                    break;
            }
        }
        t.rows.push_back(std::move(row));
    }
    return t;
}

// A list of a stage: an empty one is a key-value row that says "none", as a single fact; a full
// one has its heading and its table.
struct StageList {
    std::string name;
    bool empty;
    Block table;
};

void list_blocks(std::vector<StageList> lists, std::vector<Block>& out, const Catalog& tr, Block kv = key_values()) {
    for (const StageList& l : lists)
        if (l.empty) kv.rows.push_back({Cell{l.name}, Cell{kit::none(tr)}});
    if (!kv.rows.empty()) out.push_back(std::move(kv));
    for (StageList& l : lists) {
        if (l.empty) continue;
        out.push_back(heading(4, l.name));
        out.push_back(std::move(l.table));
    }
}

// E1: Locate's met evidence, the assets at stake.
Block assets_table(const std::vector<CriterionFinding>& criteria, const Catalog& tr) {
    Block t =
        table({tr.text("field.criterion"), tr.text("field.layer"), tr.text("field.theme"), tr.text("field.what")});
    for (const CriterionFinding& c : criteria)
        for (const Evidence& e : c.evidence)
            if (e.status == CriterionStatus::Met)
                t.rows.push_back({Cell{enum_word(tr, "value.criterion", to_string(c.criterion))}, Cell{e.layer},
                                  Cell{enum_word(tr, "value.theme", e.theme)}, Cell{e.why}});
    return t;
}

// E2: each driver against each receptor, rated.
Block pairs_table(const std::vector<DriverPair>& pairs, const Catalog& tr) {
    Block t = table({tr.text("field.driver"), tr.text("field.receptor"), tr.text("field.materiality"),
                     tr.text("field.exposure"), tr.text("field.rating"), tr.text("field.trace")});
    for (const DriverPair& p : pairs)
        t.rows.push_back({Cell{enum_word(tr, "value.driver", to_string(p.driver))},
                          Cell{enum_word(tr, "value.receptor", to_string(p.receptor))},
                          Cell{enum_word(tr, "value.materiality", to_string(p.materiality))},
                          Cell{enum_word(tr, "value.exposure", p.exposure)},
                          Cell{enum_word(tr, "value.rating", p.rating), "", true}, Cell{p.trace}});
    return t;
}

// E3: the site's figures and what Locate measured, each when known.
void figures_blocks(const EvaluateFigures& e, std::vector<Block>& out, const Catalog& tr) {
    const SiteFigures& f = e.site;
    Block kv = key_values();
    auto row = [&](const char* name, std::string value) { kv.rows.push_back({Cell{tr.text(name)}, Cell{value}}); };
    if (f.annual_output) row("field.annual_output", number_text(*f.annual_output));
    if (f.water_intensity) row("field.water_intensity_m3_per_unit", number_text(*f.water_intensity));
    if (f.withdrawal_m3) {
        row("field.annual_withdrawal_m3", number_text(round1(*f.withdrawal_m3)));
        row("field.annual_withdrawal_from", f.withdrawal_from);
    }
    if (f.footprint_ha) {
        row("field.footprint_ha", number_text(round3(*f.footprint_ha)));
        row("field.footprint_from", f.footprint_from);
    }
    if (f.capacity_mw) row("field.capacity_mw", number_text(*f.capacity_mw));
    if (!f.project_category.empty())
        row("field.project_category", enum_word(tr, "value.project_category", f.project_category));
    if (e.nearest_biodiversity_m) {
        row("field.nearest_biodiversity_m", number_text(round1(*e.nearest_biodiversity_m)));
        row("field.nearest_biodiversity_feature", e.nearest_biodiversity_feature);
    }
    if (e.bws_cat) row("field.bws_cat", std::to_string(*e.bws_cat));
    if (e.natural_share) {
        row("field.natural_share", number_text(round3(*e.natural_share)));
        row("field.natural_share_radius_m", number_text(e.natural_share_radius_m));
    }
    const bool long_notes = f.notes.size() > 12;
    if (!f.notes.empty() && !long_notes) row("field.notes", joined(f.notes));
    if (!kv.rows.empty()) out.push_back(std::move(kv));
    if (long_notes) {
        out.push_back(heading(4, tr.text("field.notes")));
        Block b;
        b.kind = Kind::Bullets;
        b.items = f.notes;
        out.push_back(std::move(b));
    }
}

// E2 by activity: each ENCORE dependency and impact with what Locate found for its criteria.
Block topic_pairs_table(const std::vector<TopicPairing>& topics, bool dependencies, const Catalog& tr) {
    Block t = table({tr.text(dependencies ? "field.service" : "field.pressure"), tr.text("field.materiality"),
                     tr.text("field.encore_rating"), tr.text("field.locate")});
    if (!dependencies) t.header.push_back(tr.text("field.driver"));
    for (const char* k : {"field.found", "field.highest_exposure", "field.why"}) t.header.push_back(tr.text(k));
    for (const TopicPairing& p : topics) {
        std::vector<std::string> located;
        for (const TopicPairing::Located& c : p.locate) {
            std::string s = tr.text("field.criterion") + ": " +
                            enum_word(tr, "value.criterion", to_string(c.criterion)) + ", " + tr.text("field.status") +
                            ": " + enum_word(tr, "value.status", to_string(c.status));
            if (c.exposure)
                s += ", " + tr.text("field.exposure") + ": " + enum_word(tr, "value.exposure", to_string(*c.exposure));
            located.push_back(std::move(s));
        }
        std::vector<Cell> row{Cell{enum_word(tr, dependencies ? "value.service" : "value.pressure", p.id)},
                              Cell{enum_word(tr, "value.materiality", p.materiality)},
                              Cell{enum_word(tr, "value.encore_rating", p.encore_rating)}, Cell{joined(located)}};
        if (!dependencies) row.emplace_back(enum_word(tr, "value.driver", p.driver));
        row.emplace_back(enum_word(tr, "value.found", to_string(p.found)));
        row.emplace_back(enum_word(tr, "value.highest_exposure", p.highest_exposure));
        row.emplace_back(p.why);
        t.rows.push_back(std::move(row));
    }
    return t;
}

// A rating (exposure, impact) for people: "Very high" / "很高".
std::string exposure_text(Rating r, const Catalog& tr) {
    const std::string s = to_string(r);
    return tr.text_or("rating." + s, humanise(s));
}

std::string status_text(const std::string& s, const Catalog& tr) {
    if (s == "met" || s == "not_met" || s == "not_assessed") return tr.text("report.status." + s);
    return humanise(s);
}

}  // namespace

Block criteria_table(const std::vector<CriterionFinding>& criteria, const Catalog& tr) {
    Block t;
    t.kind = Kind::Table;
    t.header = {tr.text("report.criteria.criterion"), tr.text("report.criteria.status"),
                tr.text("report.criteria.exposure"), tr.text("report.criteria.evidence")};
    for (const CriterionFinding& c : criteria) {
        Cell status;
        status.tag = to_string(c.status);
        status.text = status_text(status.tag, tr);
        status.strong = c.status == CriterionStatus::Met;
        Cell evidence;
        for (const Evidence& e : c.evidence)
            evidence.lines.push_back("[" + status_text(to_string(e.status), tr) + "] " + e.why);
        if (evidence.lines.empty() && !c.why.empty()) evidence.lines.push_back(c.why);
        if (evidence.lines.empty()) evidence.text = "—";
        const std::string name = to_string(c.criterion);
        t.rows.push_back({Cell{tr.text_or("criterion." + name, humanise(name)), "", true}, status,
                          Cell{c.exposure ? exposure_text(*c.exposure, tr) : "—"}, evidence});
    }
    return t;
}

void locate_blocks(const SiteResult& r, const std::string& profile, std::vector<Block>& out, const Catalog& tr) {
    const Locate& l = *r.locate;
    // L1: what the site is and where it sits in the value chain.
    out.push_back(heading(3, tr.text("report.stage.l1")));
    Block l1 = key_values();
    l1.rows.push_back({Cell{tr.text("field.site_type")}, Cell{enum_word(tr, "value.site_type", l.site_type)}});
    l1.rows.push_back({Cell{tr.text("field.value_chain")}, Cell{enum_word(tr, "value.value_chain", l.value_chain)}});
    l1.rows.push_back({Cell{tr.text("field.title")}, Cell{l.title}});
    out.push_back(std::move(l1));

    // L2: the drivers, then the activity's dependencies and impacts.
    out.push_back(heading(3, tr.text("report.stage.l2")));
    if (!l.drivers.empty()) out.push_back(drivers_table(l.drivers, tr));
    activity_blocks(l.activity, profile, out, tr);

    // L3: the context, the layers, the ecosystems.
    out.push_back(heading(3, tr.text("report.stage.l3")));
    list_blocks({{tr.text("field.context"), l.context.empty(), context_table(l.context, tr)},
                 {tr.text("field.layers"), l.layers.empty(), interfaces_table(l.layers, tr)}},
                out, tr);
    ecosystem_blocks(l.ecosystems, r, out, tr);

    // L4: whether the site is sensitive, then each criterion with its evidence.
    out.push_back(heading(3, tr.text("report.stage.l4")));
    const std::vector<Criterion> met = met_criteria(l.criteria);
    Block kv = key_values();
    kv.rows.push_back({Cell{tr.text("field.sensitive")}, Cell{yes_no(!met.empty(), tr)}});
    kv.rows.push_back({Cell{tr.text("field.criteria_met")}, Cell{criteria_words(met, "value.criteria_met", tr)}});
    out.push_back(std::move(kv));
    out.push_back(criteria_table(l.criteria, tr));
}

void evaluate_blocks(const Evaluate& e, const Locate& l, std::vector<Block>& out, const Catalog& tr) {
    // E1: the drivers and the assets at stake, then the services the activity depends on.
    out.push_back(heading(3, tr.text("report.stage.e1")));
    std::vector<std::string> drivers;
    for (const DriverMateriality& d : l.drivers)
        if (d.materiality != Materiality::None) drivers.push_back(enum_word(tr, "value.drivers", to_string(d.driver)));
    Block assets = assets_table(l.criteria, tr);
    Block e1 = key_values();
    if (assets.rows.empty()) e1.rows.push_back({Cell{tr.text("field.assets")}, Cell{kit::none(tr)}});
    e1.rows.push_back({Cell{tr.text("field.drivers")}, Cell{kit::joined_or_none(drivers, tr)}});
    out.push_back(std::move(e1));
    if (!assets.rows.empty()) {
        out.push_back(heading(4, tr.text("field.assets")));
        out.push_back(std::move(assets));
    }
    service_blocks(e.services, l.ecosystems, out, tr);

    out.push_back(heading(3, tr.text("report.stage.e2")));
    out.push_back(e.pairs.empty() ? kit::note(tr.text("report.e2_no_pair")) : pairs_table(e.pairs, tr));

    out.push_back(heading(3, tr.text("report.stage.e3")));
    figures_blocks(e.figures, out, tr);

    out.push_back(heading(3, tr.text("report.stage.e4")));
    e4_blocks(e.ratings, out, tr);

    out.push_back(heading(3, tr.text("field.e2_activity")));
    Block activity = key_values();
    if (!e.activity.activity.empty())
        activity.rows.push_back(
            {Cell{tr.text("field.activity")}, Cell{enum_word(tr, "value.activity", e.activity.activity)}});
    list_blocks(
        {{tr.text("field.dependencies"), e.activity.dependencies.empty(),
          topic_pairs_table(e.activity.dependencies, true, tr)},
         {tr.text("field.impacts"), e.activity.impacts.empty(), topic_pairs_table(e.activity.impacts, false, tr)}},
        out, tr, std::move(activity));

    out.push_back(heading(3, tr.text("field.metrics")));
    metrics_blocks(e.metrics, out, tr);
}

}  // namespace sitescreen::report
