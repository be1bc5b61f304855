#pragma once
// The table of SPEC §4/§6 visibility cases, shared by the domain unit test and the SQL
// integration test, so domain::access_to and the SQL function report_access are checked
// against the same expectations.
#include <string>
#include <vector>

#include "domain/visibility.hpp"

namespace varde::test {

struct visibility_case {
    char const* what;
    domain::principal who;
    domain::report_meta meta;
    domain::access expected;
};

inline domain::principal make_principal(std::string org, std::vector<std::string> sectors,
                                        domain::principal_role role = domain::principal_role::member,
                                        domain::principal_kind kind = domain::principal_kind::person) {
    domain::principal p;
    p.org_slug = std::move(org);
    p.org_sectors = std::move(sectors);
    p.role = role;
    p.kind = kind;
    return p;
}

inline domain::report_meta make_report(domain::tlp level, domain::report_status status = domain::report_status::published) {
    domain::report_meta r;
    r.origin_org = "nordkraft";
    r.level = level;
    r.status = status;
    if (domain::needs_recipients(level)) r.to.orgs = {"fjordbank"};
    if (level == domain::tlp::amber) r.to.sectors = {"energy"};
    return r;
}

inline std::vector<visibility_case> visibility_cases() {
    using domain::access;
    using domain::tlp;
    using st = domain::report_status;
    auto const origin_person = make_principal("nordkraft", {"energy"});
    auto const origin_service = make_principal("nordkraft", {"energy"}, domain::principal_role::member, domain::principal_kind::service);
    auto const named_person = make_principal("fjordbank", {"finance"});
    auto const named_service = make_principal("fjordbank", {"finance"}, domain::principal_role::member, domain::principal_kind::service);
    auto const sector_person = make_principal("havn", {"transport", "energy"});
    auto const outsider = make_principal("havn", {"transport"});
    auto const cert_operator = make_principal("cert", {"government"}, domain::principal_role::operator_);
    auto strict_with_sector = make_report(tlp::amber_strict);
    strict_with_sector.to.sectors = {"energy"};
    return {
        {"CLEAR: everyone", outsider, make_report(tlp::clear), access::full},
        {"CLEAR: services too", named_service, make_report(tlp::clear), access::full},
        {"GREEN: every member", outsider, make_report(tlp::green), access::full},
        {"GREEN: services too", named_service, make_report(tlp::green), access::full},
        {"AMBER: named org", named_person, make_report(tlp::amber), access::full},
        {"AMBER: named org's service", named_service, make_report(tlp::amber), access::full},
        {"AMBER: via named sector", sector_person, make_report(tlp::amber), access::full},
        {"AMBER: not named", outsider, make_report(tlp::amber), access::none},
        {"AMBER+STRICT: named org", named_person, make_report(tlp::amber_strict), access::full},
        {"AMBER+STRICT: sector does not count", sector_person, strict_with_sector, access::none},
        {"AMBER+STRICT: not named", outsider, make_report(tlp::amber_strict), access::none},
        {"RED: named person", named_person, make_report(tlp::red), access::full},
        {"RED: never a service", named_service, make_report(tlp::red), access::none},
        {"RED: not named", outsider, make_report(tlp::red), access::none},
        {"RED: operator sees all", cert_operator, make_report(tlp::red), access::full},
        {"RED: originator's person", origin_person, make_report(tlp::red), access::full},
        {"RED: originator's own service sees its own", origin_service, make_report(tlp::red), access::full},
        {"pending: hidden from named org", named_person, make_report(tlp::green, st::pending), access::none},
        {"pending: originator sees it", origin_person, make_report(tlp::green, st::pending), access::full},
        {"pending: operator sees it", cert_operator, make_report(tlp::red, st::pending), access::full},
        {"rejected: hidden from members", outsider, make_report(tlp::clear, st::rejected), access::none},
        {"rejected: originator sees it", origin_person, make_report(tlp::clear, st::rejected), access::full},
        {"retracted: gone for who could see it", named_person, make_report(tlp::amber, st::retracted), access::gone},
        {"retracted: 404 for who never could", outsider, make_report(tlp::amber, st::retracted), access::none},
        {"retracted: originator still sees it", origin_person, make_report(tlp::amber, st::retracted), access::full},
        {"retracted: operator still sees it", cert_operator, make_report(tlp::red, st::retracted), access::full},
    };
}

}  // namespace varde::test
