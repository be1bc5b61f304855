#include "domain/tlp_change.hpp"

#include <algorithm>

namespace varde::domain {

namespace {

bool contains(std::vector<std::string> const& list, std::string const& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Could every principal of organisation `org` see a report shared as `before`?
bool covered_org(report_meta const& before, std::string const& org, sectors_of const& lookup) {
    if (!needs_recipients(before.level)) return true;
    if (contains(before.to.orgs, org)) return true;
    if (before.level != tlp::amber) return false;
    auto sectors = lookup(org);
    return std::any_of(sectors.begin(), sectors.end(),
                       [&](std::string const& s) { return contains(before.to.sectors, s); });
}

bool covered_sector(report_meta const& before, std::string const& sector) {
    return !needs_recipients(before.level) || (before.level == tlp::amber && contains(before.to.sectors, sector));
}

}  // namespace

bool is_tightening(report_meta const& before, report_meta const& after, sectors_of const& lookup) {
    if (is_stricter(before.level, after.level)) return false;
    // CLEAR -> GREEN narrows (no longer public) though both reach every member.
    return std::all_of(after.to.orgs.begin(), after.to.orgs.end(),
                       [&](std::string const& o) { return covered_org(before, o, lookup); }) &&
           std::all_of(after.to.sectors.begin(), after.to.sectors.end(),
                       [&](std::string const& s) { return covered_sector(before, s); });
}

change_decision decide_tlp_change(principal const& who, report_meta const& before, bool tightening) {
    if (!who.is_active()) return change_decision::refuse;
    if (who.is_operator()) return tightening ? change_decision::apply : change_decision::propose;
    if (who.org_slug == before.origin_org) return change_decision::apply;
    return change_decision::refuse;
}

void drop_recipients_if_unused(report_meta& meta) {
    if (!needs_recipients(meta.level)) meta.to = {};
}

}  // namespace varde::domain
