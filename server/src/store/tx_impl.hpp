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
    // Outside an explicit transaction (pg_pool::read) only one statement may run: two would
    // not see one snapshot. -1: no limit.
    int statements_left = -1;
    // Set once a statement has returned its result: outside an explicit transaction that
    // statement has committed by then (pg_pool::write_one).
    bool statement_returned = false;

    void count_statement();
};

}  // namespace varde::store
