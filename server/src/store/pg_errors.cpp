#include "store/pg_errors.hpp"

#include <pqxx/pqxx>

#include "store/errors.hpp"
#include "util/log.hpp"

namespace varde::store {

namespace {

bool connection_lost(pqxx::sql_error const& e) {
    // Class 08 is "connection exception"; 57P0x are administrator shutdowns and crashes.
    std::string const& state = e.sqlstate();
    return state.starts_with("08") || state.starts_with("57P");
}

}  // namespace

void rethrow_as_store_failure() {
    try {
        throw;
    } catch (failure const&) {
        throw;
    } catch (pqxx::unique_violation const& e) {
        throw failure(error_kind::conflict, e.what());
    } catch (pqxx::integrity_constraint_violation const& e) {
        throw failure(error_kind::invalid, e.what());
    } catch (pqxx::transaction_rollback const& e) {  // serialization failure, deadlock
        throw failure(error_kind::retryable, e.what());
    } catch (pqxx::in_doubt_error const& e) {
        log::error("db.commit_in_doubt", {{"detail", e.what()}});
        throw failure(error_kind::unavailable, e.what());
    } catch (pqxx::broken_connection const& e) {
        throw failure(error_kind::unavailable, e.what());
    } catch (pqxx::sql_error const& e) {
        if (connection_lost(e)) throw failure(error_kind::unavailable, e.what());
        throw failure(error_kind::internal, std::string(e.what()) + " [" + e.sqlstate() + "]");
    } catch (std::exception const& e) {
        throw failure(error_kind::internal, e.what());
    }
}

}  // namespace varde::store
