// What a rule's finding names: the clause's outcome, the body of rules it belongs to, where the
// site lies, and the citation of the clause. Apart from rule.h (which needs yaml-cpp) because the
// typed result (screen/result.h) carries them.
#pragma once
#include <string>
#include <vector>

#include "core/site.h"
#include "i18n/messages.h"

namespace sitescreen::rules {

// What a clause says of the activity at this place.
enum class Outcome { Allowed = 0, Conditional = 1, Forbidden = 2 };
const char* to_string(Outcome o);

// Which body of rules a rule belongs to. A site in China gets both; elsewhere only the
// international set (docs/rules/jurisdiction.md).
enum class RuleSet { China, International };
const char* to_string(RuleSet s);  // "China" | "international"

// Where a rule's clause comes from. `verified` is false when the clause text was not found in a
// primary or faithful secondary copy: the rule then takes the stricter reading and says so.
struct Citation {
    std::string instrument;  // e.g. 关于加强生态保护红线管理的通知（试行）
    std::string number;      // e.g. 自然资发〔2022〕142号 ("" when none)
    std::string article;     // e.g. 一(一)7
    std::string date;        // adoption or issue date, ISO
    bool verified = true;
    // The number and article as texts of the message catalogs (rule.cite.number.*, rule.cite.article.*),
    // for those that read differently in the report's language ("art. 37" / 第三十七条); "" when the
    // text above is the same in every language. `number` and `article` then hold the English text.
    std::string number_key, article_key;
    std::vector<i18n::Arg> article_args;
    // In the language of the current report (i18n::current()); in English:
    // "关于加强生态保护红线管理的通知（试行） (自然资发〔2022〕142号), 一(一)7, 2022-08-16"
    std::string text() const;
    // Its sites.jsonl object: to_json(const Citation&) in screen/result.h.
};

// A citation whose texts read the same in every language (a Chinese number and article: 一(一)7).
Citation cite_as_written(std::string instrument, std::string number, std::string article, std::string date,
                         bool verified);

// A citation whose article (and number, when number_key is given) are catalog texts: `article_key`
// and `number_key` are the last part of rule.cite.article.<key> / rule.cite.number.<key>.
Citation cite_clause(std::string instrument, std::string number, const std::string& article_key, std::string date,
                     bool verified, std::vector<i18n::Arg> article_args = {}, const std::string& number_key = "");

// Where the site lies, for the rule sets it gets (docs/rules/jurisdiction.md).
enum class Jurisdiction { China, Elsewhere, Unknown };
const char* to_string(Jurisdiction j);

}  // namespace sitescreen::rules
