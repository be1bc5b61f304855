#include "store/migrator.hpp"

#include <map>
#include <pqxx/pqxx>

#include "store/errors.hpp"
#include "store/pg_errors.hpp"
#include "util/log.hpp"

namespace varde::store {

namespace {

constexpr char const* lock_id = "7364836500";  // 'migrate' advisory lock, see also audit lock

constexpr char const* create_table_sql = R"(
    CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()))";

std::map<int, std::string> applied_checksums(pqxx::connection& conn) {
    pqxx::nontransaction q(conn);
    std::map<int, std::string> out;
    for (auto const& r : q.exec("SELECT version, checksum FROM schema_migrations"))
        out.emplace(r[0].as<int>(), r[1].as<std::string>());
    return out;
}

std::string checksum_of(pqxx::connection& conn, std::string const& sql) {
    pqxx::nontransaction q(conn);
    return q.exec_params("SELECT md5($1)", sql)[0][0].as<std::string>();
}

void apply(pqxx::connection& conn, migration const& m, std::string const& checksum) {
    pqxx::work w(conn);
    w.exec(m.sql);
    w.exec_params("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                  m.version, m.name, checksum);
    w.commit();
    log::info("db.migration_applied", {{"version", m.version}, {"name", m.name}});
}

migrate_report migrate_locked(pqxx::connection& conn, std::vector<migration> const& all) {
    { pqxx::nontransaction q(conn); q.exec(create_table_sql); }
    auto applied = applied_checksums(conn);
    migrate_report report;
    for (auto const& m : all) {
        auto checksum = checksum_of(conn, m.sql);
        auto found = applied.find(m.version);
        if (found == applied.end()) {
            apply(conn, m, checksum);
            report.applied.push_back(m.version);
        } else if (found->second != checksum) {
            throw failure(error_kind::invalid, "migration " + m.name +
                          " was changed after it was applied; migrations are forward-only");
        }
        report.current = m.version;
    }
    return report;
}

}  // namespace

migrate_report migrate(std::string const& database_url, std::vector<migration> const& all) {
    try {
        pqxx::connection conn(database_url);
        // On failure the connection closes, which releases the session lock too.
        pqxx::nontransaction(conn).exec(std::string("SELECT pg_advisory_lock(") + lock_id + ")");
        auto report = migrate_locked(conn, all);
        pqxx::nontransaction(conn).exec(std::string("SELECT pg_advisory_unlock(") + lock_id + ")");
        return report;
    } catch (...) {
        rethrow_as_store_failure();
    }
}

}  // namespace varde::store

namespace varde::store {

void execute_autocommit(std::string const& database_url, std::string const& sql) {
    try {
        pqxx::connection conn(database_url);
        pqxx::nontransaction(conn).exec(sql);
    } catch (...) {
        rethrow_as_store_failure();
    }
}

}  // namespace varde::store
