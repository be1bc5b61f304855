#include "net/stream_session.hpp"

#include "util/log.hpp"

namespace varde::net {

namespace {

// Close codes of the stream (docs/stream.md). 4000-4999 are for applications (RFC 6455 §7.4.2).
constexpr std::uint16_t code_too_slow = 4000;
constexpr std::uint16_t code_history_lost = 4010;
constexpr std::uint16_t code_access_changed = 4001;
constexpr std::uint16_t code_access_revoked = 4030;

constexpr auto retry_delay = std::chrono::seconds(1);

websocket::close_reason reason_of(std::uint16_t code, std::string const& text) {
    websocket::close_reason r(code);
    r.reason = text.substr(0, websocket::reason_string::static_capacity);  // 123 bytes at most
    return r;
}

}  // namespace

stream_session::stream_session(tls_stream&& stream, std::shared_ptr<session_env> env,
                               stream::subscription_spec spec, std::string peer, std::string fingerprint)
    : ws_(std::move(stream)),
      env_(std::move(env)),
      spec_(std::move(spec)),
      peer_(std::move(peer)),
      fingerprint_(std::move(fingerprint)),
      heartbeat_timer_(ws_.get_executor()),
      retry_timer_(ws_.get_executor()) {}

stream_session::~stream_session() {
    env_->hub.detach(this);
    env_->registry.remove(this);
}

void stream_session::run(bhttp::request<bhttp::string_body> request) {
    env_->registry.add(this, weak_from_this());
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), request = std::move(request)] {
        // Beast's WebSocket keeps its own deadlines; the HTTP session's timer must be off.
        self->ws_.next_layer().expires_never();
        auto const& lim = self->env_->stream_lim;
        if (lim.send_buffer > 0) {
            beast::error_code ignored;  // a kernel that refuses keeps its default: not fatal
            beast::get_lowest_layer(self->ws_).set_option(
                asio::socket_base::send_buffer_size(static_cast<int>(lim.send_buffer)), ignored);
        }
        websocket::stream_base::timeout t{self->env_->lim.handshake_timeout, lim.idle_timeout, true};
        self->ws_.set_option(t);
        self->ws_.read_message_max(lim.message_max);
        self->ws_.auto_fragment(false);  // one frame per event, not 4 KiB pieces
        self->ws_.text(true);
        self->ws_.set_option(websocket::permessage_deflate{});  // off: frames are small and shared
        self->ws_.set_option(websocket::stream_base::decorator(
            [](websocket::response_type& res) { res.set(bhttp::field::server, "varde-node"); }));
        self->ws_.async_accept(request, beast::bind_front_handler(&stream_session::on_accept, self));
    });
}

void stream_session::on_accept(beast::error_code ec) {
    if (ec) {
        log::info("stream.upgrade_failed", {{"peer", peer_}, {"reason", ec.message()}});
        return;
    }
    log::info("stream.opened", {{"peer", peer_}, {"principal", spec_.who.id}, {"position", spec_.position}});
    accepted_ = true;
    do_read();
    if (closing_) return do_close();  // asked to close while the upgrade was being answered
    if (env_->stopping) return begin_close(stream::close_kind::node_stopping);
    if (spec_.history_lost) return begin_close(stream::close_kind::history_lost);
    env_->hub.attach(shared_from_this());
    schedule_heartbeat();
    pump();
}

// Subscribers send nothing but control frames; reading keeps pings, pongs and the closing
// handshake going, and tells us when the peer has gone. Any data is read and dropped.
void stream_session::do_read() {
    ws_.async_read_some(asio::buffer(discard_),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void stream_session::on_read(beast::error_code ec) {
    if (!ec) return do_read();
    finish();
}

void stream_session::finish() {
    if (finished_) return;
    finished_ = true;
    env_->hub.detach(this);
    heartbeat_timer_.cancel();
    retry_timer_.cancel();
    queue_.clear();
    queued_bytes_ = 0;
    log::info("stream.closed", {{"peer", peer_}, {"principal", spec_.who.id}, {"delivered", delivered_},
                                {"code", closing_ ? static_cast<int>(closing_->code) : 0}});
}

// --- taking events ---------------------------------------------------------------------------

void stream_session::wake() {
    if (wake_pending_.exchange(true)) return;  // one pending pump serves many wake-ups
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
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
        asio::post(self->ws_.get_executor(), [self, page = std::move(page)]() mutable {
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

void stream_session::do_write() {
    if (in_flight_ || queue_.empty() || close_sent_ || finished_) return;
    auto next = std::move(queue_.front().bytes);
    queued_bytes_ -= next->size();
    queue_.pop_front();
    start_write(std::move(next));
}

void stream_session::start_write(stream::frame f) {
    in_flight_ = std::move(f);
    ws_.async_write(asio::buffer(*in_flight_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->on_write(ec);
    });
}

void stream_session::on_write(beast::error_code ec) {
    in_flight_.reset();
    if (ec || finished_) return;  // the read side sees the end and finishes
    ++delivered_;
    if (closing_) return do_close();
    do_write();
    if (!live_ && !fetching_ && queue_is_low()) pump();
}

// An idle subscriber still learns its position, so it can store it and resume from there.
void stream_session::schedule_heartbeat() {
    heartbeat_timer_.expires_after(env_->stream_lim.heartbeat);
    heartbeat_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->finished_ || self->closing_) return;
        if (self->queue_.empty() && !self->in_flight_ && !self->close_sent_) {
            // Idle: the queues give their blocks back, and the heartbeat goes out without them.
            self->queue_.shrink_to_fit();
            self->backlog_.shrink_to_fit();
            self->start_write(stream::heartbeat_frame(self->env_->events.cursor_of(self->spec_.position)));
        }
        self->schedule_heartbeat();
    });
}

// --- closing ---------------------------------------------------------------------------------

// Frames already queued were judged for the principal as it was. If what decides visibility
// changed, close with the cursor before them, so the resumed stream is judged anew.
void stream_session::refresh(domain::principal who) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), who = std::move(who)]() mutable {
        auto const& was = self->spec_.who;
        bool same = was.role == who.role && was.kind == who.kind && was.org_slug == who.org_slug &&
                    was.org_sectors == who.org_sectors && was.status == who.status;
        self->spec_.who = std::move(who);
        if (!same) self->begin_close(stream::close_kind::access_changed);
    });
}

void stream_session::end(stream::close_kind why) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), why] { self->begin_close(why); });
}

void stream_session::stop() { end(stream::close_kind::node_stopping); }

// Everything before the first frame still queued has been sent or was not for this reader.
std::int64_t stream_session::resume_position() const {
    return queue_.empty() ? spec_.position : queue_.front().resume_before;
}

void stream_session::begin_close(stream::close_kind why) {
    if (finished_ || closing_) return;
    auto resume = "resume with since=" + env_->events.cursor_of(resume_position());
    switch (why) {
    case stream::close_kind::too_slow: closing_ = reason_of(code_too_slow, "too slow: " + resume); break;
    case stream::close_kind::node_stopping: closing_ = reason_of(websocket::close_code::going_away, "node stopping: " + resume); break;
    case stream::close_kind::history_lost:
        closing_ = reason_of(code_history_lost, "cursor older than the kept history: list, then follow from now");
        break;
    case stream::close_kind::access_revoked: closing_ = reason_of(code_access_revoked, "access revoked"); break;
    case stream::close_kind::access_changed: closing_ = reason_of(code_access_changed, "access changed: " + resume); break;
    }
    log::info("stream.closing", {{"peer", peer_}, {"principal", spec_.who.id}, {"code", static_cast<int>(closing_->code)},
                                 {"queued", queue_.size()}});
    env_->hub.detach(this);
    heartbeat_timer_.cancel();
    retry_timer_.cancel();
    queue_.clear();  // what was not sent is not kept: the reason names where to resume
    backlog_.clear();
    queued_bytes_ = 0;
    // Not before the upgrade's answer is written (on_accept closes then), nor during a write.
    if (accepted_ && !in_flight_) do_close();
}

void stream_session::do_close() {
    if (close_sent_) return;
    close_sent_ = true;
    ws_.async_close(*closing_, [self = shared_from_this()](beast::error_code) {
        // The read in progress completes when the peer answers (or the deadline passes).
    });
}

}  // namespace varde::net
