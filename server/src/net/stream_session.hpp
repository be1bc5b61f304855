#pragma once
// One live subscription over WebSocket (SPEC §7), taken over from the HTTP session that
// received the upgrade. Like http_session: owned through shared_from_this, one strand, every
// deadline explicit (Beast's WebSocket timeouts: handshake, idle with pings).
//
// Delivery: the hub wakes the session; it takes the events after its position from the
// hub's memory (or, when behind it, pages from the database on a worker thread), keeps the
// frames this principal may see and asked for, and writes them one by one. The send queue is
// bounded in frames and bytes: a subscriber that is live and lets it fill up is closed with
// the cursor to resume from; one that is catching up is simply read for at its own pace.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/websocket.hpp>
#include <boost/container/deque.hpp>

#include "net/net.hpp"
#include "net/session_env.hpp"
#include "net/tls_stream.hpp"
#include "stream/event_service.hpp"
#include "stream/subscriber.hpp"

namespace varde::net {

namespace websocket = boost::beast::websocket;

class stream_session : public session,
                       public stream::subscriber,
                       public std::enable_shared_from_this<stream_session> {
public:
    stream_session(tls_stream&& stream, std::shared_ptr<session_env> env,
                   stream::subscription_spec spec, std::string peer, std::string fingerprint);
    ~stream_session() override;

    // Completes the upgrade that `request` asked for, then streams.
    void run(bhttp::request<bhttp::string_body> request);

    void stop() override;  // the node is stopping: close with the cursor to resume from
    void wake() override;
    std::string const& fingerprint() const override { return fingerprint_; }
    void refresh(domain::principal who) override;
    void end(stream::close_kind why) override;

private:
    struct queued {
        stream::frame bytes;
        std::int64_t resume_before;  // the cursor to resume from if this frame is never sent
    };

    void on_accept(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec);
    void finish();

    void pump();
    bool offer(stream::shared_event const& e);  // false: the queue is full
    void catch_up();
    void on_catch_up(std::optional<stream::event_service::catch_up> page);
    void retry_later();
    bool queue_is_low() const;

    void enqueue(stream::frame f, std::int64_t resume_before);
    void do_write();
    void start_write(stream::frame f);
    void on_write(beast::error_code ec);
    void schedule_heartbeat();

    void begin_close(stream::close_kind why);
    void do_close();
    std::int64_t resume_position() const;

    websocket::stream<tls_stream> ws_;
    std::shared_ptr<session_env> env_;
    stream::subscription_spec spec_;  // who, filter and the position: every event up to it was
                                      // queued, written or skipped
    std::string peer_, fingerprint_;
    // Most subscribers are idle most of the time, so what an idle one holds counts (10,000 of
    // them per node): what a subscriber sends (only control frames, normally) is read into a
    // few bytes of its own rather than a growing buffer, and the queues are deques that hold
    // no memory while empty (std::deque allocates a block and its map even then).
    std::array<char, 64> discard_{};
    boost::container::deque<queued> queue_;
    boost::container::deque<stream::shared_event> backlog_;  // the rest of a database page, taken first
    std::size_t queued_bytes_ = 0;
    stream::frame in_flight_;
    asio::steady_timer heartbeat_timer_;
    asio::steady_timer retry_timer_;
    std::atomic<bool> wake_pending_{false};
    bool accepted_ = false;  // the upgrade's answer is written: a close may be sent
    bool live_ = false;      // caught up once: from now on a full queue means too slow
    bool fetching_ = false;  // a database page is being read
    bool finished_ = false;
    bool close_sent_ = false;
    std::optional<websocket::close_reason> closing_;
    std::uint64_t delivered_ = 0;
};

}  // namespace varde::net
