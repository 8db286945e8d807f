// Which rule sets apply: the country code of the admin features a site is inside
// (docs/rules/jurisdiction.md).
#include <gtest/gtest.h>

#include "screen/rules/rule.h"

using namespace sitescreen;
using rules::Jurisdiction;

TEST(RuleJurisdiction, CountryCodesDecide) {
    EXPECT_EQ(rules::jurisdiction_of({Json{{"iso_n3", "156"}}}), Jurisdiction::China);
    EXPECT_EQ(rules::jurisdiction_of({Json{{"ISO3", "CHN"}}}), Jurisdiction::China);
    EXPECT_EQ(rules::jurisdiction_of({Json{{"iso_n3", 156}}}), Jurisdiction::China);
    EXPECT_EQ(rules::jurisdiction_of({Json{{"iso_n3", "152"}}}), Jurisdiction::Elsewhere);  // Chile
    EXPECT_EQ(rules::jurisdiction_of({Json{{"iso_n3", "344"}}}), Jurisdiction::Elsewhere);  // Hong Kong: its own law
    EXPECT_EQ(rules::jurisdiction_of({Json{{"name", "Testprovince"}}}), Jurisdiction::Unknown);
    EXPECT_EQ(rules::jurisdiction_of({}), Jurisdiction::Unknown);
    EXPECT_EQ(rules::jurisdiction_of({Json{{"iso_n3", "-99"}}}), Jurisdiction::Unknown);
    // A province layer inside China and a country layer saying China agree; China wins a tie.
    EXPECT_EQ(rules::jurisdiction_of({Json{{"name_en", "Qinghai"}}, Json{{"iso_n3", "156"}}}), Jurisdiction::China);
}
