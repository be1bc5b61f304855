#include "domain/tlp.hpp"

#include "domain/text.hpp"

namespace varde::domain {

std::optional<tlp> parse_tlp(std::string_view text) {
    std::string upper = to_upper_ascii(text);
    std::string_view level = upper;
    if (level.starts_with("TLP:")) level.remove_prefix(4);
    if (level == "CLEAR") return tlp::clear;
    if (level == "GREEN") return tlp::green;
    if (level == "AMBER") return tlp::amber;
    if (level == "AMBER+STRICT") return tlp::amber_strict;
    if (level == "RED") return tlp::red;
    return std::nullopt;
}

std::string_view to_string(tlp level) {
    switch (level) {
    case tlp::clear: return "CLEAR";
    case tlp::green: return "GREEN";
    case tlp::amber: return "AMBER";
    case tlp::amber_strict: return "AMBER+STRICT";
    case tlp::red: return "RED";
    }
    return "RED";  // unreachable; the strictest answer is the safe one
}

}  // namespace varde::domain
