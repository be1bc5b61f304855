#include "stream/filter.hpp"

#include <algorithm>

namespace varde::stream {

namespace {

bool any_of(std::vector<std::string> const& wanted, std::string const& value) {
    return wanted.empty() || std::find(wanted.begin(), wanted.end(), value) != wanted.end();
}

}  // namespace

bool admits(filter const& f, report_facts const& r) {
    if (f.max_tlp && domain::is_stricter(r.level, *f.max_tlp)) return false;
    if (!any_of(f.categories, r.category) || !any_of(f.sectors, r.sector)) return false;
    if (f.indicator_types.empty()) return true;
    return std::any_of(r.indicator_types.begin(), r.indicator_types.end(),
                       [&](std::string const& t) { return any_of(f.indicator_types, t); });
}

}  // namespace varde::stream
