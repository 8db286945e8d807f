// Message catalogs and --lang (docs/reports.md, "Languages"): the catalogs agree key for key and
// placeholder for placeholder, the English texts are the outputs' texts as they were, and a zh run
// of the sample sites writes reports without an English sentence of the catalog.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "i18n/messages.h"
#include "report/formats.h"
#include "screen/assess.h"
#include "screen/profile.h"
#include "screen/rules/rule.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

const i18n::Catalog& en() { return i18n::catalog(i18n::Lang::En); }
const i18n::Catalog& zh() { return i18n::catalog(i18n::Lang::Zh); }

std::vector<std::string> keys_missing_from(const i18n::Catalog& from, const i18n::Catalog& in) {
    std::vector<std::string> missing;
    for (const auto& [key, text] : from.entries())
        if (!in.has(key)) missing.push_back(key);
    return missing;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// The catalogs are parsed when the tool is built (tools/i18n_compile.cpp) and compiled in as
// tables: the tables hold every text of the source files, byte for byte (the tool escapes every
// byte outside printable ASCII).
TEST(I18n, TheCompiledCatalogsAreTheSourceFilesParsed) {
    for (i18n::Lang lang : i18n::languages()) {
        const std::string file = std::string(SITESCREEN_SOURCE_DIR) + "/config/i18n/" + i18n::to_string(lang) + ".yaml";
        const i18n::Catalog parsed = i18n::Catalog::parse(read_file(file), file, lang);
        ASSERT_GT(parsed.entries().size(), 100u) << file;
        EXPECT_TRUE(parsed.entries() == i18n::catalog(lang).entries()) << file << " differs from its compiled table";
    }
}

TEST(I18n, EveryKeyIsInEveryCatalog) {
    ASSERT_GT(en().entries().size(), 100u);  // the catalogs were compiled in and parsed
    for (i18n::Lang lang : i18n::languages()) {
        const i18n::Catalog& c = i18n::catalog(lang);
        EXPECT_EQ(c.lang(), lang);
        EXPECT_EQ(keys_missing_from(en(), c), std::vector<std::string>{})
            << "keys of en.yaml missing from " << i18n::to_string(lang)
            << ".yaml: " << joined(keys_missing_from(en(), c));
        EXPECT_EQ(keys_missing_from(c, en()), std::vector<std::string>{})
            << "keys of " << i18n::to_string(lang)
            << ".yaml missing from en.yaml: " << joined(keys_missing_from(c, en()));
    }
}

TEST(I18n, ATranslationFillsInTheSamePlaceholders) {
    for (const auto& [key, text] : en().entries()) {
        if (!zh().has(key)) continue;  // reported by EveryKeyIsInEveryCatalog
        EXPECT_EQ(i18n::placeholders(text), i18n::placeholders(zh().text(key))) << key;
    }
}

TEST(I18n, EveryChineseTextIsTranslated) {
    // A zh text with a Latin word outside its placeholders and no CJK character (UTF-8 lead bytes
    // E3..E9) or CJK punctuation (EF) is an English text left behind; “{name}” alone is fine.
    for (const auto& [key, text] : zh().entries()) {
        std::string rest = text;
        for (const auto& name : i18n::placeholders(text))
            for (auto at = rest.find("{" + name + "}"); at != std::string::npos; at = rest.find("{" + name + "}"))
                rest.erase(at, name.size() + 2);
        const bool cjk =
            std::any_of(rest.begin(), rest.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xE3; });
        const bool latin =
            std::any_of(rest.begin(), rest.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
        EXPECT_TRUE(cjk || !latin) << key << ": '" << text << "' has no Chinese";
    }
}

TEST(I18n, TheParityCheckFindsAKeyMissingFromOneCatalog) {
    const auto a = i18n::Catalog::parse("report:\n  title: \"Site {id}\"\n  map: \"Map\"\n", "a.yaml", i18n::Lang::En);
    const auto b = i18n::Catalog::parse("report:\n  title: \"场址 {id}\"\n", "b.yaml", i18n::Lang::Zh);
    EXPECT_EQ(keys_missing_from(a, b), std::vector<std::string>{"report.map"});
    EXPECT_EQ(keys_missing_from(b, a), std::vector<std::string>{});
}

// English texts are words for people, in the report and in the record's sentences alike. The
// names of fields and of enum values in the report's tables (field.*, value.*) and the enum words
// inside the verdict's reasons and the traces (assess.rating, assess.criterion, assess.driver, ...)
// have no identifier with an underscore, and a field whose key ends in a unit names the unit in
// brackets ("Distance (m)", not "Distance m"). What stays an enum value: the level, outcome and rule
// set words, which are one-word values already, the site types, and ENCORE's rating codes
// (value.encore_rating, quoted as ENCORE gives them).
TEST(I18n, EnglishTextsNameFieldsAndEnumValuesInWords) {
    const std::vector<std::string> unit_suffixes = {"_m", "_ha", "_m3", "_deg", "_mw", "_m3_per_unit"};
    int report_words = 0, record_words = 0;
    for (const auto& [key, text] : en().entries()) {
        const auto dot = key.rfind('.');
        const std::string group = key.substr(0, dot), last = key.substr(dot + 1);
        if (group == "assess.level" || group == "assess.outcome" || group == "assess.rule_set" ||
            group == "site_type" || group == "value.encore_rating") {
            EXPECT_EQ(text, last) << key;
        } else if (group == "assess.rating" || group == "assess.criterion" || group == "assess.driver" ||
                   group == "assess.materiality") {
            ++record_words;
            EXPECT_EQ(text.find('_'), std::string::npos) << key << ": \"" << text << "\" is an identifier";
        } else if (group == "field" || group.rfind("value.", 0) == 0) {
            ++report_words;
            EXPECT_EQ(text.find('_'), std::string::npos) << key << ": \"" << text << "\" is an identifier";
            if (group != "field") continue;
            for (const std::string& suffix : unit_suffixes) {
                const bool has_unit = last.size() > suffix.size() &&
                                      last.compare(last.size() - suffix.size(), suffix.size(), suffix) == 0;
                if (!has_unit) continue;
                EXPECT_EQ(text.back(), ')') << key << ": \"" << text << "\" does not name its unit";
            }
        }
        if (group == "rating" || group == "criterion") {
            EXPECT_EQ(text, report::humanise(last)) << key;
        }
    }
    EXPECT_GT(report_words, 400);
    EXPECT_EQ(record_words, 4 + 5 + 4 + 4);
    EXPECT_EQ(en().text("field.distance_m"), "Distance (m)");
    EXPECT_EQ(en().text("value.exposure.very_high"), "very high");
    EXPECT_EQ(en().text("assess.rating.very_high"), "very high");
    EXPECT_EQ(en().text("assess.driver.land_use_change"), "land-use change");
    EXPECT_EQ(en().text("value.driver.land_use_change"), en().text("report.e4.driver_name.land_use_change"));
    EXPECT_EQ(to_string(Level::NoGo), en().text("assess.level.no-go"));
    // The portfolio page shows run.json's roll-up explanation in the catalog's words: in English, the same.
    EXPECT_EQ(Portfolio().summary()["roll_up"]["explanation"], en().text("portfolio.rollup_explanation.worst"));
    EXPECT_EQ(report::verdict_label("no-go"), "NO-GO");
    EXPECT_EQ(report::verdict_label(""), "NOT ASSESSED");
    EXPECT_EQ(report::verdict_label("error"), "NOT SCREENED (error)");
    EXPECT_EQ(report::verdict_label("high", zh()), "高");
}

TEST(I18n, SubstituteFillsNamedArgumentsOnly) {
    EXPECT_EQ(i18n::substitute("{a} and {b}{a}", {{"a", "1"}, {"b", "2"}}), "1 and 21");
    EXPECT_EQ(i18n::substitute("{a} {missing} {Upper} {}", {{"a", "x"}}), "x {missing} {Upper} {}");
    EXPECT_EQ(i18n::substitute("{a}", {{"a", "{b}"}, {"b", "no"}}), "{b}");  // values are not scanned again
    EXPECT_EQ(i18n::placeholders("{b} {a} {b} {Upper}"), (std::vector<std::string>{"a", "b"}));
}

TEST(I18n, CatalogErrorsNameTheFileAndTheKey) {
    try {
        (void)i18n::Catalog::parse("report:\n  title: [a, b]\n", "config/i18n/xx.yaml", i18n::Lang::En);
        FAIL() << "a list was accepted as a text";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("config/i18n/xx.yaml: report.title"), std::string::npos) << e.what();
    }
    try {
        (void)en().text("report.no_such_key");
        FAIL() << "a missing key was accepted";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("report.no_such_key"), std::string::npos) << e.what();
    }
    EXPECT_THROW(i18n::parse_lang("fr"), std::invalid_argument);
    EXPECT_EQ(i18n::parse_lang("zh"), i18n::Lang::Zh);
}

// A key given twice would let one text shadow the other (config/i18n/*.yaml had portfolio.tnfd.method
// as a text and as a group): the loader refuses it, naming the file, the line and the key.
TEST(I18n, ACatalogRefusesAKeyGivenTwice) {
    const auto refused = [](const std::string& yaml, const std::string& where) {
        try {
            (void)i18n::Catalog::parse(yaml, "config/i18n/xx.yaml", i18n::Lang::En);
            ADD_FAILURE() << "accepted:\n" << yaml;
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
        }
    };
    refused("portfolio:\n  tnfd:\n    method: \"Method\"\n    method:\n      a: \"A method\"\n",
            "config/i18n/xx.yaml:4: portfolio.tnfd.method");
    refused("report:\n  title: \"Site\"\n  map: \"Map\"\n  title: \"Site again\"\n",
            "config/i18n/xx.yaml:4: report.title");
    refused("\"a.b\": \"text\"\na:\n  b: \"other\"\n", "a.b");
    refused("a:\n  b:\n    c: \"x\"\n\"a.b\": \"y\"\n", "a.b");
    // The shipped catalogs load (each key once) and the TNFD method column keeps its header.
    EXPECT_EQ(en().text("portfolio.tnfd.method"), "Method");
    EXPECT_TRUE(zh().has("portfolio.tnfd.method_text.total_spatial_footprint"));
}

TEST(I18n, ShippedProfilesTranslateEveryMitigationAction) {
    const auto profiles = load_profiles(std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles");
    ASSERT_FALSE(profiles.empty());
    for (const auto& [type, p] : profiles)
        for (const auto& [key, m] : p.mitigation) {
            const auto it = m.action_in.find("zh");
            ASSERT_NE(it, m.action_in.end()) << type << ": mitigation." << key << " has no action_zh";
            EXPECT_EQ(i18n::placeholders(it->second), i18n::placeholders(m.action)) << type << ": " << key;
        }
}

TEST(I18n, ShippedCatalogAndPresetsRenderEveryTitleAndLabelInChinese) {
    // Layer titles and category / class labels are shown in the reports: the shipped catalog and
    // every preset give each its zh rendering (title_zh, label_zh), so a zh report has no English
    // label of the catalog (ZhReports below).
    const Catalog cat = load_catalog(std::string(SITESCREEN_SOURCE_DIR) + "/layers/catalog.yaml");
    ASSERT_FALSE(cat.layers.empty());
    for (const LayerSpec& l : cat.layers) {
        EXPECT_TRUE(l.title_in.count(i18n::Lang::Zh)) << l.id << ": no title_zh";
        for (const auto& [value, c] : l.categories)
            EXPECT_TRUE(c.label_in.count(i18n::Lang::Zh)) << l.id << ": category " << value << " has no label_zh";
        for (const auto& [value, c] : l.classes)
            EXPECT_TRUE(c.label_in.count(i18n::Lang::Zh)) << l.id << ": class " << value << " has no label_zh";
    }
    // The presets users map their own data with (WDPA, WorldCover, GFC ...), line by line.
    const std::vector<std::string> lines =
        split_lines(read_file(std::string(SITESCREEN_SOURCE_DIR) + "/config/presets.yaml"));
    std::size_t labels = 0;
    for (const std::string& line : lines)
        if (line.find("{label: ") != std::string::npos) {
            ++labels;
            EXPECT_NE(line.find("label_zh: "), std::string::npos) << "config/presets.yaml: " << line;
        }
    EXPECT_GT(labels, 80u);
}

TEST(I18n, AProfileTranslationThatDropsAPlaceholderIsRefused) {
    TempDir dir;
    const std::string src = std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles/plant.yaml";
    std::string text = read_file(src);
    const std::string from = "action_zh: \"将场址移出{features}。{alternative}\"";
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), "action_zh: \"将场址移出。{alternative}\"");
    dir.write("profiles/plant.yaml", text);
    try {
        (void)load_profiles(dir.file("profiles"));
        FAIL() << "the translation without {features} was accepted";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("mitigation.relocate.action_zh"), std::string::npos) << e.what();
    }
}

// A rule's citation is said in the report's language (rule.cite.*): a Chinese instrument by its
// title and number with its article as the instrument numbers it, an international one by its own
// title in a Chinese sentence; the record's citation keeps the English texts.
TEST(I18n, ACitationIsSaidInTheReportsLanguageAndKeptInEnglishInTheRecord) {
    const rules::Citation land =
        rules::cite_clause("中华人民共和国土地管理法", "", "art_37", "2019-08-26", true, {}, "land_administration_law");
    const rules::Citation ps6 =
        rules::cite_clause("IFC Performance Standard 6", "", "ps6_paras_17_20", "2012-01-01", false);
    const rules::Citation iucn =
        rules::cite_clause("IUCN Guidelines", "", "iucn_category", "2008", false, {{"category", "Ib"}});
    EXPECT_EQ(land.text(), "中华人民共和国土地管理法 (2019年修正 (主席令第32号)), art. 37, 2019-08-26");
    EXPECT_EQ(ps6.text(), "IFC Performance Standard 6, paras. 17, 20, 2012-01-01 [clause text not verified]");
    EXPECT_EQ(iucn.text(), "IUCN Guidelines, category Ib, 2008 [clause text not verified]");
    {
        const i18n::Scope zh_scope(i18n::Lang::Zh);
        EXPECT_EQ(land.text(), "《中华人民共和国土地管理法》（2019年修正，主席令第32号）第三十七条，2019-08-26");
        EXPECT_EQ(ps6.text(), "《IFC Performance Standard 6》第 17、20 段，2012-01-01［条文原文未经核实］");
        EXPECT_EQ(iucn.text(), "《IUCN Guidelines》第 Ib 类，2008［条文原文未经核实］");
        const rules::Citation as_written = rules::cite_as_written(
            "关于加强生态保护红线管理的通知（试行）", "自然资发〔2022〕142号", "一(一)", "2022-08-16", true);
        EXPECT_EQ(as_written.text(),
                  "《关于加强生态保护红线管理的通知（试行）》（自然资发〔2022〕142号）一(一)，2022-08-16");
        // The record: English whatever the language.
        EXPECT_EQ(to_json(land)["article"], "art. 37");
        EXPECT_EQ(to_json(land)["number"], "2019年修正 (主席令第32号)");
        EXPECT_EQ(to_json(iucn)["article"], "category Ib");
    }
}

// Profile texts take a _zh rendering beside them; one without its English text is refused.
TEST(I18n, AProfileRenderingWithoutItsTextIsRefused) {
    const auto profiles = load_profiles(std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles");
    for (const auto& [type, p] : profiles) {
        EXPECT_FALSE(profile_text(p.title, p.title_in, i18n::Lang::Zh) == p.title) << type << ": no title_zh";
        for (const auto& d : p.drivers)
            EXPECT_TRUE(d.source.empty() || d.source_in.count("zh"))
                << type << ": drivers." << to_string(d.driver) << " has no source_zh";
        for (const auto& [theme, r] : p.inside) {
            EXPECT_NE(r.because_for(i18n::Lang::Zh), r.because)
                << type << ": rules.inside." << theme << " has no because_zh";
            EXPECT_TRUE(r.condition.empty() || r.condition_for(i18n::Lang::Zh) != r.condition) << type << ": " << theme;
        }
        EXPECT_TRUE(p.avoidance.note.empty() || p.avoidance.note_in.count("zh"))
            << type << ": avoidance.note has no note_zh";
    }
    TempDir dir;
    std::string text = read_file(std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles/charger.yaml");
    const std::string from =
        "      condition: \"use already sealed land (car parks, roadside) instead of green space\"\n";
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.erase(at, from.size());
    dir.write("profiles/charger.yaml", text);
    try {
        (void)load_profiles(dir.file("profiles"));
        FAIL() << "condition_zh without condition was accepted";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("rules.inside.green_space.condition_zh"), std::string::npos) << e.what();
    }
}

// ---------------------------------------------------------------- a zh run of the sample sites

// What a reader of an HTML page can see: the page without its scripts, then the data script as it
// is and the string literals of the page's own script (its labels); Leaflet's code and the page
// script's comments are not read by anyone.
std::string readable_html(const std::string& html) {
    std::string out, scripts;
    std::size_t at = 0;
    while (true) {
        const std::size_t open = html.find("<script", at);
        if (open == std::string::npos) break;
        const std::size_t body = html.find('>', open);
        const std::size_t close = html.find("</script>", body);
        if (body == std::string::npos || close == std::string::npos) break;
        out.append(html, at, open - at);
        const std::string tag = html.substr(open, body - open);
        const std::string code = html.substr(body + 1, close - body - 1);
        if (tag.find("application/json") != std::string::npos) {
            scripts += code + "\n";
        } else if (code.find("sitescreen-data") != std::string::npos) {
            static const std::regex literal(R"('((?:[^'\\\n]|\\.)*)')");
            for (std::sregex_iterator it(code.begin(), code.end(), literal), end; it != end; ++it)
                scripts += (*it)[1].str() + "\n";
        }
        at = close + 9;
    }
    out.append(html, at, std::string::npos);
    return out + scripts;
}

// The parts of an English catalog text that read as English: the pieces between placeholders
// with at least two words of two letters or more ("not met", "Features near the site").
std::vector<std::string> english_sentences() {
    static const std::regex words(R"([A-Za-z]{2,}[^{}]*\s[^{}]*[A-Za-z]{2,})");
    std::set<std::string> out;
    for (const auto& [key, text] : en().entries()) {
        std::string piece;
        std::vector<std::string> pieces;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '{') {
                const auto close = text.find('}', i);
                if (close != std::string::npos) {
                    pieces.push_back(piece);
                    piece.clear();
                    i = close;
                    continue;
                }
            }
            piece += text[i];
        }
        pieces.push_back(piece);
        for (auto& p : pieces) {
            // Trim spaces and the punctuation that joins pieces.
            const auto b = p.find_first_not_of(" ,;:()[]'.");
            const auto e = p.find_last_not_of(" ,;:()[]'.");
            if (b == std::string::npos) continue;
            p = p.substr(b, e - b + 1);
            if (std::regex_search(p, words)) out.insert(p);
        }
    }
    return {out.begin(), out.end()};
}

// The shipped catalog and a green-space layer around C09 (Shanghai Huangpu charging hub), so that
// the charger profile's own inside rule (rules.inside.green_space) fires in the zh run.
std::string catalog_with_green_space(const TempDir& dir) {
    dir.write(
        "green_space.geojson",
        feature_collection(
            {{R"({"fid": 1, "name": "黄浦绿地（测试）"})",
              R"({"type":"Polygon","coordinates":[[[121.46,31.22],[121.48,31.22],[121.48,31.24],[121.46,31.24],[121.46,31.22]]]})"}}));
    return dir.write(
        "catalog.yaml",
        "version: 1\ninclude: [" + std::string(SITESCREEN_SOURCE_DIR) +
            "/layers/catalog.yaml]\nlayers:\n"
            "  - id: test_green_space\n"
            "    title: \"Urban green space (test layer)\"\n"
            "    title_zh: \"城市绿地（测试图层）\"\n"
            "    kind: vector\n"
            "    path: green_space.geojson\n"
            "    id_field: fid\n"
            "    name_field: name\n"
            "    criterion: ecosystem_services\n"
            "    theme: green_space\n"
            "    provenance: {source: \"tests/test_i18n.cpp\", licence: \"test\", date: \"2026-12-02\"}\n");
}

// The profile texts a report may print (drivers' materiality sources, titles, inside rules'
// because / condition, the avoidance note), as written in English.
std::set<std::string> english_profile_texts() {
    std::set<std::string> out;
    for (const auto& [type, p] : load_profiles(std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles")) {
        out.insert(p.title);
        for (const auto& d : p.drivers) out.insert(d.source);
        for (const auto& [theme, r] : p.inside) {
            out.insert(r.because);
            out.insert(r.condition);
            out.insert(r.allowed_condition);
            for (const auto& [zone, c] : r.zone_conditions) out.insert(c);
        }
        out.insert(p.avoidance.note);
    }
    out.erase("");
    return out;
}

// The enum values a record gives (value.<field>.<value> in the catalogs: "met", "very_high", "VH",
// "ha", "water_supply", "profile_default" ...) whose Chinese rendering differs, and their English words
// ("very high"): a zh report must show neither as it is.
// GET codes are identifiers shown as given ("M", the marine realm, is also ENCORE's rating "M").
std::set<std::string> english_enum_values() {
    std::set<std::string> out;
    for (const auto& [key, text] : en().entries())
        if (key.rfind("value.", 0) == 0 && zh().has(key) && zh().text(key) != text) {
            out.insert(key.substr(key.rfind('.') + 1));  // the value as the record writes it
            out.insert(text);                            // and in the English report's words
        }
    for (const auto& [key, text] : en().entries())
        if (key.rfind("ecosystem.get.", 0) == 0) {
            std::string code = key.substr(std::string("ecosystem.get.").size());
            std::replace(code.begin(), code.end(), '_', '.');
            out.erase(code);
        }
    return out;
}

// The cells of a Markdown report, cut at table bars, list separators and "name: value" joins: a
// value shown by itself is one piece.
std::vector<std::string> report_pieces(const std::string& md) {
    std::vector<std::string> out;
    std::string piece;
    const auto flush = [&] {
        const auto b = piece.find_first_not_of(" *");
        const auto e = piece.find_last_not_of(" *");
        if (b != std::string::npos) out.push_back(piece.substr(b, e - b + 1));
        piece.clear();
    };
    for (std::size_t i = 0; i < md.size(); ++i) {
        if (md[i] == '|' || md[i] == '\n' || md[i] == ';' || md.compare(i, 2, ", ") == 0 ||
            md.compare(i, 2, ": ") == 0 || md.compare(i, 4, "<br>") == 0) {
            flush();
            if (md.compare(i, 4, "<br>") == 0) i += 3;
            continue;
        }
        piece += md[i];
    }
    flush();
    return out;
}

TEST(ZhReports, SampleSitesHaveNoEnglishSentenceOfTheCatalog) {
    TempDir dir;
    const std::string out = dir.file("zh");
    const CommandResult r = run_capture(
        std::string(SITESCREEN_BINARY) + " screen --lang zh --layers " + shell_quote(catalog_with_green_space(dir)) +
            " --sites " + shell_quote(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv") +
            " --formats jsonl,csv,run,md,html,portfolio,png,pdf --out " + shell_quote(out),
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::pair<std::string, std::string>> reports;  // (file, text)
    reports.emplace_back("report.html", readable_html(read_file(out + "/report.html")));
    for (const auto& e : fs::directory_iterator(out + "/sites")) {
        const std::string ext = e.path().extension().string();
        if (ext == ".md") reports.emplace_back("sites/" + e.path().filename().string(), read_file(e.path().string()));
        if (ext == ".html")
            reports.emplace_back("sites/" + e.path().filename().string(), readable_html(read_file(e.path().string())));
    }
    ASSERT_GT(reports.size(), 10u);
    const std::vector<std::string> sentences = english_sentences();
    ASSERT_GT(sentences.size(), 50u);
    // Data is shown as given (layer titles, sources, feature names and categories, attributes): a
    // sentence the data itself holds ("protected area" in a layer's source) is not held against the
    // catalog.
    std::string data;
    const std::function<void(const Json&)> collect = [&](const Json& v) {
        if (v.is_string())
            data += v.get<std::string>() + "\n";
        else if (v.is_structured())
            for (const Json& e : v) collect(e);
    };
    const Json run = Json::parse(read_file(out + "/run.json"));
    if (run.contains("layers")) collect(run["layers"]);
    for (const Json& rec : parse_jsonl(read_file(out + "/sites.jsonl")))
        for (const char* k : {"layers", "attributes", "warnings", "source"})
            if (rec.contains(k)) collect(rec[k]);
    std::size_t checked = 0;
    for (const auto& [file, text] : reports) {
        EXPECT_FALSE(text.empty()) << file;
        for (const auto& s : sentences) {
            if (data.find(s) != std::string::npos) continue;
            ++checked;
            EXPECT_EQ(text.find(s), std::string::npos) << file << " still says '" << s << "'";
        }
        if (file.size() > 5 && file.compare(file.size() - 5, 5, ".html") == 0) {
            EXPECT_NE(text.find("<html lang=\"zh-Hans\">"), std::string::npos) << file;
        }
    }
    EXPECT_GT(checked, reports.size() * 50);  // most sentences are checked, not excused by the data
    // Nor an English title or label of the layer catalog: they are shown in their zh rendering.
    const Catalog cat = load_catalog(std::string(SITESCREEN_SOURCE_DIR) + "/layers/catalog.yaml");
    std::set<std::string> english;
    for (const LayerSpec& l : cat.layers) {
        english.insert(l.title);
        for (const auto& [value, c] : l.categories) english.insert(c.label);
        for (const auto& [value, c] : l.classes) english.insert(c.label);
    }
    ASSERT_GT(english.size(), 30u);
    // A site's own attributes are data too (C11's note quotes Aqueduct's "Arid and Low Water Use").
    std::string attributes;
    for (const Json& rec : parse_jsonl(read_file(out + "/sites.jsonl")))
        if (rec.contains("attributes")) attributes += rec["attributes"].dump();
    for (const auto& [file, text] : reports)
        for (const auto& label : english)
            if (label.size() > 8 && attributes.find(label) == std::string::npos) {
                EXPECT_EQ(text.find(label), std::string::npos) << file << " still says '" << label << "'";
            }
    // The reports say the red line and the verdict in Chinese.
    const std::string all_md = [&] {
        std::string s;
        for (const auto& [file, text] : reports) s += text;
        return s;
    }();
    EXPECT_NE(all_md.find("生态保护红线"), std::string::npos);
    EXPECT_NE(all_md.find("结论："), std::string::npos);
    EXPECT_NE(all_md.find("落叶阔叶林"), std::string::npos);  // MODIS class 4 at C01 (Qinling), as its zh label
    // The closing line on the terminal too.
    EXPECT_NE(r.err.find("sitescreen：已筛查"), std::string::npos) << r.err;

    // 1. A raster's resolution in words: MODIS's "0.05 degree, about 5.5 km" in its zh rendering.
    // (C17's own notes attribute says "MODIS (0.05 degree)": the preset's text is what must go.)
    EXPECT_EQ(all_md.find("0.05 degree, about 5.5 km"), std::string::npos)
        << "a report still gives the resolution in English";
    EXPECT_NE(all_md.find("0.05 度，约 5.5 千米"), std::string::npos);
    // 2, 3. The profiles' texts (materiality sources, titles, the charger's green-space rule, the mine's
    // avoidance note) in their _zh rendering: no English one is left in a report.
    const std::set<std::string> profile_texts = english_profile_texts();
    ASSERT_GT(profile_texts.size(), 12u);
    for (const auto& [file, text] : reports)
        for (const auto& t : profile_texts) {
            EXPECT_EQ(text.find(t), std::string::npos) << file << " still says '" << t << "'";
        }
    EXPECT_NE(all_md.find("[domain] 中游：用水（中）"), std::string::npos);  // plant.yaml drivers.water_use.source_zh
    EXPECT_NE(all_md.find("城市绿地：充电站的当地问题是占用绿地"),
              std::string::npos);                                   // charger.yaml green_space because_zh at C09
    EXPECT_NE(all_md.find("改用已硬化的土地"), std::string::npos);  // and its condition_zh
    // 4. The rules' citations: Chinese instruments by title and number, the articles in Chinese, and
    // the paragraphs of international instruments in a Chinese sentence.
    for (const char* en_article : {"art. ", "arts. ", "para. ", "paras. ", "clause text not verified",
                                   "number not verified", "document number not found"})
        EXPECT_EQ(all_md.find(en_article), std::string::npos) << "a citation still says '" << en_article << "'";
    EXPECT_NE(all_md.find("《中华人民共和国土地管理法》（2019年修正，主席令第32号）第三十七条"),
              std::string::npos);  // C07
    EXPECT_NE(all_md.find("《关于加强生态保护红线管理的通知（试行）》（自然资发〔2022〕142号）"), std::string::npos);
    EXPECT_NE(all_md.find("［条文原文未经核实］"), std::string::npos);
    // 5. The TNFD metrics: why a value is not available (C01: a point inside a red line).
    EXPECT_EQ(all_md.find("not available: "), std::string::npos);
    EXPECT_NE(all_md.find("点状场址位于敏感地点内"), std::string::npos);
    // ... while sites.jsonl keeps the key.
    bool not_available = false;
    for (const Json& rec : parse_jsonl(read_file(out + "/sites.jsonl")))
        if (rec.contains("evaluate") && rec["evaluate"].contains("metrics"))
            for (const auto& [k, m] : rec["evaluate"]["metrics"].items())
                if (m.is_object() && m.contains("not_available")) not_available = true;
    EXPECT_TRUE(not_available);
    // 7. (#24, item 1) No enum value of a record as it is: statuses, ratings, likelihoods, ENCORE's
    // rating codes (VL..VH), ecosystem-service, pressure and activity ids, the GET levels, the E4
    // factors' sources, the TNFD metrics' units (ha, m3/yr), the profile and driver names.
    const std::set<std::string> enums = english_enum_values();
    for (const char* e : {"met", "not_met", "not_assessed", "very_high", "almost_certain", "possible", "VH", "VL", "ha",
                          "m3/yr", "water_supply", "area_of_land_use", "realm", "profile_default", "vehicle_assembly"})
        EXPECT_TRUE(enums.count(e)) << "the catalogs no longer render the enum value '" << e << "' in Chinese";
    std::set<std::string> data_strings;  // a feature named "China" is data, not the value.set enum
    {
        const std::function<void(const Json&)> strings = [&](const Json& v) {
            if (v.is_string())
                data_strings.insert(v.get<std::string>());
            else if (v.is_structured())
                for (const Json& e : v) strings(e);
        };
        for (const Json& rec : parse_jsonl(read_file(out + "/sites.jsonl")))
            for (const char* k : {"layers", "attributes"})
                if (rec.contains(k)) strings(rec[k]);
    }
    std::size_t pieces = 0;
    for (const auto& [file, text] : reports) {
        if (file.size() < 3 || file.compare(file.size() - 3, 3, ".md") != 0) continue;
        // The site's attributes and the layers' provenance are data as given: read up to them.
        std::size_t end = text.size();
        for (const char* heading : {"report.heading.attributes", "report.heading.provenance"})
            end = std::min(end, text.find("## " + zh().text(heading)));
        const std::vector<std::string> ps = report_pieces(text.substr(0, end));
        for (std::size_t i = 0; i < ps.size(); ++i) {
            ++pieces;
            // An id is shown as given (locate.activity.id is what a site's `activity` attribute takes).
            if (i > 0 && ps[i - 1] == zh().text("field.id")) continue;
            if (enums.count(ps[i]) && !data_strings.count(ps[i])) {
                ADD_FAILURE() << file << " shows the enum value '" << ps[i] << "' as the record gives it";
            }
        }
    }
    EXPECT_GT(pieces, 5000u);
    EXPECT_NE(all_md.find("很高（VH）"), std::string::npos);            // ENCORE's rating, said and kept
    EXPECT_NE(all_md.find(" 公顷 | "), std::string::npos);              // the TNFD metrics' unit
    EXPECT_NE(all_md.find("| 无法计算："), std::string::npos);          // and a metric not available
    EXPECT_NE(all_md.find("ENCORE 评级：低（L）"), std::string::npos);  // in the E2 sentences too
    // The portfolio page: the site type and the demonstration-data column in Chinese (both go to the
    // page's data script), the TNFD table's units.
    const std::string page = read_file(out + "/report.html");
    const std::string data_open = "<script id=\"sitescreen-data\" type=\"application/json\">";
    const auto at = page.find(data_open);
    ASSERT_NE(at, std::string::npos);
    const Json page_data =
        Json::parse(page.substr(at + data_open.size(), page.find("</script>", at) - at - data_open.size()));
    ASSERT_GT(page_data["sites"].size(), 10u);
    for (const Json& s : page_data["sites"]) {
        EXPECT_TRUE(s[2] == "工厂" || s[2] == "矿山" || s[2] == "充电站") << s.dump();
        EXPECT_EQ(s[11].get<std::string>().find("finding"), std::string::npos) << s.dump();
    }
    EXPECT_EQ(page.find(" m3/yr<"), std::string::npos);
    EXPECT_EQ(page.find(" ha</td>"), std::string::npos);
    EXPECT_NE(page.find(" 公顷</td>"), std::string::npos);
    // The PDFs: the portfolio's footer, a site's verdict and the red line (pdftotext, poppler-utils).
    if (run_command("pdftotext -v >/dev/null 2>&1") == 0) {
        const CommandResult front =
            run_capture("pdftotext -layout -f 1 -l 2 " + shell_quote(out + "/report.pdf") + " -", dir);
        EXPECT_EQ(front.exit_code, 0) << front.err;
        EXPECT_EQ(front.out.find("Portfolio"), std::string::npos) << front.out;
        EXPECT_NE(front.out.find("组合汇总"), std::string::npos) << front.out;
        const CommandResult c01 = run_capture("pdftotext " + shell_quote(out + "/sites/C01.pdf") + " -", dir);
        EXPECT_NE(c01.out.find("结论：禁止"), std::string::npos);
        EXPECT_NE(c01.out.find("生态保护红线"), std::string::npos);
        EXPECT_EQ(c01.out.find("(ENCORE VH)"), std::string::npos);
        // #24's done-when: each site's PDF one file under 1 MB, the verdict and the map (its legend)
        // in Chinese on page 1.
        std::size_t pdfs = 0;
        for (const auto& e : fs::directory_iterator(out + "/sites")) {
            if (e.path().extension() != ".pdf") continue;
            ++pdfs;
            EXPECT_LT(fs::file_size(e.path()), 1u << 20) << e.path();
            const CommandResult first =
                run_capture("pdftotext -layout -f 1 -l 1 " + shell_quote(e.path().string()) + " -", dir);
            EXPECT_NE(first.out.find("结论："), std::string::npos) << e.path() << "\n" << first.out;
            EXPECT_NE(first.out.find(zh().text("map.legend")), std::string::npos) << e.path() << "\n" << first.out;
        }
        EXPECT_GE(pdfs, 19u);
    }

    // 6. Standard error: the layers opened, the demonstration note, and no English sentence of the
    // catalog's terminal texts (cli.*).
    EXPECT_NE(r.err.find("正在打开"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("注意：正在使用演示图层"), std::string::npos) << r.err;
    for (const auto& s : sentences)
        if (data.find(s) == std::string::npos) {
            EXPECT_EQ(r.err.find(s), std::string::npos) << "stderr still says '" << s << "'";
        }
}

// The terminal's texts live in the catalog, not as literals of the command (the progress line is
// printed only after 10 s on a pipe, so the zh run above cannot see it): no English sentence of a
// cli.* text is spelled out in src/cli.
TEST(I18n, TerminalTextsAreNotLiteralsOfTheCommand) {
    std::string code;
    for (const char* f : {"screen_command.cpp", "screen_setup.cpp", "main.cpp"})
        code += read_file(std::string(SITESCREEN_SOURCE_DIR) + "/src/cli/" + f);
    ASSERT_FALSE(code.empty());
    std::size_t checked = 0;
    for (const auto& [key, text] : en().entries()) {
        // cli.stdout ("standard output") is a name the command's help uses too, not a sentence.
        if (key.rfind("cli.", 0) != 0 || key == "cli.stdout") continue;
        // The longest run without a placeholder: what a literal would have to spell out.
        std::string longest, cur;
        for (std::size_t i = 0; i <= text.size(); ++i) {
            if (i == text.size() || text[i] == '{') {
                if (cur.size() > longest.size()) longest = cur;
                cur.clear();
                if (i == text.size()) break;
                i = text.find('}', i);
                if (i == std::string::npos) break;
            } else {
                cur += text[i];
            }
        }
        if (longest.size() < 12) continue;
        ++checked;
        EXPECT_EQ(code.find(longest), std::string::npos) << key << ": '" << longest << "' is spelled out in src/cli";
    }
    EXPECT_GT(checked, 10u);
    EXPECT_TRUE(zh().has("cli.progress"));
    EXPECT_EQ(i18n::placeholders(zh().text("cli.progress")), (std::vector<std::string>{"done", "rate"}));
}

TEST(ZhReports, AnUnknownLanguageIsAUsageError) {
    TempDir dir;
    const CommandResult r =
        run_capture(std::string(SITESCREEN_BINARY) + " screen --lang fr --sites " +
                        shell_quote(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv") + " --out " +
                        shell_quote(dir.file("out")),
                    dir);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--lang"), std::string::npos) << r.err;
}

// Machine outputs stay English: the zh run's records have the en run's keys and enum values,
// and summary.csv the same header.
void collect_keys(const Json& v, const std::string& path, std::set<std::string>& out) {
    if (v.is_object())
        for (auto it = v.begin(); it != v.end(); ++it) {
            out.insert(path + "/" + it.key());
            collect_keys(it.value(), path + "/" + it.key(), out);
        }
    else if (v.is_array())
        for (const Json& e : v) collect_keys(e, path + "[]", out);
}

TEST(ZhReports, MachineOutputsKeepTheirKeysAndEnumValues) {
    TempDir dir;
    const std::string sites = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv";
    const std::string catalog = std::string(SITESCREEN_SOURCE_DIR) + "/layers/catalog.yaml";
    for (const char* lang : {"en", "zh"}) {
        const CommandResult r = run_capture(std::string(SITESCREEN_BINARY) + " screen -q --lang " + lang +
                                                " --layers " + shell_quote(catalog) + " --sites " + shell_quote(sites) +
                                                " --formats data --out " + shell_quote(dir.file(lang)),
                                            dir);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::vector<Json> en_rows = parse_jsonl(read_file(dir.file("en/sites.jsonl")));
    const std::vector<Json> zh_rows = parse_jsonl(read_file(dir.file("zh/sites.jsonl")));
    ASSERT_EQ(en_rows.size(), zh_rows.size());
    ASSERT_FALSE(en_rows.empty());
    for (std::size_t i = 0; i < en_rows.size(); ++i) {
        std::set<std::string> ek, zk;
        collect_keys(en_rows[i], "", ek);
        collect_keys(zh_rows[i], "", zk);
        EXPECT_EQ(ek, zk) << "site " << i;
        EXPECT_EQ(en_rows[i]["verdict"]["level"], zh_rows[i]["verdict"]["level"]) << i;
        EXPECT_EQ(en_rows[i]["verdict"]["level_text"], zh_rows[i]["verdict"]["level_text"]) << i;
        EXPECT_EQ(en_rows[i]["verdict"]["rules_fired"], zh_rows[i]["verdict"]["rules_fired"]) << i;
        const auto statuses = [](const Json& rec) {
            std::vector<std::pair<std::string, Json>> out;
            const Json& locate = rec.at("locate");
            if (locate.is_object())
                for (const auto& [c, v] : locate.at("l4").at("criteria").items()) out.emplace_back(c, v.at("status"));
            return out;
        };
        EXPECT_EQ(statuses(en_rows[i]), statuses(zh_rows[i])) << i;
        EXPECT_EQ(en_rows[i]["layers"], zh_rows[i]["layers"]) << i;  // the measurements
        const Json& em = en_rows[i]["mitigation"];
        const Json& zm = zh_rows[i]["mitigation"];
        ASSERT_EQ(em.size(), zm.size()) << i;
        for (std::size_t k = 0; k < em.size(); ++k) {
            EXPECT_EQ(em[k]["step"], zm[k]["step"]);
            EXPECT_EQ(em[k]["trigger"], zm[k]["trigger"]);
        }
    }
    const auto header = [](const std::string& csv) { return csv.substr(0, csv.find('\n')); };
    EXPECT_EQ(header(read_file(dir.file("en/summary.csv"))), header(read_file(dir.file("zh/summary.csv"))));
}

}  // namespace
