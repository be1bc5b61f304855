#pragma once
// One live subscription over WebSocket (SPEC §7), taken over from the HTTP session that
// received the upgrade. Like http_session: owned through shared_from_this, one strand, every
// deadline explicit (Beast's WebSocket timeouts: handshake, idle with pings).
//
// Delivery: the hub wakes the session; it takes the events after its position from the
// hub's memory (or, when behind it, pages from the database on a worker thread), and keeps the
// frames this principal may see and asked for. The send queue is bounded in frames and bytes:
// a subscriber that is live and lets it fill up is closed with the cursor to resume from; one
// that is catching up is simply read for at its own pace.
//
// The WebSocket is the node's own (net/ws_frames), not Beast's: every write takes what is
// queued (pong, keep-alive ping, data frames, close) as one buffer, so a subscriber that has
// fallen behind by twenty frames gets them in one TLS write and one send per 16 KiB record,
// not twenty of each. Beast's stream writes one message per operation and sends its own
// control frames under a lock of its own, so frames cannot be gathered beside it.
//
// Deadlines: the upgrade's answer and the closing handshake have the handshake timeout; while
// open, a subscriber that sends nothing for half the idle timeout is pinged, and closed if it
// then stays silent for another half.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/container/deque.hpp>

#include "net/net.hpp"
#include "net/session_env.hpp"
#include "net/tls_stream.hpp"
#include "net/ws_frames.hpp"
#include "stream/event_service.hpp"
#include "stream/subscriber.hpp"

namespace varde::net {

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
    struct close_frame {
        std::uint16_t code = 0;  // 0: a close without a code (echoing a peer's that had none)
        std::string reason;
    };

    void on_accept();
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    bool take_frames(std::string_view bytes);  // false: reading ends here
    void on_peer_close(std::uint16_t code);
    void fail_connection(beast::error_code ec, char const* where);
    void stop_taking_events();
    void finish();

    void pump();
    bool offer(stream::shared_event const& e);  // false: the queue is full
    void catch_up();
    void on_catch_up(std::optional<stream::event_service::catch_up> page);
    void retry_later();
    bool queue_is_low() const;

    void enqueue(stream::frame f, std::int64_t resume_before);
    void do_write();
    void on_write(beast::error_code ec, std::size_t frames);
    void schedule_heartbeat();
    void schedule_keepalive();

    void begin_close(stream::close_kind why);
    void close_with(close_frame f);
    void teardown();
    std::int64_t resume_position() const;

    tls_stream tls_;
    std::shared_ptr<session_env> env_;
    stream::subscription_spec spec_;  // who, filter and the position: every event up to it was
                                      // queued, written or skipped
    std::string peer_, fingerprint_;
    ws::frame_reader reader_;
    // Most subscribers are idle most of the time, so what an idle one holds counts (10,000 of
    // them per node): what a subscriber sends (only control frames, normally) is read into a
    // few bytes of its own; the write buffer is given back after a write that emptied the
    // queue; the queues are deques that hold no memory while empty (std::deque allocates a
    // block and its map even then).
    std::array<char, 64> read_buffer_{};
    std::string out_;  // the frames of the write in progress
    boost::container::deque<queued> queue_;
    boost::container::deque<stream::shared_event> backlog_;  // the rest of a database page, taken first
    std::size_t queued_bytes_ = 0;
    std::optional<std::string> pong_due_;  // the payload of the latest ping not yet answered
    bool ping_due_ = false;
    bool heard_from_peer_ = false;  // bytes arrived since the keep-alive timer last looked
    bool ping_unanswered_ = false;
    asio::steady_timer heartbeat_timer_;
    asio::steady_timer retry_timer_;
    asio::steady_timer keepalive_timer_;
    std::atomic<bool> wake_pending_{false};
    bool accepted_ = false;  // the upgrade's answer is written: frames may be sent
    bool live_ = false;      // caught up once: from now on a full queue means too slow
    bool fetching_ = false;  // a database page is being read
    bool writing_ = false;
    bool finished_ = false;
    bool close_sent_ = false;
    bool peer_close_seen_ = false;
    bool tearing_down_ = false;
    bool drop_after_close_ = false;  // the peer broke the protocol: close without waiting for its answer
    std::optional<close_frame> closing_;
    std::uint64_t delivered_ = 0;
};

}  // namespace varde::net
