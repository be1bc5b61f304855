// The visibility rule of SPEC §4 and §6 as a table: every TLP level, every kind of principal,
// every status. Each row is one expectation read straight from the spec.
#include "domain/visibility.hpp"

#include <gtest/gtest.h>

namespace varde::domain {
namespace {

principal make(std::string org, std::vector<std::string> sectors, principal_role role = principal_role::member,
               principal_kind kind = principal_kind::person) {
    principal p;
    p.org_slug = std::move(org);
    p.org_sectors = std::move(sectors);
    p.role = role;
    p.kind = kind;
    return p;
}

principal const origin_person = make("nordkraft", {"energy"});
principal const origin_service = make("nordkraft", {"energy"}, principal_role::member, principal_kind::service);
principal const named_person = make("fjordbank", {"finance"});
principal const named_service = make("fjordbank", {"finance"}, principal_role::member, principal_kind::service);
principal const sector_person = make("havn", {"transport", "energy"});
principal const outsider = make("havn", {"transport"});
principal const cert_operator = make("cert", {"government"}, principal_role::operator_);

report_meta report(tlp level, report_status status = report_status::published) {
    report_meta r;
    r.origin_org = "nordkraft";
    r.level = level;
    r.status = status;
    if (needs_recipients(level)) r.to.orgs = {"fjordbank"};
    if (level == tlp::amber) r.to.sectors = {"energy"};
    return r;
}

struct row {
    char const* what;
    principal who;
    report_meta meta;
    access expected;
};

class Visibility : public ::testing::TestWithParam<row> {};

TEST_P(Visibility, FollowsTheSpecTable) {
    auto const& r = GetParam();
    EXPECT_EQ(access_to(r.who, r.meta), r.expected) << r.what;
}

constexpr auto pub = report_status::published;
constexpr auto pending = report_status::pending;
constexpr auto rejected = report_status::rejected;
constexpr auto retracted = report_status::retracted;

INSTANTIATE_TEST_SUITE_P(Spec, Visibility, ::testing::Values(
    row{"CLEAR: everyone", outsider, report(tlp::clear), access::full},
    row{"CLEAR: services too", named_service, report(tlp::clear), access::full},
    row{"GREEN: every member", outsider, report(tlp::green), access::full},
    row{"GREEN: services too", named_service, report(tlp::green), access::full},
    row{"AMBER: named org", named_person, report(tlp::amber), access::full},
    row{"AMBER: named org's service", named_service, report(tlp::amber), access::full},
    row{"AMBER: via named sector", sector_person, report(tlp::amber), access::full},
    row{"AMBER: not named", outsider, report(tlp::amber), access::none},
    row{"AMBER+STRICT: named org", named_person, report(tlp::amber_strict), access::full},
    row{"AMBER+STRICT: sector does not count", sector_person,
        [] { auto r = report(tlp::amber_strict); r.to.sectors = {"energy"}; return r; }(), access::none},
    row{"AMBER+STRICT: not named", outsider, report(tlp::amber_strict), access::none},
    row{"RED: named person", named_person, report(tlp::red), access::full},
    row{"RED: never a service", named_service, report(tlp::red), access::none},
    row{"RED: not named", outsider, report(tlp::red), access::none},
    row{"RED: operator sees all", cert_operator, report(tlp::red), access::full},
    row{"RED: originator's person", origin_person, report(tlp::red), access::full},
    row{"RED: originator's own service sees its own", origin_service, report(tlp::red), access::full},
    row{"pending: hidden from named org", named_person, report(tlp::green, pending), access::none},
    row{"pending: originator sees it", origin_person, report(tlp::green, pending), access::full},
    row{"pending: operator sees it", cert_operator, report(tlp::red, pending), access::full},
    row{"rejected: hidden from members", outsider, report(tlp::clear, rejected), access::none},
    row{"rejected: originator sees it", origin_person, report(tlp::clear, rejected), access::full},
    row{"retracted: gone for who could see it", named_person, report(tlp::amber, retracted), access::gone},
    row{"retracted: 404 for who never could", outsider, report(tlp::amber, retracted), access::none},
    row{"retracted: originator still sees it", origin_person, report(tlp::amber, retracted), access::full},
    row{"retracted: operator still sees it", cert_operator, report(tlp::red, retracted), access::full},
    row{"revoked principal sees nothing",
        [] { auto p = named_person; p.status = principal_status::revoked; return p; }(),
        report(tlp::clear), access::none}));

TEST(Visibility, OwnerViewOnlyForOriginatorAndOperators) {
    auto r = report(tlp::green);
    EXPECT_TRUE(sees_as_owner(origin_person, r));
    EXPECT_TRUE(sees_as_owner(cert_operator, r));
    EXPECT_FALSE(sees_as_owner(named_person, r));
    EXPECT_FALSE(sees_as_owner(outsider, r));
}

}  // namespace
}  // namespace varde::domain
