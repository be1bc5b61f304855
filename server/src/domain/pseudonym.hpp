#pragma once
// How a report's source is shown to other members (SPEC §5 "Source").
#include <optional>
#include <string>
#include <string_view>

#include "domain/identity.hpp"

namespace varde::domain {

// A MAC keyed with the node secret. The domain only sees this interface; the HMAC-SHA256
// implementation lives outside it (OpenSSL), and tests pass a fake.
class keyed_hash {
public:
    virtual ~keyed_hash() = default;
    // Lower- or upper-case hex of the MAC of `message`; at least 10 hex digits.
    virtual std::string hex_mac(std::string_view message) const = 0;
};

enum class attribution { anonymous, pseudonymous, attributed };

// Exactly "anonymous", "pseudonymous" or "attributed", like the other wire enums.
std::optional<attribution> parse_attribution(std::string_view text);
std::string_view to_string(attribution a);

// What other members see as the source: nothing (anonymous), the organisation's name
// (attributed), or "member-" and 10 hex digits of the keyed MAC of its slug (pseudonymous).
// The pseudonym is stable per organisation and cannot be recomputed without the node secret.
// Throws std::invalid_argument if the MAC is shorter than 10 hex digits.
std::optional<std::string> source_display(attribution a, organisation const& org,
                                          keyed_hash const& mac);

}  // namespace varde::domain
