#include "net/tls_stream.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>

namespace varde::net {

namespace tls_detail {

// A connection that ended without a close_notify (the node closing an idle one at its
// deadline, a client dropping its socket) keeps its session resumable: OpenSSL would otherwise
// take it out of the cache here, and the client's next connection would be a full handshake.
// Since TLS 1.1 an unclean close no longer forbids resumption (RFC 5246 §7.2.1); a fatal alert,
// sent or received, has already removed the session before this.
struct ssl_free {
    void operator()(SSL* ssl) const {
        SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_SENT_SHUTDOWN);
        SSL_free(ssl);
    }
};

// Declared before the SSL so that OpenSSL (which holds a pointer to this state in its BIO)
// is freed first.
struct state {
    tcp::socket socket;
    asio::steady_timer deadline;
    std::uint64_t deadline_tick = 0;  // a deadline handler of an older tick does nothing
    bool timed_out = false;
    bool peer_closed = false;        // the socket read end of file
    bool write_abandoned = false;    // see abandon_write
    beast::error_code socket_error;  // what the socket last refused OpenSSL's read or write with
    std::unique_ptr<SSL, ssl_free> ssl;

    state(tcp::socket&& s, ssl::context& context);
};

namespace {

bool would_block(beast::error_code ec) {
    return ec == asio::error::would_block || ec == asio::error::try_again;
}

// The BIO between OpenSSL and the socket: a read or write is one non-blocking recv or send.
int bio_write(BIO* bio, char const* data, std::size_t size, std::size_t* written) {
    auto& s = *static_cast<state*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    beast::error_code ec;
    *written = s.socket.write_some(asio::const_buffer(data, size), ec);
    if (!ec) return 1;
    if (would_block(ec))
        BIO_set_retry_write(bio);
    else
        s.socket_error = ec;
    return 0;
}

int bio_read(BIO* bio, char* data, std::size_t size, std::size_t* read) {
    auto& s = *static_cast<state*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    beast::error_code ec;
    *read = s.socket.read_some(asio::mutable_buffer(data, size), ec);
    if (!ec) return 1;
    if (would_block(ec))
        BIO_set_retry_read(bio);
    else if (ec == asio::error::eof)
        s.peer_closed = true;
    else
        s.socket_error = ec;
    return 0;
}

long bio_ctrl(BIO* bio, int command, long, void*) {
    switch (command) {
    case BIO_CTRL_FLUSH: return 1;  // every write is a send already
    case BIO_CTRL_EOF: return static_cast<state*>(BIO_get_data(bio))->peer_closed ? 1 : 0;
    default: return 0;
    }
}

int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

int bio_destroy(BIO*) { return 1; }

BIO_METHOD* socket_bio_method() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "varde socket");
        if (m == nullptr) return m;
        BIO_meth_set_write_ex(m, bio_write);
        BIO_meth_set_read_ex(m, bio_read);
        BIO_meth_set_ctrl(m, bio_ctrl);
        BIO_meth_set_create(m, bio_create);
        BIO_meth_set_destroy(m, bio_destroy);
        return m;
    }();
    return method;
}

// Once closed (deadline, stop, peer gone), OpenSSL must not touch the descriptor again: its
// number may already belong to another connection.
beast::error_code closed_error(state const& s) {
    if (s.socket.is_open()) return {};
    if (s.timed_out) return beast::error::timeout;
    return asio::error::bad_descriptor;
}

// What a failed OpenSSL call means: wait for the socket, or end with an error like the one
// asio::ssl::stream gives.
attempt failure(state& s, int result) {
    int const reason = SSL_get_error(s.ssl.get(), result);
    attempt a;
    switch (reason) {
    case SSL_ERROR_WANT_READ: a.wait = wait_for::readable; break;
    case SSL_ERROR_WANT_WRITE: a.wait = wait_for::writable; break;
    case SSL_ERROR_ZERO_RETURN: a.ec = asio::error::eof; break;  // the peer's close_notify
    case SSL_ERROR_SSL: {
        unsigned long const code = ERR_get_error();
        if (s.peer_closed && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            a.ec = ssl::error::stream_truncated;
        else
            a.ec = beast::error_code(static_cast<int>(code), asio::error::get_ssl_category());
        break;
    }
    default:  // SSL_ERROR_SYSCALL and anything else: the socket said why, or the peer left
        if (s.socket_error)
            a.ec = s.socket_error;
        else
            a.ec = ssl::error::stream_truncated;
        break;
    }
    ERR_clear_error();
    return a;
}

template <class Call>
attempt try_call(state& s, Call call) {
    if (auto ec = closed_error(s)) return {wait_for::nothing, ec, 0};
    if (!s.ssl) return {wait_for::nothing, asio::error::no_memory, 0};
    ERR_clear_error();  // SSL_get_error reads this thread's queue: start it empty
    std::size_t bytes = 0;
    int const result = call(s.ssl.get(), bytes);
    if (result == 1) return {wait_for::nothing, {}, bytes};
    return failure(s, result);
}

}  // namespace

state::state(tcp::socket&& s, ssl::context& context) : socket(std::move(s)), deadline(socket.get_executor()) {
    beast::error_code ec;
    socket.non_blocking(true, ec);
    SSL* raw = ec ? nullptr : SSL_new(context.native_handle());
    BIO* bio = raw ? BIO_new(socket_bio_method()) : nullptr;
    if (bio == nullptr) {  // out of memory: every operation on this stream fails
        SSL_free(raw);
        socket.close(ec);
        return;
    }
    ssl.reset(raw);
    BIO_set_data(bio, this);
    SSL_set_bio(raw, bio, bio);
    SSL_set_accept_state(raw);
    // A retried write may come from another buffer holding the same bytes (tls_stream's
    // gathered writes); buffers go back to the allocator while no record is in flight.
    SSL_set_mode(raw, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    // Read what the socket has (up to a record buffer), not a record header and body apart.
    SSL_set_read_ahead(raw, 1);
}

attempt try_handshake(state& s) {
    return try_call(s, [](SSL* ssl, std::size_t&) { return SSL_do_handshake(ssl); });
}

attempt try_read(state& s, asio::mutable_buffer b) {
    if (b.size() == 0) return {};
    return try_call(s, [b](SSL* ssl, std::size_t& n) { return SSL_read_ex(ssl, b.data(), b.size(), &n); });
}

attempt try_write(state& s, asio::const_buffer b) {
    if (b.size() == 0) return {};
    if (auto ec = closed_error(s)) return {wait_for::nothing, ec, 0};
    if (s.write_abandoned) return {wait_for::nothing, asio::error::shut_down, 0};
    return try_call(s, [b](SSL* ssl, std::size_t& n) { return SSL_write_ex(ssl, b.data(), b.size(), &n); });
}

attempt try_shutdown(state& s) {
    return try_call(s, [](SSL* ssl, std::size_t&) {
        int result = SSL_shutdown(ssl);  // 0: our close_notify is sent; now read the peer's
        if (result == 0) result = SSL_shutdown(ssl);
        return result;
    });
}

void abandon_write(state& s) { s.write_abandoned = true; }

beast::error_code wait_failed(state const& s, beast::error_code ec) {
    return s.timed_out ? beast::error_code(beast::error::timeout) : ec;
}

tcp::socket& socket_of(state& s) { return s.socket; }

}  // namespace tls_detail

tls_stream::tls_stream(tcp::socket&& socket, ssl::context& context)
    : state_(std::make_shared<tls_detail::state>(std::move(socket), context)) {}

tls_stream::tls_stream(tls_stream&&) noexcept = default;
tls_stream& tls_stream::operator=(tls_stream&&) noexcept = default;
tls_stream::~tls_stream() = default;

tls_stream::executor_type tls_stream::get_executor() noexcept { return state_->socket.get_executor(); }
tcp::socket& tls_stream::next_layer() noexcept { return state_->socket; }
SSL* tls_stream::native_handle() noexcept { return state_->ssl.get(); }

void tls_stream::expires_after(std::chrono::steady_clock::duration d) {
    auto& s = *state_;
    s.timed_out = false;
    s.deadline.expires_after(d);
    s.deadline.async_wait([weak = std::weak_ptr(state_), tick = ++s.deadline_tick](beast::error_code ec) {
        auto live = weak.lock();
        if (ec || !live || live->deadline_tick != tick) return;  // moved, cancelled, or gone
        live->timed_out = true;
        live->socket.close(ec);
    });
}

bool tls_stream::timed_out() const noexcept { return state_->timed_out; }

void tls_stream::expires_never() {
    ++state_->deadline_tick;
    state_->deadline.cancel();
}

void tls_stream::cancel() {
    beast::error_code ignored;
    state_->socket.cancel(ignored);
}

void tls_stream::close() {
    expires_never();
    beast::error_code ignored;
    state_->socket.close(ignored);
}

}  // namespace varde::net
