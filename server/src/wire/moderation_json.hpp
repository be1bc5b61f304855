#pragma once
// Request bodies of moderation acts and TLP changes, decoded strictly: unknown fields are
// refused and every error is collected.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/tlp.hpp"
#include "domain/validation.hpp"
#include "domain/visibility.hpp"
#include "wire/json_body.hpp"

namespace varde::wire {

struct approval {
    std::optional<std::string> title, summary;  // edited scrubbed text
    std::optional<domain::tlp> level;           // only a tightening is accepted
    std::optional<domain::recipients> to;
};

struct tlp_change {
    domain::tlp level = domain::tlp::red;
    domain::recipients to;
};

decoded<approval> decode_approval(std::string_view body);     // an empty body approves as is
decoded<std::string> decode_rejection(std::string_view body);  // {"reason": "..."}
decoded<tlp_change> decode_tlp_change(std::string_view body);  // {"tlp": "...", "recipients": [...]}

}  // namespace varde::wire
