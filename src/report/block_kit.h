// Small builders of the report's document blocks (markdown_report.h) and of the texts of their
// cells, shared by the per-site report's builders: site_report_doc.cpp, leap_stages.cpp and
// leap_tables.cpp.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "i18n/messages.h"
#include "report/markdown_report.h"

namespace sitescreen::report::kit {

inline Block heading(int level, std::string text, std::string anchor = "") {
    Block b;
    b.kind = Block::Kind::Heading;
    b.level = std::clamp(level, 1, 4);
    b.text = std::move(text);
    b.tag = std::move(anchor);
    return b;
}

inline Block note(std::string text) {
    Block b;
    b.kind = Block::Kind::Note;
    b.text = std::move(text);
    return b;
}

inline Block table(std::vector<std::string> header) {
    Block b;
    b.kind = Block::Kind::Table;
    b.header = std::move(header);
    return b;
}

inline Block key_values() {
    Block b;
    b.kind = Block::Kind::KeyValues;
    return b;
}

// An enum value in the catalog's words: `words` "value.driver" names value.driver.<value>; a value
// the catalog does not know is shown as it is. The report names catalog keys, never the record's
// (tests/style/check_record_keys.py).
inline std::string enum_word(const i18n::Catalog& tr, const char* words, const std::string& value) {
    return tr.text_or(std::string(words) + "." + value, value);
}

// What an empty list of a stage says: "none" / "无".
inline std::string none(const i18n::Catalog& tr) { return tr.text("report.none"); }

// "yes" / "是".
inline std::string yes_no(bool b, const i18n::Catalog& tr) { return tr.text(b ? "report.yes" : "report.no"); }

// Texts as one cell lists them: "a; b".
inline std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (const std::string& i : items) s += (s.empty() ? "" : "; ") + i;
    return s;
}

// A list of a stage as one cell: "a; b", or "none" / "无" when it is empty.
inline std::string joined_or_none(const std::vector<std::string>& items, const i18n::Catalog& tr) {
    return items.empty() ? none(tr) : joined(items);
}

}  // namespace sitescreen::report::kit
