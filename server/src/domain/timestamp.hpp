#pragma once
// RFC 3339 date-times (SPEC §3: first_seen, last_seen; list filters since/until).
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace varde::domain {

// A point in time as seconds and nanoseconds since 1970-01-01T00:00:00Z.
using instant = std::pair<std::int64_t, std::int64_t>;

// RFC 3339 §5.6 date-time: "YYYY-MM-DDTHH:MM:SS", an optional fraction of 1-9 digits, then
// "Z" or "+hh:mm"/"-hh:mm", calendar and clock ranges checked, leap seconds refused.
// Expects upper-case 'T' and 'Z' (callers upper-case first; RFC 3339 allows both).
std::optional<instant> parse_rfc3339(std::string_view text);

inline bool is_rfc3339(std::string_view text) { return parse_rfc3339(text).has_value(); }

}  // namespace varde::domain
