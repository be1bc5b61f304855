#pragma once
// JSON views of identities and node status.
#include <string>

#include "domain/identity.hpp"

namespace varde::wire {

std::string whoami_json(domain::principal const& who);
std::string health_json(bool database_up, std::string const& version);

}  // namespace varde::wire
