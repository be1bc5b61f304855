#pragma once
// Traffic Light Protocol 2.0 levels (FIRST TLP 2.0), ordered by strictness.
#include <optional>
#include <string_view>

namespace varde::domain {

enum class tlp { clear, green, amber, amber_strict, red };

// Accepts the level with or without a "TLP:" prefix, in any letter case.
std::optional<tlp> parse_tlp(std::string_view text);

// The canonical spelling used on the wire: "CLEAR", "AMBER+STRICT", ...
std::string_view to_string(tlp level);

constexpr int strictness(tlp level) { return static_cast<int>(level); }
constexpr bool is_stricter(tlp a, tlp b) { return strictness(a) > strictness(b); }

// AMBER and above are shared only with named recipients.
constexpr bool needs_recipients(tlp level) { return strictness(level) >= strictness(tlp::amber); }
// Only plain AMBER may name whole sectors as recipients.
constexpr bool allows_sector_recipients(tlp level) { return level == tlp::amber; }

}  // namespace varde::domain
