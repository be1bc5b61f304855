#pragma once
// The strict reading shared by the request-body decoders (admin, moderation): a JSON object,
// bounded in depth before anything is built, duplicate keys refused, unknown fields named,
// and every error collected with its field.
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/validation.hpp"

namespace varde::wire {

// A decoded request body: value is set only when errors is empty.
template <typename T>
struct decoded {
    std::optional<T> value;
    std::vector<domain::field_error> errors;
};

using field_names = std::span<std::string_view const>;

// Parses a JSON object no deeper than max_depth; duplicate keys are refused (nlohmann would
// keep the last one quietly).
std::optional<nlohmann::json> parse_object(std::string_view body, std::size_t max_depth,
                                           std::vector<domain::field_error>& out);

// Every key that is not in `known` is an error: "cannot be changed" for the `fixed` ones,
// "unknown field" for the rest.
void refuse_unknown(nlohmann::json const& object, field_names known, field_names fixed,
                    std::vector<domain::field_error>& out);

}  // namespace varde::wire
