#pragma once
// What the node knows about its membership, for validating recipients and for warning a
// submitter whose report would single it out.
#include <cstdint>
#include <set>
#include <string>

#include "store/tx.hpp"

namespace varde::store::directory_store {

struct directory {
    std::set<std::string> org_slugs;
    std::set<std::string> sectors;  // every sector some member organisation is in
};

directory load(tx& t);


}  // namespace varde::store::directory_store
