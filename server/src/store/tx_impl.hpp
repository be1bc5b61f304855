#pragma once
// libpqxx side of store::tx. Included only by store/*.cpp.
#include <pqxx/pqxx>
#include <string>
#include <unordered_set>

#include "store/tx.hpp"

namespace varde::store {

class tx::impl {
public:
    pqxx::transaction_base& work;
    pqxx::connection& conn;
    std::unordered_set<std::string>& prepared;
};

}  // namespace varde::store
