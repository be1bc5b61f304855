#pragma once
// A fixed set of PostgreSQL connections, each leased to one thread at a time (libpqxx
// connections are not thread-safe). Connections are made lazily and made again after a
// failure, so the node survives a database that is down at start or goes away later.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "store/tx.hpp"

namespace varde::store {

struct pool_options {
    std::string url;  // libpq connection URI
    std::size_t size = 4;
    std::chrono::seconds connect_timeout{3};
};

// The libpq URI with connect_timeout set, unless it sets one: an unreachable host must not
// hold a thread for the kernel's TCP timeout.
std::string with_connect_timeout(std::string const& url, std::chrono::seconds timeout);

enum class isolation { read_committed, repeatable_read, serializable };

class pg_pool {
public:
    explicit pg_pool(pool_options options);
    ~pg_pool();
    pg_pool(pg_pool const&) = delete;
    pg_pool& operator=(pg_pool const&) = delete;

    // Runs `work` in one transaction and commits it. Serialization failures and deadlocks are
    // run again (so `work` must only touch the database and its own locals); other errors
    // surface as store::failure. A commit whose outcome is unknown is never retried.
    void transact(std::function<void(tx&)> const& work, isolation level = isolation::read_committed);

    // Runs `work`, which must run exactly one statement, without BEGIN and COMMIT: PostgreSQL
    // runs a lone statement in a transaction of its own, so this saves two round trips on
    // the hottest reads. A second statement throws failure{internal}. Never for writes that
    // must be acknowledged after commit together with other writes.
    void read(std::function<void(tx&)> const& work);

    // Runs `work`, which must run exactly one statement, as a transaction of its own (no BEGIN
    // and COMMIT: one round trip), for a write that is complete in one statement (group
    // commit: publish_batch). PostgreSQL commits it before it answers, so a caller told of
    // success has its commit. Whenever the commit may have happened, the failure is
    // failure{unavailable} (in doubt), never one that would invite writing it again: a
    // connection lost while the statement ran, and any error once it has returned (it has
    // committed then). Errors PostgreSQL reports for the statement mean it rolled back and
    // keep their kind; deadlocks and serialization failures are run again.
    void write_one(std::function<void(tx&)> const& work);

    // True when a connection can be leased and answers a trivial query.
    bool ping();

    std::string const& url() const { return options_.url; }

private:
    struct slot;
    std::unique_ptr<slot> acquire();
    void release(std::unique_ptr<slot> s);
    // How work runs: in BEGIN .. COMMIT at an isolation level, or as one statement (read, write).
    enum class single { read, write };
    using mode = std::variant<isolation, single>;
    void run_once(slot& s, std::function<void(tx&)> const& work, mode how);
    void run(std::function<void(tx&)> const& work, mode how);

    pool_options options_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<slot>> free_;
};

}  // namespace varde::store
