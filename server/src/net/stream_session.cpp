#include "net/stream_session.hpp"

#include <boost/asio/write.hpp>

#include "util/log.hpp"

namespace varde::net {

namespace {

// Close codes of the stream (docs/stream.md). 4000-4999 are for applications (RFC 6455 §7.4.2).
constexpr std::uint16_t code_too_slow = 4000;
constexpr std::uint16_t code_history_lost = 4010;
constexpr std::uint16_t code_access_changed = 4001;
constexpr std::uint16_t code_access_revoked = 4030;

constexpr auto retry_delay = std::chrono::seconds(1);

// A write gathers queued frames up to this many bytes (at least one frame, however large):
// four TLS records, a sixteenth of the stream's kernel send buffer.
constexpr std::size_t write_batch_bytes = 64 * 1024;

}  // namespace

stream_session::stream_session(tls_stream&& stream, std::shared_ptr<session_env> env,
                               stream::subscription_spec spec, std::string peer, std::string fingerprint)
    : tls_(std::move(stream)),
      env_(std::move(env)),
      spec_(std::move(spec)),
      peer_(std::move(peer)),
      fingerprint_(std::move(fingerprint)),
      reader_(env_->stream_lim.message_max),
      heartbeat_timer_(tls_.get_executor()),
      retry_timer_(tls_.get_executor()),
      keepalive_timer_(tls_.get_executor()) {}

stream_session::~stream_session() {
    env_->hub.detach(this);
    env_->registry.remove(this);
}

// The request was checked by the HTTP session (http_session::refuse_upgrade): it is a
// WebSocket upgrade of version 13 with a well-formed key. No extension or subprotocol is
// agreed: frames are small and shared by many readers, so compressing them per reader costs
// more than it saves.
void stream_session::run(bhttp::request<bhttp::string_body> request) {
    env_->registry.add(this, weak_from_this());
    asio::dispatch(tls_.get_executor(), [self = shared_from_this(), request = std::move(request)] {
        auto const& lim = self->env_->stream_lim;
        if (lim.send_buffer > 0) {
            beast::error_code ignored;  // a kernel that refuses keeps its default: not fatal
            self->tls_.next_layer().set_option(asio::socket_base::send_buffer_size(static_cast<int>(lim.send_buffer)),
                                               ignored);
        }
        self->out_ = "HTTP/1.1 101 Switching Protocols\r\n"
                     "Upgrade: websocket\r\n"
                     "Connection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: " +
                     ws::accept_key(request[bhttp::field::sec_websocket_key]) +
                     "\r\n"
                     "Server: varde-node\r\n\r\n";
        self->tls_.expires_after(self->env_->lim.handshake_timeout);
        self->writing_ = true;
        asio::async_write(self->tls_, asio::buffer(self->out_),
                          [self](beast::error_code ec, std::size_t) { self->on_write(ec, 0); });
    });
}

void stream_session::on_accept() {
    out_ = std::string();
    tls_.expires_never();  // the upgrade's answer is out; a close sets its own deadline
    log::info("stream.opened", {{"peer", peer_}, {"principal", spec_.who.id}, {"position", spec_.position}});
    accepted_ = true;
    do_read();
    schedule_keepalive();
    if (closing_) return do_write();  // asked to close while the upgrade was being answered
    if (env_->stopping) return begin_close(stream::close_kind::node_stopping);
    if (spec_.history_lost) return begin_close(stream::close_kind::history_lost);
    env_->hub.attach(shared_from_this());
    schedule_heartbeat();
    pump();
}

// --- reading ---------------------------------------------------------------------------------

// Subscribers send nothing but control frames; reading answers pings, shows that the peer is
// there, and takes its close. Data is read and dropped, up to the message limit.
void stream_session::do_read() {
    tls_.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->on_read(ec, n);
    });
}

void stream_session::on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) return fail_connection(ec, "read");
    heard_from_peer_ = true;
    if (take_frames({read_buffer_.data(), bytes})) do_read();
}

bool stream_session::take_frames(std::string_view bytes) {
    while (!bytes.empty()) {
        auto step = reader_.read(bytes);
        bytes.remove_prefix(step.used);
        switch (step.what) {
        case ws::frame_reader::event::need_more: break;
        case ws::frame_reader::event::ping:
            pong_due_ = std::string(reader_.payload());  // only the latest needs an answer (RFC 6455 §5.5.3)
            do_write();
            break;
        case ws::frame_reader::event::pong: break;  // heard_from_peer_ is all it means
        case ws::frame_reader::event::close: on_peer_close(reader_.peer_close_code()); return false;
        case ws::frame_reader::event::failed:
            log::info("stream.protocol_error", {{"peer", peer_}, {"principal", spec_.who.id},
                                                {"reason", std::string(reader_.fail_reason())}});
            drop_after_close_ = true;
            if (!closing_) close_with({reader_.fail_code(), std::string(reader_.fail_reason())});
            else if (close_sent_ && !writing_) teardown();  // broke it while we waited for its close
            return false;
        }
    }
    return true;
}

// The peer's close: answered with its own code (RFC 6455 §5.5.1), or, if the node had sent its
// close first, the end of the closing handshake.
void stream_session::on_peer_close(std::uint16_t code) {
    peer_close_seen_ = true;
    if (!closing_) return close_with({code, {}});
    if (close_sent_ && !writing_) teardown();
}

// The connection is gone (reset, end of file, a deadline): nothing more can be sent.
void stream_session::fail_connection(beast::error_code ec, char const* where) {
    if (!finished_ && ec != asio::error::operation_aborted)
        log::debug("stream.connection_lost", {{"peer", peer_}, {"during", where}, {"reason", ec.message()}});
    tls_.close();  // ends the other direction's operation too
    finish();
}

// Nothing more will be sent from the hub: it forgets this session, and what was queued goes.
void stream_session::stop_taking_events() {
    env_->hub.detach(this);
    heartbeat_timer_.cancel();
    retry_timer_.cancel();
    queue_.clear();
    backlog_.clear();
    queued_bytes_ = 0;
}

void stream_session::finish() {
    if (finished_) return;
    finished_ = true;
    keepalive_timer_.cancel();
    stop_taking_events();
    log::info("stream.closed", {{"peer", peer_}, {"principal", spec_.who.id}, {"delivered", delivered_},
                                {"code", closing_ ? static_cast<int>(closing_->code) : 0}});
}

// --- taking events ---------------------------------------------------------------------------

void stream_session::wake() {
    if (wake_pending_.exchange(true)) return;  // one pending pump serves many wake-ups
    asio::post(tls_.get_executor(), [self = shared_from_this()] {
        self->wake_pending_ = false;
        self->pump();
    });
}

// Catching up is paced by the queue: refill it once it has drained to half.
bool stream_session::queue_is_low() const {
    auto const& lim = env_->stream_lim;
    return queue_.size() <= lim.queue_events / 2 && queued_bytes_ <= lim.queue_bytes / 2;
}

void stream_session::pump() {
    if (finished_ || closing_ || fetching_) return;
    auto const& lim = env_->stream_lim;
    while (!backlog_.empty()) {
        if (!offer(backlog_.front())) return do_write();
        backlog_.pop_front();
    }
    for (;;) {
        // Live: take everything new, so a full queue shows at once. Catching up: only what fits.
        auto room = live_ ? std::size_t(-1) : lim.queue_events - std::min(lim.queue_events, queue_.size());
        if (room == 0) break;
        auto batch = env_->hub.recent_after(spec_.position, room);
        if (!batch) {
            live_ = false;
            return catch_up();
        }
        if (batch->empty()) {
            // Caught up. Live only once the queue is low too: a reader that has just caught up
            // at its own pace must not be closed by the next burst for a queue it was draining.
            live_ = live_ || queue_is_low();
            break;
        }
        for (auto const& e : *batch) {
            if (offer(e)) continue;
            if (live_) return begin_close(stream::close_kind::too_slow);
            return do_write();  // catching up: wait for the queue to drain
        }
    }
    do_write();
}

bool stream_session::offer(stream::shared_event const& e) {
    stream::frame f;
    try {
        f = stream::frame_for(*e, spec_.who, spec_.filter);
    } catch (std::exception const& ex) {
        // A report that cannot be rendered is skipped for this reader, never a crash of the node.
        log::error("stream.render_failed", {{"report_id", e->report_id}, {"event_id", e->id}, {"detail", ex.what()}});
    }
    auto const& lim = env_->stream_lim;
    // One frame always fits an empty queue, however large: a limit below one report's size
    // must not close every subscriber.
    if (f && !queue_.empty() &&
        (queue_.size() >= lim.queue_events || queued_bytes_ + f->size() > lim.queue_bytes))
        return false;
    spec_.position = e->id;
    if (f) enqueue(std::move(f), e->id - 1);
    return true;
}

void stream_session::catch_up() {
    fetching_ = true;
    // Only copies cross to the worker: spec_ belongs to the strand.
    asio::post(env_->workers, [self = shared_from_this(), from = spec_.position, who = spec_.who.id,
                               page_size = env_->stream_lim.catch_up_page] {
        std::optional<stream::event_service::catch_up> page;
        try {
            page = self->env_->events.read_after(from, page_size);
        } catch (std::exception const& e) {
            log::warn("stream.catch_up_failed", {{"principal", who}, {"detail", e.what()}});
        }
        asio::post(self->tls_.get_executor(), [self, page = std::move(page)]() mutable {
            self->on_catch_up(std::move(page));
        });
    });
}

void stream_session::on_catch_up(std::optional<stream::event_service::catch_up> page) {
    fetching_ = false;
    if (finished_ || closing_) return;
    if (!page) return retry_later();  // the database is away: try again shortly
    if (page->history_lost) return begin_close(stream::close_kind::history_lost);
    if (page->events.empty()) return retry_later();  // nothing newer in the database yet
    backlog_.assign(page->events.begin(), page->events.end());
    pump();  // takes the backlog as far as the queue allows; on_write resumes it
}

void stream_session::retry_later() {
    retry_timer_.expires_after(retry_delay);
    retry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->pump();
    });
}

// --- writing ---------------------------------------------------------------------------------

void stream_session::enqueue(stream::frame f, std::int64_t resume_before) {
    queued_bytes_ += f->size();
    queue_.push_back({std::move(f), resume_before});
}

// One write at a time, of everything that is due: control frames first (they are small and
// keep the connection's health visible), then queued frames up to the batch size, then the
// close once nothing is left before it.
void stream_session::do_write() {
    if (writing_ || !accepted_ || close_sent_ || finished_) return;
    out_.clear();
    if (pong_due_) {
        ws::append_frame(out_, ws::opcode::pong, *pong_due_);
        pong_due_.reset();
    }
    if (ping_due_) {
        ws::append_frame(out_, ws::opcode::ping, {});
        ping_due_ = false;
    }
    std::size_t frames = 0;
    while (!queue_.empty() && (frames == 0 || out_.size() + queue_.front().bytes->size() <= write_batch_bytes)) {
        auto const& f = *queue_.front().bytes;
        ws::append_frame(out_, ws::opcode::text, f);
        queued_bytes_ -= f.size();
        queue_.pop_front();
        ++frames;
    }
    if (closing_ && queue_.empty()) {
        auto payload = closing_->code ? ws::close_payload(closing_->code, closing_->reason) : std::string();
        ws::append_frame(out_, ws::opcode::close, payload);
        close_sent_ = true;
        // The closing handshake, from our close to the end of TCP, has the handshake's deadline.
        tls_.expires_after(env_->lim.handshake_timeout);
    }
    if (out_.empty()) return;
    writing_ = true;
    asio::async_write(tls_, asio::buffer(out_), [self = shared_from_this(), frames](beast::error_code ec, std::size_t) {
        self->on_write(ec, frames);
    });
}

void stream_session::on_write(beast::error_code ec, std::size_t frames) {
    writing_ = false;
    if (ec) return fail_connection(ec, accepted_ ? "write" : "upgrade");
    if (!accepted_) return on_accept();
    delivered_ += frames;
    if (close_sent_) {
        out_ = std::string();
        if (peer_close_seen_ || drop_after_close_) teardown();
        return;  // else the read in progress takes the peer's answer
    }
    if (finished_) return;
    do_write();
    if (!writing_) out_ = std::string();  // idle: an idle subscriber holds no write buffer
    if (!live_ && !fetching_ && queue_is_low()) pump();
}

// An idle subscriber still learns its position, so it can store it and resume from there.
void stream_session::schedule_heartbeat() {
    heartbeat_timer_.expires_after(env_->stream_lim.heartbeat);
    heartbeat_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->finished_ || self->closing_) return;
        if (self->queue_.empty() && !self->writing_) {
            // Idle: the queues give their blocks back, and the heartbeat goes out alone.
            self->queue_.shrink_to_fit();
            self->backlog_.shrink_to_fit();
            self->enqueue(stream::heartbeat_frame(self->env_->events.cursor_of(self->spec_.position)),
                          self->spec_.position);
            self->do_write();
        }
        self->schedule_heartbeat();
    });
}

// Each half of the idle timeout: if the subscriber sent nothing, ping it; if it sent nothing
// since the last ping either, it is gone (or its network is), and the connection is closed.
void stream_session::schedule_keepalive() {
    keepalive_timer_.expires_after(env_->stream_lim.idle_timeout / 2);
    keepalive_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->finished_ || self->close_sent_) return;
        if (self->heard_from_peer_) {
            self->heard_from_peer_ = false;
            self->ping_unanswered_ = false;
        } else if (!self->ping_unanswered_) {
            self->ping_unanswered_ = true;
            self->ping_due_ = true;
            self->do_write();
        } else {
            log::info("stream.idle_timeout", {{"peer", self->peer_}, {"principal", self->spec_.who.id}});
            return self->fail_connection(beast::error::timeout, "keep-alive");
        }
        self->schedule_keepalive();
    });
}

// --- closing ---------------------------------------------------------------------------------

// Frames already queued were judged for the principal as it was. If what decides visibility
// changed, close with the cursor before them, so the resumed stream is judged anew.
void stream_session::refresh(domain::principal who) {
    asio::post(tls_.get_executor(), [self = shared_from_this(), who = std::move(who)]() mutable {
        auto const& was = self->spec_.who;
        bool same = was.role == who.role && was.kind == who.kind && was.org_slug == who.org_slug &&
                    was.org_sectors == who.org_sectors && was.status == who.status;
        self->spec_.who = std::move(who);
        if (!same) self->begin_close(stream::close_kind::access_changed);
    });
}

void stream_session::end(stream::close_kind why) {
    asio::post(tls_.get_executor(), [self = shared_from_this(), why] { self->begin_close(why); });
}

void stream_session::stop() { end(stream::close_kind::node_stopping); }

// Everything before the first frame still queued has been sent or was not for this reader.
std::int64_t stream_session::resume_position() const {
    return queue_.empty() ? spec_.position : queue_.front().resume_before;
}

void stream_session::begin_close(stream::close_kind why) {
    if (finished_ || closing_) return;
    auto resume = "resume with since=" + env_->events.cursor_of(resume_position());
    close_frame f;
    switch (why) {
    case stream::close_kind::too_slow: f = {code_too_slow, "too slow: " + resume}; break;
    case stream::close_kind::node_stopping: f = {ws::close_going_away, "node stopping: " + resume}; break;
    case stream::close_kind::history_lost:
        f = {code_history_lost, "cursor older than the kept history: list, then follow from now"};
        break;
    case stream::close_kind::access_revoked: f = {code_access_revoked, "access revoked"}; break;
    case stream::close_kind::access_changed: f = {code_access_changed, "access changed: " + resume}; break;
    }
    log::info("stream.closing", {{"peer", peer_}, {"principal", spec_.who.id}, {"code", static_cast<int>(f.code)},
                                 {"queued", queue_.size()}});
    close_with(std::move(f));
}

// What was queued and not sent is not kept: the close's reason names where to resume. The
// close goes out with the next write (do_write; after the upgrade's answer, if that is still
// being written), so a reader that is slow, not gone, still gets it once it reads again: the
// keep-alive goes on until then and drops one that has stopped reading altogether.
void stream_session::close_with(close_frame f) {
    if (finished_ || closing_) return;
    closing_ = std::move(f);
    closing_->reason.resize(std::min(closing_->reason.size(), ws::close_reason_max));
    stop_taking_events();
    pong_due_.reset();
    ping_due_ = false;
    do_write();
}

// Both closes are exchanged (or the peer broke the protocol): end TLS, then TCP, as the
// server (tls_stream's async_teardown), under the closing handshake's deadline.
void stream_session::teardown() {
    if (tearing_down_ || finished_) return;
    tearing_down_ = true;
    async_teardown(beast::role_type::server, tls_, [self = shared_from_this()](beast::error_code) {
        self->tls_.close();
        self->finish();
    });
}

}  // namespace varde::net
