#pragma once
// Enrols organisations and principals listed in a JSON file (examples/members.json), for the
// development node and the tests. Idempotent: what exists already is left as it is.
#include <string>
#include <vector>

#include "service/identity_service.hpp"

namespace varde::app {

struct seed_report {
    int added = 0;
    int existing = 0;
    std::vector<std::string> errors;
};

seed_report seed_members(service::identity_service& ids, std::string const& actor,
                         std::string const& members_file, std::string const& pki_dir);

}  // namespace varde::app
