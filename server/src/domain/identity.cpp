#include "domain/identity.hpp"

namespace varde::domain {

std::string_view to_string(principal_role r) { return r == principal_role::operator_ ? "operator" : "member"; }
std::string_view to_string(principal_kind k) {
    return k == principal_kind::service ? "service" : "person";
}
std::string_view to_string(principal_status s) {
    return s == principal_status::revoked ? "revoked" : "active";
}

std::optional<principal_role> parse_role(std::string_view text) {
    if (text == "member") return principal_role::member;
    if (text == "operator") return principal_role::operator_;
    return std::nullopt;
}

std::optional<principal_kind> parse_principal_kind(std::string_view text) {
    if (text == "person") return principal_kind::person;
    if (text == "service") return principal_kind::service;
    return std::nullopt;
}

}  // namespace varde::domain
