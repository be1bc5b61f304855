#pragma once
// What every connection shares: limits, TLS context, routes and worker pool. Built before the
// I/O threads start; immutable afterwards except the counters and the registry.
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "handlers/services.hpp"
#include "http/router.hpp"
#include "net/limits.hpp"
#include "net/net.hpp"

namespace varde::net {

class http_session;

// Live sessions, so a graceful stop can close the idle ones.
class session_registry {
public:
    void add(http_session* key, std::weak_ptr<http_session> session);
    void remove(http_session* key);
    std::vector<std::shared_ptr<http_session>> snapshot();
    std::size_t size();

private:
    std::mutex mutex_;
    std::unordered_map<http_session*, std::weak_ptr<http_session>> live_;
};

struct session_env {
    limits lim;
    ssl::context& tls;
    http::router const& router;
    handlers::services& services;
    asio::thread_pool& workers;  // where requests run: they may block on the database
    session_registry registry;
    std::atomic<bool> stopping{false};
};

}  // namespace varde::net
