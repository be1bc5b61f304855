#pragma once
// Semantic checks of a submitted report (SPEC §3, §4, §8). Every offending field is reported,
// not just the first, so a member fixes a rejected report in one round trip.
#include "domain/report.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace varde::domain {

struct field_error {
    std::string field;   // "title", "incident.first_seen", "recipients[0]", "indicators[3].value"
    std::string message;  // client-safe English text
};

// Lengths are in bytes of UTF-8.
struct validation_limits {
    std::size_t max_title = 200;
    std::size_t max_summary = 65536;
    std::size_t max_note = 2000;
    std::size_t max_indicators = 1000;
    std::size_t max_list_items = 100;
    std::size_t max_item_length = 256;
};

// Which recipients exist on this node; the store implements it.
struct recipient_directory {
    virtual ~recipient_directory() = default;
    virtual bool org_exists(std::string_view slug) const = 0;
    virtual bool sector_exists(std::string_view sector) const = 0;
};

// Checks every rule, collecting all errors, and normalises the draft in place: trimmed text,
// canonical indicator values, upper-case CVE/ATT&CK ids and country, and lists without
// duplicates (a duplicate is dropped, keeping the first; it is not an error).
// recipients[i] indexes to.orgs followed by to.sectors.
std::vector<field_error> validate_and_normalise(report_draft& draft,
                                                recipient_directory const& directory,
                                                validation_limits const& limits);

}  // namespace varde::domain
