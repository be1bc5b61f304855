#include "domain/sharing.hpp"

#include <gtest/gtest.h>

namespace varde::domain {
namespace {

organisation nordkraft() {
    organisation o;
    o.slug = "nordkraft";
    o.name = "Nordkraft Energi AS";
    o.terms = {{"Nordkraft Energi AS", "Nordkraft"}, {"nordkraft.no"}, {"198.51.100.0/24"}};
    return o;
}

report_draft draft() {
    report_draft d;
    d.title = "Breach at Nordkraft";
    d.summary = "Mail ola@nordkraft.no or call +47 22 33 44 55";
    d.level = tlp::green;
    d.what.sector = "energy (Nordkraft)";
    d.threat_actors = {"APT10"};
    d.references = {"https://intranet.nordkraft.no/case/1"};
    d.indicators = {{indicator_type::ipv4, "192.0.2.7", indicator_role::attacker, "C2 seen from vpn.nordkraft.no"},
                    {indicator_type::ipv4, "198.51.100.9", indicator_role::victim, "our gateway"},
                    {indicator_type::email, "x@nordkraft.no", indicator_role::attacker, ""}};
    return d;
}

TEST(Sharing, ScrubsEveryFreeTextFieldIncludingSector) {
    auto shared = prepare_for_sharing(draft(), nordkraft(), {});
    EXPECT_EQ(shared.content.title, "Breach at [ORG]");
    EXPECT_EQ(shared.content.summary, "Mail [EMAIL] or call [PHONE]");
    EXPECT_EQ(shared.content.what.sector, "energy ([ORG])");
    EXPECT_EQ(shared.content.references[0], "https://[DOMAIN]/case/1");
    EXPECT_EQ(shared.content.threat_actors[0], "APT10");
}

TEST(Sharing, WithholdsVictimIndicatorsAndKeepsAttackerValuesVerbatim) {
    auto shared = prepare_for_sharing(draft(), nordkraft(), {});
    ASSERT_EQ(shared.content.indicators.size(), 2u);
    EXPECT_EQ(shared.content.indicators[0].value, "192.0.2.7");
    EXPECT_EQ(shared.content.indicators[0].note, "C2 seen from [DOMAIN]");
    EXPECT_EQ(shared.content.indicators[1].value, "x@nordkraft.no");  // the attacker's own, stays
    bool withheld = false;
    for (auto const& r : shared.redactions)
        withheld |= r.kind == "victim-indicator" && r.original == "198.51.100.9" && r.field == "indicators[1]";
    EXPECT_TRUE(withheld);
}

TEST(Sharing, AttributedKeepsTheNameButNotInternalData) {
    auto shared = prepare_for_sharing(draft(), nordkraft(), {.keep_org_names = true});
    EXPECT_EQ(shared.content.title, "Breach at Nordkraft");
    EXPECT_EQ(shared.content.references[0], "https://[DOMAIN]/case/1");
}

}  // namespace
}  // namespace varde::domain
