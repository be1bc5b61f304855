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
#include "stream/event_hub.hpp"
#include "stream/event_service.hpp"

namespace varde::net {

// One open connection (HTTP or a WebSocket stream), as the node's stop sees it.
class session {
public:
    virtual ~session() = default;
    virtual void stop() = 0;  // thread-safe: finish what is in flight, then close
};

// Live sessions, so a graceful stop can close them and the connection cap counts them.
class session_registry {
public:
    void add(session* key, std::weak_ptr<session> s);
    void remove(session* key);
    std::vector<std::shared_ptr<session>> snapshot();
    std::size_t size();

private:
    std::mutex mutex_;
    std::unordered_map<session*, std::weak_ptr<session>> live_;
};

struct session_env {
    limits lim;
    ssl::context& tls;
    http::router const& router;
    handlers::services& services;
    asio::thread_pool& workers;  // where requests run: they may block on the database
    stream::event_service& events;
    stream::event_hub& hub;
    stream_limits stream_lim;
    session_registry registry;
    std::atomic<bool> stopping{false};
};

}  // namespace varde::net
