#include "store/pg_pool.hpp"

#include <pqxx/pqxx>
#include <unordered_set>

#include "store/errors.hpp"
#include "store/pg_errors.hpp"
#include "store/tx_impl.hpp"
#include "util/log.hpp"

namespace varde::store {

struct pg_pool::slot {
    std::unique_ptr<pqxx::connection> conn;
    std::unordered_set<std::string> prepared;
};

std::string with_connect_timeout(std::string const& url, std::chrono::seconds timeout) {
    if (url.find("connect_timeout=") != std::string::npos) return url;
    char sep = url.find('?') == std::string::npos ? '?' : '&';
    return url + sep + "connect_timeout=" + std::to_string(timeout.count());
}

namespace {

constexpr int max_attempts = 4;

char const* begin_sql(isolation level) {
    switch (level) {
    case isolation::repeatable_read: return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case isolation::serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE";
    case isolation::read_committed: break;
    }
    return "BEGIN";
}

}  // namespace

pg_pool::pg_pool(pool_options options) : options_(std::move(options)) {
    options_.url = with_connect_timeout(options_.url, options_.connect_timeout);
    for (std::size_t i = 0; i < options_.size; ++i) free_.push_back(std::make_unique<slot>());
}

pg_pool::~pg_pool() = default;

std::unique_ptr<pg_pool::slot> pg_pool::acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !free_.empty(); });
    auto s = std::move(free_.back());
    free_.pop_back();
    return s;
}

void pg_pool::release(std::unique_ptr<slot> s) {
    {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(s));
    }
    available_.notify_one();
}

namespace {

// A write run as its own transaction failed. Once its statement has returned it has
// committed; while it ran, a lost connection leaves its commit unknown. Either way it must
// not be written again: failure{unavailable}, as for a failed COMMIT (pg_errors.cpp).
[[noreturn]] void rethrow_single_write_failure(bool sent, bool returned) {
    if (returned) {
        log::error("db.commit_in_doubt", {{"detail", "error after the single-statement write committed"}});
        throw failure(error_kind::unavailable, "the write committed, but its answer could not be read");
    }
    try {
        rethrow_as_store_failure();
    } catch (failure const& f) {
        if (sent && f.kind() == error_kind::unavailable)
            log::error("db.commit_in_doubt", {{"detail", f.what()}});
        throw;
    }
}

}  // namespace

void pg_pool::run_once(slot& s, std::function<void(tx&)> const& work, mode how) {
    auto const* one = std::get_if<single>(&how);
    bool sent = false, returned = false;  // of a single statement
    try {
        if (!s.conn || !s.conn->is_open()) {
            s.prepared.clear();
            s.conn = std::make_unique<pqxx::connection>(options_.url);
            // Short queries only: JIT compilation costs 100+ ms whenever the planner
            // overestimates one (a generic plan of the list query at 1M reports did).
            s.conn->set_variable("jit", "off");
        }
        // A nontransaction with explicit BEGIN/COMMIT lets us choose the isolation level
        // per call; pqxx::work fixes it at compile time.
        pqxx::nontransaction raw(*s.conn);
        tx::impl impl{raw, *s.conn, s.prepared};
        tx t(impl);
        if (one) {
            impl.statements_left = 1;
            try {
                work(t);
            } catch (...) {
                sent = impl.statements_left == 0;
                returned = impl.statement_returned;
                throw;
            }
            return;
        }
        raw.exec(begin_sql(std::get<isolation>(how)));
        try {
            work(t);
        } catch (...) {
            if (s.conn->is_open()) raw.exec("ROLLBACK");
            throw;
        }
        raw.exec("COMMIT");
    } catch (...) {
        if (s.conn && !s.conn->is_open()) s.conn.reset();
        if (one && *one == single::write) rethrow_single_write_failure(sent, returned);
        rethrow_as_store_failure();
    }
}

void pg_pool::run(std::function<void(tx&)> const& work, mode how) {
    auto s = acquire();
    struct give_back {
        pg_pool& pool;
        std::unique_ptr<slot>& s;
        ~give_back() { pool.release(std::move(s)); }
    } guard{*this, s};
    for (int attempt = 1;; ++attempt) {
        try {
            return run_once(*s, work, how);
        } catch (failure const& f) {
            if (f.kind() != error_kind::retryable || attempt == max_attempts) throw;
            log::debug("db.retry", {{"attempt", attempt}, {"detail", f.what()}});
        }
    }
}

void pg_pool::transact(std::function<void(tx&)> const& work, isolation level) { run(work, level); }

void pg_pool::read(std::function<void(tx&)> const& work) { run(work, single::read); }

void pg_pool::write_one(std::function<void(tx&)> const& work) { run(work, single::write); }

bool pg_pool::ping() {
    try {
        read([](tx& t) { t.exec_script("SELECT 1"); });
        return true;
    } catch (failure const&) {
        return false;
    }
}

}  // namespace varde::store
