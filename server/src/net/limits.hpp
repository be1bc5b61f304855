#pragma once
// Every transport limit, set on purpose (node_config fills this in and validates it).
#include <chrono>
#include <cstddef>

namespace varde::net {

struct limits {
    std::size_t body_limit = 1 << 20;        // bytes of request body; more -> 413
    std::size_t header_limit = 16 * 1024;    // bytes of request line + headers; more -> 431
    std::chrono::seconds handshake_timeout{10};
    std::chrono::seconds idle_timeout{30};    // also the deadline to read one whole request
    std::chrono::seconds write_timeout{30};
    std::size_t max_connections = 10000;
};

// Limits of WebSocket streams, set on purpose like the HTTP ones.
struct stream_limits {
    std::size_t queue_events = 1000;        // frames waiting for one subscriber; more: closed
    std::size_t queue_bytes = 4u << 20;     // bytes of those frames (shared, counted per subscriber)
    std::size_t message_max = 4096;         // a subscriber sends nothing but control frames
    std::chrono::seconds idle_timeout{60};  // ping at half; no pong by then: closed
    std::chrono::seconds heartbeat{15};     // an idle stream gets its cursor this often
    std::size_t catch_up_page = 256;        // events per database read when behind
    // Kernel send buffer per stream (SO_SNDBUF; 0: the kernel's autotuning, up to 4 MiB each
    // on Debian): bounds the memory a stalled reader holds outside the send queue.
    std::size_t send_buffer = 256u << 10;
};

}  // namespace varde::net
