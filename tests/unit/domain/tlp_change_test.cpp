#include "domain/tlp_change.hpp"

#include <gtest/gtest.h>

namespace varde::domain {
namespace {

report_meta meta(tlp level, std::vector<std::string> orgs = {}, std::vector<std::string> sectors = {}) {
    return {"origin", level, {std::move(orgs), std::move(sectors)}, report_status::published};
}

std::vector<std::string> sectors(std::string const& org) {
    if (org == "bank") return {"finance"};
    if (org == "grid") return {"energy"};
    return {};
}

struct row {
    char const* what;
    report_meta before, after;
    bool tightening;
};

class Tightening : public ::testing::TestWithParam<row> {};

TEST_P(Tightening, NobodyGainsAccess) {
    auto const& r = GetParam();
    EXPECT_EQ(is_tightening(r.before, r.after, sectors), r.tightening) << r.what;
}

INSTANTIATE_TEST_SUITE_P(Spec, Tightening, ::testing::Values(
    row{"GREEN -> AMBER named org", meta(tlp::green), meta(tlp::amber, {"bank"}), true},
    row{"CLEAR -> GREEN", meta(tlp::clear), meta(tlp::green), true},
    row{"GREEN -> CLEAR loosens", meta(tlp::green), meta(tlp::clear), false},
    row{"AMBER -> RED same orgs", meta(tlp::amber, {"bank"}), meta(tlp::red, {"bank"}), true},
    row{"RED -> AMBER+STRICT loosens", meta(tlp::red, {"bank"}), meta(tlp::amber_strict, {"bank"}), false},
    row{"narrower recipients", meta(tlp::amber_strict, {"bank", "grid"}), meta(tlp::amber_strict, {"bank"}), true},
    row{"a new org is not tightening", meta(tlp::amber_strict, {"bank"}), meta(tlp::amber_strict, {"grid"}), false},
    row{"org inside a named sector", meta(tlp::amber, {}, {"finance"}), meta(tlp::amber_strict, {"bank"}), true},
    row{"org outside the named sector", meta(tlp::amber, {}, {"finance"}), meta(tlp::red, {"grid"}), false},
    row{"wider sector list", meta(tlp::amber, {}, {"finance"}), meta(tlp::amber, {}, {"finance", "energy"}), false}));

TEST(TlpChange, WhoDecides) {
    principal originator, op, other;
    originator.org_slug = "origin";
    op.org_slug = "cert";
    op.role = principal_role::operator_;
    other.org_slug = "bank";
    auto m = meta(tlp::amber, {"bank"});
    EXPECT_EQ(decide_tlp_change(originator, m, false), change_decision::apply);
    EXPECT_EQ(decide_tlp_change(op, m, true), change_decision::apply);
    EXPECT_EQ(decide_tlp_change(op, m, false), change_decision::propose);
    EXPECT_EQ(decide_tlp_change(other, m, true), change_decision::refuse);
}

TEST(TlpChange, ClearAndGreenDropRecipients) {
    auto m = meta(tlp::green, {"bank"}, {"finance"});
    drop_recipients_if_unused(m);
    EXPECT_TRUE(m.to.orgs.empty());
    EXPECT_TRUE(m.to.sectors.empty());
}

}  // namespace
}  // namespace varde::domain
