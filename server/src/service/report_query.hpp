#pragma once
// Turns list query parameters into a store filter, collecting every bad parameter.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/pseudonym.hpp"
#include "domain/validation.hpp"
#include "store/report_store.hpp"

namespace varde::service {

struct list_query {
    store::report_store::list_filter filter;
    std::optional<std::int64_t> before;
    std::size_t limit = 50;
    bool summary = false;  // view=summary: header and title only
};

struct parsed_query {
    list_query query;
    std::vector<domain::field_error> errors;
};

parsed_query parse_list_query(std::map<std::string, std::string> const& params, std::size_t max_page,
                              domain::keyed_hash const& cursor_key);

// Checks and normalises an indicator given as type + value; an error names the field.
std::optional<domain::field_error> normalise_indicator_filter(std::string const& type, std::string& value,
                                                              std::string const& value_field);

}  // namespace varde::service
