// The visibility rule of SPEC §4 and §6 as a table (tests/support/visibility_cases.hpp):
// every TLP level, every kind of principal, every status. The SQL mirror is checked against
// the same table in tests/integration/store/visibility_sql_test.cpp.
#include "domain/visibility.hpp"

#include <gtest/gtest.h>

#include "visibility_cases.hpp"

namespace varde::domain {
namespace {

using test::visibility_case;

class Visibility : public ::testing::TestWithParam<visibility_case> {};

TEST_P(Visibility, FollowsTheSpecTable) {
    auto const& c = GetParam();
    EXPECT_EQ(access_to(c.who, c.meta), c.expected) << c.what;
}

INSTANTIATE_TEST_SUITE_P(Spec, Visibility, ::testing::ValuesIn(test::visibility_cases()));

TEST(Visibility, RevokedPrincipalSeesNothing) {
    auto p = test::make_principal("fjordbank", {"finance"});
    p.status = principal_status::revoked;
    EXPECT_EQ(access_to(p, test::make_report(tlp::clear)), access::none);
}

TEST(Visibility, OwnerViewOnlyForOriginatorAndOperators) {
    auto r = test::make_report(tlp::green);
    EXPECT_TRUE(sees_as_owner(test::make_principal("nordkraft", {"energy"}), r));
    EXPECT_TRUE(sees_as_owner(test::make_principal("cert", {}, principal_role::operator_), r));
    EXPECT_FALSE(sees_as_owner(test::make_principal("fjordbank", {"finance"}), r));
}

}  // namespace
}  // namespace varde::domain
