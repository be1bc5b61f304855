#pragma once
// A WebSocket subscription to a node's event stream (GET /v1/stream) over mutual TLS. One
// object per connection; next() waits for a frame up to a deadline, so callers (tests, the
// `varde follow` command, the benchmarks) can interleave their own work without threads.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "lib/connection.hpp"

namespace varde::client {

// The node answered the upgrade request with an HTTP error (401, 403, 400, 503 ...).
class upgrade_refused : public error {
public:
    upgrade_refused(unsigned status, std::string body)
        : error(kind::protocol, "the node refused the stream: HTTP " + std::to_string(status) + " " + body),
          status_(status), body_(std::move(body)) {}
    unsigned status() const { return status_; }
    std::string const& body() const { return body_; }  // application/problem+json

private:
    unsigned status_;
    std::string body_;
};

struct stream_frame {
    std::string text;  // one JSON object: an event or a heartbeat
};

// The node closed the stream (or the connection ended). code 0: no close frame was received.
struct stream_closed {
    int code = 0;
    std::string reason;
};

struct stream_timeout {};

using stream_item = std::variant<stream_frame, stream_closed, stream_timeout>;

class stream_client {
public:
    // Connects, handshakes TLS, upgrades GET /v1/stream?<query> ("since=...&max_tlp=AMBER", may
    // be empty). Throws upgrade_refused, or client::error for connect/TLS failures.
    // receive_buffer_bytes > 0 shrinks the socket's receive buffer (tests of a stalled reader).
    stream_client(target where, tls_options tls, std::string const& query,
                  std::chrono::seconds timeout = std::chrono::seconds(10), int receive_buffer_bytes = 0);
    ~stream_client();
    stream_client(stream_client const&) = delete;
    stream_client& operator=(stream_client const&) = delete;

    // The next frame, or stream_closed once the node has closed, or stream_timeout if nothing
    // arrived within `wait` (the read stays pending; call again to keep waiting).
    stream_item next(std::chrono::milliseconds wait);

    // Sends a text message (the node reads and drops what subscribers send); throws
    // client::error if the write fails.
    void send_text(std::string const& text);

    // Sends a close frame and waits briefly for the node's; safe to call more than once.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace varde::client
