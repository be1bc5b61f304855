#pragma once
// The composition root: builds the database pool, use cases, routes, TLS context, worker
// and I/O threads, and the listener; runs them; stops them gracefully.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "app/hmac_keyed_hash.hpp"
#include "app/node_config.hpp"
#include "handlers/services.hpp"
#include "http/router.hpp"
#include "net/listener.hpp"
#include "net/net.hpp"
#include "store/pg_async_reader.hpp"
#include "store/pg_pool.hpp"
#include "stream/event_hub.hpp"
#include "stream/event_service.hpp"

namespace varde::app {

class node {
public:
    explicit node(node_config config);  // throws on a bad TLS file
    ~node();
    node(node const&) = delete;
    node& operator=(node const&) = delete;

    // Binds and starts serving; returns the bound port (useful with port 0). Applies
    // pending migrations, or keeps retrying them in the background if the database is down.
    unsigned short start();
    // Thread-safe: stop accepting, let requests in flight finish, close idle connections.
    void stop();
    // Blocks until every thread has finished.
    void wait();

    bool schema_ready() const { return schema_ready_; }
    store::pg_async_reader const& reads() const { return reads_; }
    service::report_read_batcher const& batched_reads() const { return batched_reads_; }

private:
    void try_migrate();
    void schedule_migration_retry();
    void drain(std::chrono::steady_clock::time_point deadline);
    void schedule_purge();
    void schedule_audit_head();
    void log_audit_head();
    void purge_expired();

    node_config config_;
    store::pg_pool pool_;
    service::identity_service identity_;
    hmac_keyed_hash pseudonyms_;
    service::report_service reports_;
    service::audit_service audit_;
    stream::event_service events_;
    stream::event_hub hub_;
    http::router router_;
    std::atomic<bool> schema_ready_{false};
    std::atomic<bool> waited_{false};
    handlers::services services_;
    net::ssl::context tls_;
    net::asio::io_context ioc_;
    net::asio::thread_pool workers_;
    // Report reads answered on the I/O threads (services::reads); after ioc_ and workers_,
    // which run its handlers and its connecting, so that it is destroyed before them.
    store::pg_async_reader reads_;
    service::report_read_batcher batched_reads_{reads_, service::report_service::related_limit};
    std::shared_ptr<net::session_env> env_;
    std::shared_ptr<net::listener> listener_;
    net::asio::steady_timer migration_retry_;
    net::asio::steady_timer drain_timer_;
    net::asio::steady_timer purge_timer_;
    net::asio::steady_timer audit_head_timer_;
    std::vector<std::thread> io_threads_;
};

}  // namespace varde::app
