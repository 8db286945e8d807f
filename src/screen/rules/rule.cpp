// The rule base: citations, the profile section reader, levels per outcome, jurisdiction.
#include "screen/rules/rule.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "screen/profile.h"

namespace sitescreen::rules {

const char* to_string(Outcome o) {
    switch (o) {
        case Outcome::Allowed:
            return "allowed";
        case Outcome::Conditional:
            return "conditional";
        case Outcome::Forbidden:
            return "forbidden";
    }
    return "forbidden";
}

const char* to_string(RuleSet s) { return s == RuleSet::China ? "China" : "international"; }

const char* to_string(Jurisdiction j) {
    switch (j) {
        case Jurisdiction::China:
            return "China";
        case Jurisdiction::Elsewhere:
            return "outside China";
        case Jurisdiction::Unknown:
            return "unknown";
    }
    return "unknown";
}

std::string Citation::text() const {
    const i18n::Catalog& tr = i18n::current();
    const std::string n = number_key.empty() ? number : tr.text(number_key);
    const std::string a = article_key.empty() ? article : tr.format(article_key, article_args);
    std::string t = n.empty() ? tr.format("rule.cite.instrument", {{"instrument", instrument}})
                              : tr.format("rule.cite.instrument_number", {{"instrument", instrument}, {"number", n}});
    if (!a.empty()) t += tr.format("rule.cite.article_part", {{"article", a}});
    if (!date.empty()) t += tr.format("rule.cite.date", {{"date", date}});
    if (!verified) t += tr.text("rule.cite.not_verified");
    return t;
}

Citation cite_as_written(std::string instrument, std::string number, std::string article, std::string date,
                         bool verified) {
    Citation c;
    c.instrument = std::move(instrument);
    c.number = std::move(number);
    c.article = std::move(article);
    c.date = std::move(date);
    c.verified = verified;
    return c;
}

Citation cite_clause(std::string instrument, std::string number, const std::string& article_key, std::string date,
                     bool verified, std::vector<i18n::Arg> article_args, const std::string& number_key) {
    const i18n::Catalog& en = i18n::catalog(i18n::Lang::En);
    Citation c;
    c.instrument = std::move(instrument);
    c.number_key = number_key.empty() ? "" : "rule.cite.number." + number_key;
    c.number = c.number_key.empty() ? std::move(number) : en.text(c.number_key);
    c.article_key = "rule.cite.article." + article_key;
    c.article_args = std::move(article_args);
    c.article = en.format(c.article_key, c.article_args);
    c.date = std::move(date);
    c.verified = verified;
    return c;
}

std::string normalise_key(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    std::string out;
    for (char c : s.substr(b, e - b + 1)) {
        if (c == ' ' || c == '-')
            out += '_';
        else
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// ------------------------------------------------------------------ Section

void Section::fail(const std::string& msg) const { throw InputError(file_ + ": rules." + rule_ + ": " + msg); }

void Section::only(const std::set<std::string>& keys) const {
    if (!node_ || node_.IsNull()) return;  // no section, or an empty one: the defaults
    if (!node_.IsMap()) fail("expected a map");
    for (const auto& kv : node_) {
        const std::string k = kv.first.as<std::string>();
        if (!keys.count(k)) {
            std::string list;
            for (const auto& n : keys) list += (list.empty() ? "" : ", ") + n;
            fail(k + ": unknown key (expected one of: " + list + ")");
        }
    }
}

std::string Section::text(const std::string& key) const {
    const YAML::Node n = node_[key];
    if (!n.IsScalar()) fail(key + ": expected a text value");
    return n.as<std::string>();
}

std::vector<std::string> Section::texts(const std::string& key) const {
    const YAML::Node n = node_[key];
    if (!n.IsSequence()) fail(key + ": expected a list");
    std::vector<std::string> out;
    for (const auto& e : n) {
        if (!e.IsScalar()) fail(key + ": expected a list of text values");
        out.push_back(e.as<std::string>());
    }
    return out;
}

bool Section::boolean(const std::string& key) const {
    const std::string s = text(key);
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    fail(key + ": expected true or false, not '" + s + "'");
}

double Section::number(const std::string& key) const {
    const YAML::Node n = node_[key];
    if (!n.IsScalar()) fail(key + ": expected a number");
    try {
        const double v = n.as<double>();
        if (std::isfinite(v)) return v;
    } catch (const YAML::Exception&) {
    }
    fail(key + ": expected a finite number, not '" + n.as<std::string>() + "'");
}

int Section::integer(const std::string& key) const {
    const YAML::Node n = node_[key];
    if (!n.IsScalar()) fail(key + ": expected an integer");
    try {
        return n.as<int>();
    } catch (const YAML::Exception&) {
    }
    fail(key + ": expected an integer, not '" + n.as<std::string>() + "'");
}

void Section::require(const std::string& key) const {
    if (!has(key)) fail(key + ": missing");
}

Level Section::level(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(key + ": expected no-go, high, medium or low");
    const std::string s = n.as<std::string>();
    if (auto l = level_from_string(s)) return *l;
    fail(key + ": expected no-go, high, medium or low, not '" + s + "'");
}

Outcome Section::outcome(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(key + ": expected forbidden, conditional or allowed");
    const std::string s = n.as<std::string>();
    for (Outcome o : {Outcome::Allowed, Outcome::Conditional, Outcome::Forbidden})
        if (s == to_string(o)) return o;
    fail(key + ": expected forbidden, conditional or allowed, not '" + s + "'");
}

// ------------------------------------------------------------------ Rule

void Rule::configure(const Section& s) {
    std::set<std::string> keys = own_keys();
    for (const auto& f : flags_) keys.insert(f.first);
    keys.insert("levels");
    keys.insert("source");
    s.only(keys);
    if (s.has("levels")) {
        const YAML::Node l = s.node("levels");
        if (!l.IsMap()) s.fail("levels: expected a map outcome -> level (forbidden, conditional, allowed)");
        for (const auto& kv : l) {
            const std::string k = kv.first.as<std::string>();
            const Outcome o = s.outcome(kv.first, "levels." + k);
            levels_[static_cast<int>(o)] = static_cast<int>(s.level(kv.second, "levels." + k));
        }
        if (levels_[1] > levels_[2]) s.fail("levels: conditional must not be above forbidden");
        if (levels_[0] > levels_[1]) s.fail("levels: allowed must not be above conditional");
    }
    for (const auto& [key, value] : flags_)
        if (s.has(key)) *value = s.boolean(key);
    read(s);
}

Level Rule::level_of(Outcome o) const { return static_cast<Level>(levels_[static_cast<int>(o)]); }

Level Rule::potential() const { return level_of(Outcome::Forbidden); }

bool Rule::judges(const std::string& theme) const {
    const auto t = themes();
    return std::find(t.begin(), t.end(), theme) != t.end();
}

Json Rule::json() const {
    Json j = {{"set", to_string(set())},
              {"themes", themes()},
              {"levels",
               {{"forbidden", to_string(level_of(Outcome::Forbidden))},
                {"conditional", to_string(level_of(Outcome::Conditional))},
                {"allowed", to_string(level_of(Outcome::Allowed))}}}};
    for (const auto& [key, value] : flags_) j[key] = *value;
    return j;
}

// ------------------------------------------------------------------ jurisdiction

Jurisdiction jurisdiction_of(const std::vector<Json>& admin_attributes) {
    bool china = false, other = false;
    auto text = [](const Json& v) -> std::string {
        if (v.is_string()) return v.get<std::string>();
        if (v.is_number_integer()) return std::to_string(v.get<long long>());
        if (v.is_number()) return std::to_string(static_cast<long long>(std::llround(v.get<double>())));
        return "";
    };
    for (const Json& a : admin_attributes) {
        if (!a.is_object()) continue;
        for (const auto& [k, v] : a.items()) {
            const std::string key = normalise_key(k);
            std::string val = text(v);
            if (val.empty()) continue;
            if (key == "iso_n3" || key == "iso_numeric") {
                // "156", "156.0" or 156
                while (val.size() < 3) val = "0" + val;
                if (val == "156")
                    china = true;
                else if (val != "-99" && val != "-099")
                    other = true;
            } else if (key == "iso3" || key == "iso_a3" || key == "adm0_a3" || key == "gid_0" || key == "iso_3") {
                std::transform(val.begin(), val.end(), val.begin(), [](unsigned char c) { return std::toupper(c); });
                if (val == "CHN")
                    china = true;
                else if (val != "-99")
                    other = true;
            }
        }
    }
    if (china) return Jurisdiction::China;
    if (other) return Jurisdiction::Elsewhere;
    return Jurisdiction::Unknown;
}

}  // namespace sitescreen::rules
