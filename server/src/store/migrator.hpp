#pragma once
// Forward-only schema migrations (migrations/NNNN_name.sql, embedded at build time).
#include <string>
#include <vector>

namespace varde::store {

struct migration {
    int version;
    std::string name;
    std::string sql;
};

// Every file of migrations/, in version order.
std::vector<migration> const& embedded_migrations();

struct migrate_report {
    std::vector<int> applied;  // versions applied by this call
    int current = 0;           // the schema version afterwards
};

// Applies pending migrations in order, each in its own transaction, recorded in
// schema_migrations with a checksum. A session-level advisory lock makes concurrent callers
// (two nodes starting at once) wait for each other, so each migration is applied once.
// Throws store::failure; refuses to run if an applied migration's text has changed.
migrate_report migrate(std::string const& database_url, std::vector<migration> const& all);

}  // namespace varde::store

namespace varde::store {

// Runs SQL outside any transaction block (CREATE/DROP DATABASE). Throws store::failure.
// For administration and tests only; never with user input.
void execute_autocommit(std::string const& database_url, std::string const& sql);

}  // namespace varde::store
