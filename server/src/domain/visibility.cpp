#include "domain/visibility.hpp"

#include <algorithm>

namespace varde::domain {

namespace {

bool contains(std::vector<std::string> const& list, std::string const& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

bool named_org(principal const& who, report_meta const& report) {
    return contains(report.to.orgs, who.org_slug);
}

bool named_sector(principal const& who, report_meta const& report) {
    return std::any_of(who.org_sectors.begin(), who.org_sectors.end(),
                       [&](std::string const& s) { return contains(report.to.sectors, s); });
}

}  // namespace

bool tlp_admits(principal const& who, report_meta const& report) {
    switch (report.level) {
    case tlp::clear:
    case tlp::green: return true;
    case tlp::amber: return named_org(who, report) || named_sector(who, report);
    case tlp::amber_strict: return named_org(who, report);
    case tlp::red: return who.kind == principal_kind::person && named_org(who, report);
    }
    return false;
}

bool sees_as_owner(principal const& who, report_meta const& report) {
    return who.is_active() && (who.is_operator() || who.org_slug == report.origin_org);
}

access access_to(principal const& who, report_meta const& report) {
    if (!who.is_active()) return access::none;
    if (sees_as_owner(who, report)) return access::full;
    if (!tlp_admits(who, report)) return access::none;
    switch (report.status) {
    case report_status::published: return access::full;
    case report_status::retracted: return access::gone;
    case report_status::pending:
    case report_status::rejected: return access::none;
    }
    return access::none;
}

}  // namespace varde::domain
