#include "net/http_session.hpp"

#include <cctype>
#include <random>

#include <boost/beast/websocket/rfc6455.hpp>

#include "http/problem.hpp"
#include "net/stream_session.hpp"
#include "net/ws_frames.hpp"
#include "net/x509.hpp"
#include "util/log.hpp"

namespace varde::net {

namespace {

std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char digits[] = "0123456789abcdef";
    std::string id(16, '0');
    auto bits = rng();
    for (auto& c : id) { c = digits[bits & 0xf]; bits >>= 4; }
    return id;
}

std::string endpoint_text(tcp::socket const& s) {
    beast::error_code ec;
    auto ep = s.remote_endpoint(ec);
    return ec ? "unknown" : ep.address().to_string() + ":" + std::to_string(ep.port());
}

// Errors that mean the peer went away or the deadline passed: nothing to answer.
bool is_disconnect(beast::error_code ec) {
    return ec == asio::error::operation_aborted || ec == beast::error::timeout ||
           ec == asio::error::eof || ec == asio::error::connection_reset ||
           ec == ssl::error::stream_truncated || ec == bhttp::error::end_of_stream ||
           ec == bhttp::error::partial_message;
}

// Lingering close: how long and how much to read and discard after a refused request.
constexpr auto linger_time = std::chrono::seconds(2);
constexpr std::size_t linger_bytes = 8u << 20;

}  // namespace

http_session::http_session(tcp::socket&& socket, std::shared_ptr<session_env> env)
    : stream_(std::move(socket), env->tls), executor_(stream_.get_executor()), env_(std::move(env)) {
    peer_ = endpoint_text(stream_.next_layer());
}

http_session::~http_session() { env_->registry.remove(this); }

void http_session::run() {
    env_->registry.add(this, weak_from_this());
    asio::dispatch(executor_, beast::bind_front_handler(&http_session::on_run, shared_from_this()));
}

void http_session::on_run() {
    stream_.expires_after(env_->lim.handshake_timeout);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&http_session::on_handshake, shared_from_this()));
}

void http_session::on_handshake(beast::error_code ec) {
    if (ec) {
        // No certificate, another CA, expired, TLS < 1.2 ... all end here; log the attempt.
        log::warn("tls.refused", {{"peer", peer_}, {"reason", ec.message()}});
        return;
    }
    auto fp = peer_fingerprint(stream_.native_handle());
    if (!fp) {
        log::warn("tls.refused", {{"peer", peer_}, {"reason", "no verified client certificate"}});
        return;
    }
    fingerprint_ = std::move(*fp);
    do_read();
}

void http_session::do_read() {
    // Stopping: close at once. A TLS close would wait for the peer's close_notify, which an
    // idle client may never send, holding the node's exit up to the handshake timeout.
    if (stopping_) return stream_.close();
    parser_.emplace();
    parser_->body_limit(env_->lim.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(env_->lim.header_limit));
    reading_ = true;
    stream_.expires_after(env_->lim.idle_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (ec == bhttp::error::end_of_stream) return do_close();
    if (ec && is_disconnect(ec)) return;  // idle timeout, stop, or the peer left
    if (ec) return refuse_unreadable(ec);
    stream_.expires_never();  // the request is the workers' now; send() sets the write deadline
    dispatch_request();
}

// The request could not be parsed or is over a limit: answer once, then close, since the
// rest of the byte stream can no longer be framed.
void http_session::refuse_unreadable(beast::error_code ec) {
    http::request_context ctx;
    ctx.request_id = new_request_id();
    http::problem p{400, "the request is not valid HTTP/1.1: " + ec.message(), {}, {}};
    if (ec == bhttp::error::body_limit)
        p = {413, "the request body is larger than this node accepts (" +
                      std::to_string(env_->lim.body_limit) + " bytes)", {}, {}};
    else if (ec == bhttp::error::header_limit)
        p = {431, "the request headers are larger than this node accepts (" +
                      std::to_string(env_->lim.header_limit) + " bytes)", {}, {}};
    log::info("http.refused", {{"peer", peer_}, {"status", p.status}, {"reason", ec.message()}});
    linger_ = true;
    send(http::to_response(p, ctx), ctx.request_id, false);
}

void http_session::dispatch_request() {
    auto req = parser_->release();
    http::request_context ctx;
    ctx.request_id = new_request_id();
    ctx.fingerprint = fingerprint_;
    ctx.peer = peer_;
    ctx.verified_on_connection = verified_;
    ctx.method = std::string(req.method_string());
    bool keep_alive = req.keep_alive();
    auto target = http::parse_target(req.target());
    if (!target) {
        return send(http::to_response({400, "the request target is not a valid path", {}, {}}, ctx),
                    ctx.request_id, false);
    }
    ctx.path = std::move(target->path);
    ctx.query = std::move(target->query);
    for (auto const& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ctx.headers[std::move(name)] = std::string(field.value());
    }
    ctx.body = std::move(req.body());
    if (beast::websocket::is_upgrade(req)) upgrade_request_ = std::move(req);
    if (auto res = env_->router.answer_in_memory(ctx, env_->services))
        return send(std::move(*res), ctx.request_id, keep_alive);
    auto shared = std::make_shared<http::request_context>(std::move(ctx));
    auto answered = [self = shared_from_this(), shared, keep_alive](http::response res) {
        self->on_async_answer(shared, keep_alive, std::move(res));
    };
    if (env_->router.answer_async(shared, env_->services, std::move(answered))) return;
    dispatch_on_worker(std::move(shared), keep_alive);
}

// On the reader's thread. A 503 there means its connection is away; the worker path has a
// pool of its own, so the request gets one more try before the client sees 503.
void http_session::on_async_answer(std::shared_ptr<http::request_context> const& ctx, bool keep_alive,
                                   http::response res) {
    if (res.status == 503) return dispatch_on_worker(ctx, keep_alive);
    asio::post(executor_, [self = shared_from_this(), res = std::move(res), id = ctx->request_id, keep_alive]() mutable {
        self->send(std::move(res), id, keep_alive);
    });
}

void http_session::dispatch_on_worker(std::shared_ptr<http::request_context> ctx, bool keep_alive) {
    asio::post(env_->workers, [self = shared_from_this(), ctx = std::move(ctx), keep_alive] {
        auto res = self->env_->router.dispatch(*ctx, self->env_->services);
        asio::post(self->executor_, [self, res = std::move(res), id = ctx->request_id, keep_alive,
                                     verified = ctx->verified_now]() mutable {
            if (verified) self->verified_ = true;
            self->send(std::move(res), id, keep_alive);
        });
    });
}

void http_session::send(http::response r, std::string const& request_id, bool keep_alive) {
    if (r.stream) {
        auto refusal = refuse_upgrade(request_id);
        if (!refusal) return hand_over_to_stream(std::move(r));
        r = std::move(*refusal);
    }
    upgrade_request_.reset();
    keep_alive = keep_alive && !r.close_connection && !stopping_;
    out_ = std::make_shared<bhttp::response<bhttp::string_body>>(static_cast<bhttp::status>(r.status), 11);
    out_->set(bhttp::field::server, "varde-node");
    out_->set(bhttp::field::content_type, r.content_type);
    out_->set("X-Request-Id", request_id);
    for (auto const& [name, value] : r.headers) out_->set(name, value);
    out_->body() = std::move(r.body);
    out_->keep_alive(keep_alive);
    out_->prepare_payload();
    stream_.expires_after(env_->lim.write_timeout);
    bhttp::async_write(stream_, *out_,
                       beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

// The stream's answer to a request that asked for it; what the WebSocket handshake itself
// needs (RFC 6455 §4.2.1) is checked here, by the transport, before the stream takes over.
std::optional<http::response> http_session::refuse_upgrade(std::string const& request_id) const {
    http::request_context ctx;
    ctx.request_id = request_id;
    if (stopping_) return http::to_response({503, "the node is stopping; connect again", {}, {}}, ctx);
    if (!upgrade_request_)
        return http::to_response({400, "not a valid WebSocket upgrade: send GET over HTTP/1.1 with "
                                       "Connection: Upgrade and Upgrade: websocket", {}, {}}, ctx);
    auto const& req = *upgrade_request_;
    if (req[bhttp::field::sec_websocket_version] != "13") {
        auto res = http::to_response({426, "this node speaks WebSocket version 13",
                                      {{"Sec-WebSocket-Version", "must be 13"}}, {}}, ctx);
        res.headers["Sec-WebSocket-Version"] = "13";
        return res;
    }
    if (!ws::is_valid_client_key(req[bhttp::field::sec_websocket_key]))
        return http::to_response({400, "not a valid WebSocket upgrade",
                                  {{"Sec-WebSocket-Key", "must be the base64 of 16 random bytes"}}, {}}, ctx);
    return std::nullopt;
}

// The connection now belongs to the stream; this session ends when the handler returns.
void http_session::hand_over_to_stream(http::response r) {
    auto request = std::move(*upgrade_request_);
    upgrade_request_.reset();
    handed_over_ = true;  // stream_ is moved from below; the stream session answers stop() now
    std::make_shared<stream_session>(std::move(stream_), env_, std::move(*r.stream), peer_, fingerprint_)
        ->run(std::move(request));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    out_.reset();
    if (ec) return;  // the client went away; nothing more to do
    if (linger_) return do_linger();
    if (!keep_alive) return do_close();
    do_read();
}

// After refusing a request whose body is still arriving, read and discard for a moment
// before closing: closing with unread data makes the kernel reset the connection, and the
// client would lose the response that explains the refusal (nginx's "lingering close").
void http_session::do_linger() {
    stream_.expires_after(linger_time);
    linger_budget_ = linger_bytes;
    read_and_discard();
}

void http_session::read_and_discard() {
    stream_.async_read_some(buffer_.prepare(16 * 1024), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->buffer_.consume(self->buffer_.size());
        if (ec || n >= self->linger_budget_) return self->stream_.close();
        self->linger_budget_ -= n;
        self->read_and_discard();
    });
}

// The TLS close, then the TCP one read to the client's end (tls_stream.hpp, async_teardown):
// a pipelining client may still be sending requests this connection will not answer, and
// closing on them would reset the connection under the answer it is about to read.
void http_session::do_close() {
    stream_.expires_after(env_->lim.handshake_timeout);
    async_teardown(beast::role_type::server, stream_, [self = shared_from_this()](beast::error_code) {
        self->stream_.close();
    });
}

void http_session::stop() {
    asio::post(executor_, beast::bind_front_handler(&http_session::on_stop, shared_from_this()));
}

void http_session::on_stop() {
    if (handed_over_) return;
    stopping_ = true;
    // Waiting for the next request: nothing in flight, so close now. A request being
    // handled finishes first; send() then turns keep-alive off.
    if (reading_) stream_.cancel();
}

}  // namespace varde::net
