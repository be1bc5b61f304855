#pragma once
// JSON <-> report_draft for POST /v1/reports. Decoding is strict and structural: it refuses
// unknown fields and wrong types and collects every error; the semantic rules are
// domain::validate_and_normalise, which a caller runs on the decoded draft.
#include "domain/report.hpp"
#include "domain/validation.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace varde::wire {

struct decode_limits {
    std::size_t max_depth = 16;     // nested objects and arrays, the top-level object counting 1
    std::size_t max_body = 1 << 20;  // bytes
};

// Is no object or array nested deeper than max_depth? Scans the raw bytes, skipping strings and
// their escapes, so a hostile "[[[[..." is refused before a parser builds anything.
bool within_depth(std::string_view json, std::size_t max_depth);

// draft is set only when errors is empty: a draft with holes would make validation report
// errors (a missing tlp, say) that are consequences of the structural ones.
struct decoded_report {
    std::optional<domain::report_draft> draft;
    std::vector<domain::field_error> errors;
};

decoded_report decode_new_report(std::string_view body, decode_limits const& limits);

// The request body the client library sends; optional fields that are empty are left out.
std::string encode_new_report(domain::report_draft const& draft);

}  // namespace varde::wire
