#include "wire/identity_json.hpp"

#include <nlohmann/json.hpp>

namespace varde::wire {

std::string whoami_json(domain::principal const& who) {
    return nlohmann::json{{"principal", {{"id", who.id}, {"name", who.name},
                                         {"fingerprint", who.fingerprint},
                                         {"role", domain::to_string(who.role)},
                                         {"kind", domain::to_string(who.kind)},
                                         {"status", domain::to_string(who.status)}}},
                          {"organisation", {{"slug", who.org_slug}, {"name", who.org_name},
                                            {"sectors", who.org_sectors}}}}
        .dump();
}

std::string health_json(bool database_up, std::string const& version) {
    return nlohmann::json{{"status", database_up ? "ok" : "degraded"},
                          {"database", database_up ? "ok" : "unavailable"},
                          {"version", version}}
        .dump();
}

}  // namespace varde::wire
