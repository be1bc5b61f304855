#pragma once
// What a subscriber asked to receive (SPEC §7: maximum TLP, categories, sectors, indicator
// types). A filter only narrows: visibility is decided first, by domain::access_to.
#include <optional>
#include <string>
#include <vector>

#include "domain/tlp.hpp"

namespace varde::stream {

struct filter {
    std::optional<domain::tlp> max_tlp;
    std::vector<std::string> categories;       // any of these; empty: all
    std::vector<std::string> sectors;          // the report's sector, any of these; empty: all
    std::vector<std::string> indicator_types;  // has an indicator of any of these; empty: all
};

struct report_facts {
    domain::tlp level;
    std::string const& category;
    std::string const& sector;
    std::vector<std::string> const& indicator_types;
};

bool admits(filter const& f, report_facts const& r);

}  // namespace varde::stream
