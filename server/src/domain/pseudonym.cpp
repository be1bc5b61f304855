#include "domain/pseudonym.hpp"

#include <algorithm>
#include <stdexcept>

#include "domain/text.hpp"

namespace varde::domain {

namespace {

// Versioned, so the pseudonym scheme can change without colliding with old labels.
constexpr std::string_view pseudonym_context = "pseudonym:v1:";
constexpr std::size_t pseudonym_hex_digits = 10;  // 40 bits: no collisions among members

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::optional<attribution> parse_attribution(std::string_view text) {
    if (text == "anonymous") return attribution::anonymous;
    if (text == "pseudonymous") return attribution::pseudonymous;
    if (text == "attributed") return attribution::attributed;
    return std::nullopt;
}

std::string_view to_string(attribution a) {
    switch (a) {
    case attribution::anonymous: return "anonymous";
    case attribution::pseudonymous: return "pseudonymous";
    case attribution::attributed: return "attributed";
    }
    return "anonymous";
}

std::optional<std::string> source_display(attribution a, organisation const& org,
                                          keyed_hash const& mac) {
    switch (a) {
    case attribution::anonymous: return std::nullopt;
    case attribution::attributed: return org.name;
    case attribution::pseudonymous: break;
    }
    std::string message(pseudonym_context);
    message += org.slug;
    std::string const digest = to_lower_ascii(mac.hex_mac(message));
    // A short or non-hex MAC means a broken implementation; refuse rather than show a weak
    // (guessable) or odd-looking pseudonym.
    if (digest.size() < pseudonym_hex_digits ||
        !std::all_of(digest.begin(), digest.begin() + pseudonym_hex_digits, is_hex))
        throw std::invalid_argument("keyed_hash returned fewer than 10 hex digits");
    return "member-" + digest.substr(0, pseudonym_hex_digits);
}

}  // namespace varde::domain
