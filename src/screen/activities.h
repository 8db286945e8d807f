// Dependencies and impacts by economic activity (TNFD LEAP L2, E2): the table of config/activities.yaml
// (ENCORE materiality ratings and the source report's value-chain table) and the choice of a site's row.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/site.h"
#include "screen/profile.h"
#include "screen/result.h"

namespace sitescreen {

// An ecosystem service (ENCORE dependency) or a pressure (ENCORE impact driver) the table rates.
struct ActivityTopic {
    std::string id;
    std::string encore;               // ENCORE's own name for it
    std::optional<Driver> driver;     // pressures: the profile driver it belongs to (none for services)
    std::vector<Criterion> criteria;  // TNFD criteria whose Locate findings E2 pairs it with
    // The name for people when the file gives one (`title`, `title_zh`: a user's table may list a
    // service the message catalogs do not name); else the catalog's activity.service.<id> /
    // activity.pressure.<id>; else the id (topic_title).
    std::string title, title_zh;
};

struct ActivityRow {
    std::string id;
    std::string profile;            // the site type it belongs to
    std::string value_chain;        // upstream | midstream | downstream
    std::vector<std::string> isic;  // ISIC Rev. 4 classes that pick this row
    std::string encore_code, encore_name, encore_level, match, note;
    std::map<std::string, std::string> dependencies;  // service id -> ENCORE rating (VH .. VL, ND, N/A)
    std::map<std::string, std::string> impacts;       // pressure id -> ENCORE rating
    std::string title, title_zh;                      // as ActivityTopic's; else the catalog's activity.name.<id>
};

// A service's or pressure's name in the thread's language (i18n::current()): the file's
// title_zh (zh) or title, else the catalog's, else the id.
std::string topic_title(const ActivityTopic& topic, bool service);
// An activity's name the same way (activity.name.<id>).
std::string activity_title(const ActivityRow& row);

class ActivityTable {
public:
    // Loads and validates config/activities.yaml; throws InputError "<file>: <key>: <problem>".
    static ActivityTable load(const std::string& path);

    const ActivityRow* find(const std::string& id) const;
    const ActivityRow* find_isic(const std::string& isic_class) const;
    // The tool's materiality for an ENCORE rating; nullopt for ND (no data).
    std::optional<Materiality> materiality(const std::string& encore_rating) const;
    // Every activity id, in file order, for messages.
    std::string ids() const;

    std::string file;
    std::string encore_version, encore_licence;  // the file's source.encore, for the record
    std::vector<ActivityTopic> services;         // file order
    std::vector<ActivityTopic> pressures;        // file order
    std::vector<ActivityRow> rows;               // file order

private:
    std::map<std::string, std::optional<Materiality>> scale_;
};

// $SITESCREEN_ACTIVITIES, else <exe>/../share/sitescreen/config/activities.yaml, else the source tree's.
std::string default_activities_path();

// The row for a site: its `activity` attribute, else its `isic` attribute, else the profile's default.
// An attribute naming no row leaves `warning` set (naming the site and the attribute) and uses the default.
struct ActivityChoice {
    const ActivityRow* row = nullptr;  // null only when the profile has no default either
    ActivityFrom from = ActivityFrom::None;
    std::string warning;
};
ActivityChoice choose_activity(const ActivityTable& table, const Site& site, const Profile& profile);

// locate.activity: the row, its source, and every dependency and impact with its ENCORE rating and
// the materiality the tool reads from it (docs/output.md).
ActivityUse activity_use(const ActivityTable& table, const ActivityChoice& choice);

// evaluate.e2_activity: each dependency and impact ENCORE finds applicable, paired with what Locate
// found for its criteria (L4).
ActivityPairs activity_pairs(const ActivityTable& table, const ActivityChoice& choice,
                             const std::vector<CriterionFinding>& criteria);

}  // namespace sitescreen
