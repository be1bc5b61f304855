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

}  // namespace varde::net
