// Loads config/activities.yaml (ENCORE ratings per activity), picks a site's row and writes L2 / E2 entries.
#include "screen/activities.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/errors.h"
#include "io/install_path.h"
#include "screen/config_file.h"
#include "i18n/messages.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

const i18n::Catalog& tr() { return i18n::current(); }

using config::fail;
using config::only;

std::string scalar(const std::string& file, const YAML::Node& n, const std::string& key) {
    if (!n || !n.IsScalar()) fail(file, key, n ? "expected a text value" : "missing");
    return n.as<std::string>();
}

std::vector<ActivityTopic> read_topics(const std::string& file, const YAML::Node& root, const std::string& key,
                                       bool pressures) {
    const YAML::Node n = root[key];
    if (!n || !n.IsMap() || n.size() == 0) fail(file, key, "expected a map of " + key);
    std::vector<ActivityTopic> out;
    for (const auto& kv : n) {
        ActivityTopic t;
        t.id = kv.first.as<std::string>();
        const std::string k = key + "." + t.id;
        only(file, kv.second, k,
             pressures ? std::set<std::string>{"encore", "driver", "criteria", "title", "title_zh"}
                       : std::set<std::string>{"encore", "criteria", "title", "title_zh"});
        t.encore = scalar(file, kv.second["encore"], k + ".encore");
        if (kv.second["title"]) t.title = scalar(file, kv.second["title"], k + ".title");
        if (kv.second["title_zh"]) t.title_zh = scalar(file, kv.second["title_zh"], k + ".title_zh");
        if (pressures) {
            const std::string d = scalar(file, kv.second["driver"], k + ".driver");
            if (d != "none") {
                for (Driver dr : kAllDrivers)
                    if (d == to_string(dr)) t.driver = dr;
                if (!t.driver)
                    fail(file, k + ".driver",
                         "expected none, land_use_change, water_use, pollution or ghg, not '" + d + "'");
            }
        }
        const YAML::Node c = kv.second["criteria"];
        if (!c || !c.IsSequence()) fail(file, k + ".criteria", "expected a list of TNFD criteria (may be empty)");
        for (const auto& e : c) {
            const std::string s = e.as<std::string>();
            const auto cr = criterion_from_string(s);
            if (!cr || *cr == Criterion::Context) fail(file, k + ".criteria", "'" + s + "' is not a TNFD criterion");
            t.criteria.push_back(*cr);
        }
        out.push_back(std::move(t));
    }
    return out;
}

// Digits of an ISIC attribute, four wide ("729" read from a number column is class 0729).
std::string normalise_isic(const std::string& s) {
    std::string d;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c)))
            d += c;
        else if (c == '.' && !d.empty())
            break;  // 2720.0 from a spreadsheet
        else if (!std::isspace(static_cast<unsigned char>(c)))
            return "";
    if (d.empty() || d.size() > 4) return "";
    while (d.size() < 4) d = "0" + d;
    return d;
}

std::string attribute_text(const Json& attrs, const std::string& name) {
    if (!attrs.is_object() || !attrs.contains(name)) return "";
    const Json& v = attrs.at(name);
    if (v.is_string()) {
        std::string s = v.get<std::string>();
        const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
        return b == std::string::npos ? "" : s.substr(b, e - b + 1);
    }
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) return v.dump();
    return "";
}

std::string title_in_language(const std::string& title, const std::string& title_zh, const std::string& key,
                              const std::string& id) {
    if (tr().lang() == i18n::Lang::Zh && !title_zh.empty()) return title_zh;
    if (!title.empty()) return title;
    return tr().text_or(key, id);
}

}  // namespace

std::string topic_title(const ActivityTopic& topic, bool service) {
    return title_in_language(topic.title, topic.title_zh,
                             std::string(service ? "activity.service." : "activity.pressure.") + topic.id, topic.id);
}

std::string activity_title(const ActivityRow& row) {
    return title_in_language(row.title, row.title_zh, "activity.name." + row.id, row.id);
}

ActivityTable ActivityTable::load(const std::string& path) {
    ActivityTable t;
    t.file = path;
    const YAML::Node root = config::load(path, "activity table", "--activities", "SITESCREEN_ACTIVITIES");
    only(path, root, "", {"source", "scale", "services", "pressures", "activities"});
    // The ENCORE version and licence go into every record (locate.activity.source).
    if (const YAML::Node source = root["source"]) {
        if (!source.IsMap()) fail(path, "source", "expected a map");
        if (const YAML::Node encore = source["encore"]) {
            if (!encore.IsMap()) fail(path, "source.encore", "expected a map");
            if (encore["version"]) t.encore_version = scalar(path, encore["version"], "source.encore.version");
            if (encore["licence"]) t.encore_licence = scalar(path, encore["licence"], "source.encore.licence");
        }
    }
    const YAML::Node scale = root["scale"];
    if (!scale || !scale.IsMap()) fail(path, "scale", "expected a map of ENCORE ratings to materiality");
    for (const auto& kv : scale) {
        const std::string r = kv.first.as<std::string>();
        if (kv.second.IsNull()) {
            t.scale_[r] = std::nullopt;
            continue;
        }
        const std::string m = scalar(path, kv.second, "scale." + r);
        const auto mat = materiality_from_string(m);
        if (!mat) fail(path, "scale." + r, "expected none, low, medium, high or null, not '" + m + "'");
        t.scale_[r] = *mat;
    }
    t.services = read_topics(path, root, "services", false);
    t.pressures = read_topics(path, root, "pressures", true);

    const YAML::Node acts = root["activities"];
    if (!acts || !acts.IsMap() || acts.size() == 0) fail(path, "activities", "expected a map of activities");
    std::map<std::string, std::string> isic_owner;
    for (const auto& kv : acts) {
        ActivityRow row;
        row.id = kv.first.as<std::string>();
        const std::string k = "activities." + row.id;
        only(path, kv.second, k,
             {"profile", "value_chain", "isic", "encore", "dependencies", "impacts", "title", "title_zh"});
        row.profile = scalar(path, kv.second["profile"], k + ".profile");
        if (kv.second["title"]) row.title = scalar(path, kv.second["title"], k + ".title");
        if (kv.second["title_zh"]) row.title_zh = scalar(path, kv.second["title_zh"], k + ".title_zh");
        row.value_chain = scalar(path, kv.second["value_chain"], k + ".value_chain");
        if (row.value_chain != "upstream" && row.value_chain != "midstream" && row.value_chain != "downstream")
            fail(path, k + ".value_chain", "expected upstream, midstream or downstream, not '" + row.value_chain + "'");
        const YAML::Node isic = kv.second["isic"];
        if (!isic || !isic.IsSequence())
            fail(path, k + ".isic", "expected a list of ISIC Rev. 4 classes (may be empty)");
        for (const auto& e : isic) {
            const std::string c = e.as<std::string>();
            if (c.size() != 4 || normalise_isic(c) != c)
                fail(path, k + ".isic", "'" + c + "' is not a four-digit ISIC class");
            if (isic_owner.count(c)) fail(path, k + ".isic", "class " + c + " already picks '" + isic_owner[c] + "'");
            isic_owner[c] = row.id;
            row.isic.push_back(c);
        }
        const YAML::Node enc = kv.second["encore"];
        only(path, enc, k + ".encore", {"code", "name", "level", "match", "note"});
        row.encore_code = scalar(path, enc["code"], k + ".encore.code");
        row.encore_name = scalar(path, enc["name"], k + ".encore.name");
        row.encore_level = scalar(path, enc["level"], k + ".encore.level");
        row.match = scalar(path, enc["match"], k + ".encore.match");
        if (row.match != "exact" && row.match != "judgement")
            fail(path, k + ".encore.match", "expected exact or judgement, not '" + row.match + "'");
        if (enc["note"]) row.note = scalar(path, enc["note"], k + ".encore.note");
        if (row.match == "judgement" && row.note.empty())
            fail(path, k + ".encore.note", "a judgement mapping needs a note saying why this ENCORE row stands for it");
        for (const auto& [what, topics, into] :
             {std::tuple<const char*, const std::vector<ActivityTopic>*, std::map<std::string, std::string>*>{
                  "dependencies", &t.services, &row.dependencies},
              {"impacts", &t.pressures, &row.impacts}}) {
            const std::string kk = k + "." + what;
            const YAML::Node m = kv.second[what];
            if (!m || !m.IsMap()) fail(path, kk, "expected a map of ratings");
            for (const auto& r : m) {
                const std::string id = r.first.as<std::string>();
                bool known = false;
                for (const auto& tp : *topics) known = known || tp.id == id;
                if (!known)
                    fail(path, kk + "." + id,
                         std::string("not one of the ") + (topics == &t.services ? "services" : "pressures") +
                             " listed above");
                const std::string rating = scalar(path, r.second, kk + "." + id);
                if (!t.scale_.count(rating))
                    fail(path, kk + "." + id, "'" + rating + "' is not on the scale (VH, H, M, L, VL, ND, N/A)");
                (*into)[id] = rating;
            }
            for (const auto& tp : *topics)
                if (!into->count(tp.id)) fail(path, kk + "." + tp.id, "missing (give ND where ENCORE has no data)");
        }
        for (const auto& other : t.rows)
            if (other.id == row.id) fail(path, k, "listed twice");
        t.rows.push_back(std::move(row));
    }
    return t;
}

const ActivityRow* ActivityTable::find(const std::string& id) const {
    for (const auto& r : rows)
        if (r.id == id) return &r;
    return nullptr;
}

const ActivityRow* ActivityTable::find_isic(const std::string& isic_class) const {
    const std::string c = normalise_isic(isic_class);
    if (c.empty()) return nullptr;
    for (const auto& r : rows)
        for (const auto& k : r.isic)
            if (k == c) return &r;
    return nullptr;
}

std::optional<Materiality> ActivityTable::materiality(const std::string& encore_rating) const {
    auto it = scale_.find(encore_rating);
    return it == scale_.end() ? std::nullopt : it->second;
}

std::string ActivityTable::ids() const {
    std::string s;
    for (const auto& r : rows) s += (s.empty() ? "" : ", ") + r.id;
    return s;
}

std::string default_activities_path() { return installed_path("SITESCREEN_ACTIVITIES", "config/activities.yaml"); }

ActivityChoice choose_activity(const ActivityTable& table, const Site& site, const Profile& profile) {
    ActivityChoice c;
    const ActivityRow* fallback = profile.activity.empty() ? nullptr : table.find(profile.activity);
    const std::string fallback_text = fallback ? fallback->id : tr().text("activity.none");
    const std::string act = attribute_text(site.attributes, "activity");
    const std::string isic = attribute_text(site.attributes, "isic");
    if (!act.empty()) {
        if ((c.row = table.find(act))) {
            c.from = ActivityFrom::Activity;
            return c;
        }
        c.warning = tr().format("activity.unknown", {{"site", site.id},
                                                     {"attribute", "activity"},
                                                     {"value", act},
                                                     {"known", table.ids()},
                                                     {"default", fallback_text}});
    } else if (!isic.empty()) {
        if ((c.row = table.find_isic(isic))) {
            c.from = ActivityFrom::Isic;
            return c;
        }
        c.warning =
            tr().format("activity.unknown_isic",
                        {{"site", site.id}, {"attribute", "isic"}, {"value", isic}, {"default", fallback_text}});
    }
    c.row = fallback;
    c.from = fallback ? ActivityFrom::ProfileDefault : ActivityFrom::None;
    return c;
}

ActivityUse activity_use(const ActivityTable& table, const ActivityChoice& choice) {
    ActivityUse u;
    u.from = choice.from;
    u.warning = choice.warning;
    if (!choice.row) return u;
    const ActivityRow& r = *choice.row;
    u.id = r.id;
    u.title = activity_title(r);
    u.profile = r.profile;
    u.value_chain = r.value_chain;
    u.isic = r.isic;
    u.encore_code = r.encore_code;
    u.encore_name = r.encore_name;
    u.encore_level = r.encore_level;
    u.match = r.match;
    // The note saying why a judgement row stands for the activity stays in config/activities.yaml and
    // docs/leap.md: it is English data, and the record's texts follow the run's language.
    u.encore_version = table.encore_version;
    u.licence = table.encore_licence;
    u.file = table.file;
    for (const bool services : {true, false}) {
        const std::vector<ActivityTopic>& topics = services ? table.services : table.pressures;
        const std::map<std::string, std::string>& ratings = services ? r.dependencies : r.impacts;
        std::vector<ActivityTopicUse>& list = services ? u.dependencies : u.impacts;
        list.reserve(topics.size());
        for (const ActivityTopic& tp : topics) {
            ActivityTopicUse e;
            e.id = tp.id;
            e.encore_rating = ratings.at(tp.id);
            e.materiality = table.materiality(e.encore_rating);
            if (!services) e.driver = tp.driver;
            e.title = topic_title(tp, services);
            if (!e.materiality) e.not_found = tr().text("activity.not_found");
            e.location_dependent = !tp.criteria.empty();
            list.push_back(std::move(e));
        }
    }
    return u;
}

ActivityPairs activity_pairs(const ActivityTable& table, const ActivityChoice& choice,
                             const std::vector<CriterionFinding>& criteria) {
    ActivityPairs pairs;
    if (!choice.row) return pairs;
    pairs.activity = choice.row->id;
    for (const bool services : {true, false}) {
        const std::vector<ActivityTopic>& topics = services ? table.services : table.pressures;
        const std::map<std::string, std::string>& ratings = services ? choice.row->dependencies : choice.row->impacts;
        for (const ActivityTopic& tp : topics) {
            const std::string& rating = ratings.at(tp.id);
            const auto mat = table.materiality(rating);
            if (mat && *mat == Materiality::None) continue;  // ENCORE: not applicable
            TopicPairing e;
            e.id = tp.id;
            e.encore_rating = rating;
            e.materiality = mat;
            if (!services) e.driver = tp.driver;
            std::string met;  // the met criteria's names, for the sentence
            bool any_met = false, any_assessed = false;
            for (Criterion c : tp.criteria) {
                const auto at = std::find_if(criteria.begin(), criteria.end(),
                                             [&](const CriterionFinding& f) { return f.criterion == c; });
                TopicPairing::Located found;
                found.criterion = c;
                if (at != criteria.end()) {
                    found.status = at->status;
                    found.exposure = at->exposure;
                }
                if (found.status != CriterionStatus::NotAssessed) any_assessed = true;
                if (found.status == CriterionStatus::Met) {
                    any_met = true;
                    met += (met.empty() ? "" : tr().text("assess.list_sep")) +
                           tr().text(std::string("criterion.") + to_string(c));
                }
                if (found.exposure && (!e.highest_exposure || *found.exposure > *e.highest_exposure))
                    e.highest_exposure = found.exposure;
                e.locate.push_back(found);
            }
            if (tp.criteria.empty())
                e.found = TopicFound::LocationIndependent;
            else if (any_met)
                e.found = TopicFound::Met;
            else if (any_assessed)
                e.found = TopicFound::NotMet;
            else
                e.found = TopicFound::NotAssessed;
            e.why = tr().format(std::string("activity.e2.") + to_string(e.found),
                                {{"what", topic_title(tp, services)},
                                 {"rating", tr().text_or("value.encore_rating." + rating, rating)},
                                 {"criteria", met}});
            (services ? pairs.dependencies : pairs.impacts).push_back(std::move(e));
        }
    }
    return pairs;
}

}  // namespace sitescreen
