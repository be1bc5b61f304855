#pragma once
// A test's view of one WebSocket subscription: connects as a principal of the test PKI,
// reads event frames (heartbeats only move the cursor), and remembers how the node closed.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/stream_client.hpp"

namespace varde::test {

struct stream_event {
    std::string kind;    // report.published, ...
    std::string id;      // the report's id
    std::string cursor;  // where to resume after this event
    std::string frame;   // the whole frame as received
};

class stream_reader {
public:
    // query: "since=...&max_tlp=AMBER" or empty.
    stream_reader(unsigned short port, client::tls_options tls, std::string const& query = {},
                  int receive_buffer_bytes = 0);

    // The next event within `wait`; nullopt on timeout or once the node has closed (see closed()).
    std::optional<stream_event> next(std::chrono::milliseconds wait = std::chrono::seconds(10));
    // Events until none arrives for `quiet`.
    std::vector<stream_event> drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(700));

    std::optional<client::stream_closed> const& closed() const { return closed_; }
    std::string const& cursor() const { return cursor_; }  // the latest, heartbeats included
    void close() { client_->close(); }
    void send_text(std::string const& text) { client_->send_text(text); }

private:
    std::unique_ptr<client::stream_client> client_;
    std::optional<client::stream_closed> closed_;
    std::string cursor_;
};

// The cursor that a close reason names ("... resume with since=<cursor>"), or empty.
std::string resume_cursor_of(std::string const& reason);

}  // namespace varde::test
