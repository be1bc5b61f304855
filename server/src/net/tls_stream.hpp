#pragma once
// The server's TLS stream: OpenSSL working on the connection's socket itself, not through
// asio::ssl::stream's memory BIO pair.
//
// Why: asio::ssl::stream gives every connection four fixed 17 KiB buffers (its BIO pair and its
// stream_core's input and output vectors), 68 KiB of the 91 KiB an idle subscriber cost. Here
// OpenSSL reads and writes the non-blocking socket through a small BIO of ours, and keeps
// record buffers only while a record is in flight (SSL_MODE_RELEASE_BUFFERS).
//
// The interface is the part of beast::ssl_stream<beast::tcp_stream> the sessions use: the
// asynchronous handshake, read_some, write_some and shutdown; a deadline like tcp_stream's
// (expires_after: when it passes the socket is closed and the operation ends with
// beast::error::timeout); cancel and close; next_layer() is the socket, so Beast's WebSocket
// finds it as the lowest layer for its own deadlines. Errors are those asio::ssl::stream
// gives: asio::error::eof after a close_notify, ssl::error::stream_truncated without one,
// OpenSSL's codes in asio's SSL category otherwise.
//
// Every operation tries OpenSSL first and waits for the socket only when OpenSSL asks
// (SSL_ERROR_WANT_READ / WANT_WRITE). Calls come from the connection's strand only, and every
// call first checks that the socket is still open: once closed, its descriptor number may
// belong to another connection.
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <algorithm>
#include <type_traits>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/role.hpp>

#include "net/net.hpp"

namespace varde::net {

namespace tls_detail {

struct state;  // socket, SSL, deadline: defined in tls_stream.cpp

enum class wait_for { nothing, readable, writable };

// One attempt at an OpenSSL call: done (with ec and bytes), or wait for the socket first.
struct attempt {
    wait_for wait = wait_for::nothing;
    beast::error_code ec;
    std::size_t bytes = 0;
};

attempt try_handshake(state& s);
attempt try_read(state& s, asio::mutable_buffer b);
attempt try_write(state& s, asio::const_buffer b);
attempt try_shutdown(state& s);
// A write that ended while OpenSSL was halfway through it (its wait for the socket failed:
// cancel, say) leaves OpenSSL able to take only that same write again. Nobody will call it
// again, so from then on every write fails instead of going out mixed with the remains.
void abandon_write(state& s);
// The error to end an operation with when its wait for the socket failed with ec.
beast::error_code wait_failed(state const& s, beast::error_code ec);
tcp::socket& socket_of(state& s);

// The most a write gathers from several buffers into one TLS record (and one send).
inline constexpr std::size_t gather_limit = 16 * 1024;

template <class Attempt>
concept abandonable = requires(Attempt const& a, state& s) { a.abandon(s); };

// Drives one OpenSSL call to completion: attempt, wait for the socket when asked, attempt
// again. A result known at once is posted, never delivered inside the initiating call.
template <class Attempt, bool WithBytes>
class io_op {
public:
    io_op(state& s, Attempt a) : state_(&s), attempt_(std::move(a)) {}

    template <class Self>
    void operator()(Self& self, beast::error_code wait_ec = {}) {
        if (delivering_) return finish(self);
        if (wait_ec) {
            result_.ec = wait_failed(*state_, wait_ec);
            if constexpr (abandonable<Attempt>) attempt_.abandon(*state_);
            return finish(self);
        }
        result_ = attempt_(*state_);
        if (result_.wait != wait_for::nothing) {
            waited_ = true;  // from here on, results arrive from the reactor
            auto w = result_.wait == wait_for::readable ? tcp::socket::wait_read : tcp::socket::wait_write;
            return socket_of(*state_).async_wait(w, std::move(self));
        }
        if (waited_) return finish(self);
        delivering_ = true;
        asio::post(std::move(self));
    }

private:
    template <class Self>
    void finish(Self& self) {
        if constexpr (WithBytes)
            self.complete(result_.ec, result_.bytes);
        else
            self.complete(result_.ec);
    }

    state* state_;
    Attempt attempt_;
    attempt result_;
    bool waited_ = false;
    bool delivering_ = false;
};

// Owns the bytes a write gathered from several buffers, so a retried SSL_write sees them again.
struct gathered_write {
    std::unique_ptr<unsigned char[]> bytes;
    std::size_t size = 0;
    attempt operator()(state& s) const { return try_write(s, asio::const_buffer(bytes.get(), size)); }
    void abandon(state& s) const { abandon_write(s); }
};

struct direct_write {
    asio::const_buffer bytes;
    attempt operator()(state& s) const { return try_write(s, bytes); }
    void abandon(state& s) const { abandon_write(s); }
};

struct direct_read {
    asio::mutable_buffer bytes;
    attempt operator()(state& s) const { return try_read(s, bytes); }
};

}  // namespace tls_detail

class tls_stream {
public:
    using executor_type = tcp::socket::executor_type;
    using next_layer_type = tcp::socket;

    // Takes the accepted socket; the handshake is the server's.
    tls_stream(tcp::socket&& socket, ssl::context& context);
    tls_stream(tls_stream&&) noexcept;
    tls_stream& operator=(tls_stream&&) noexcept;
    ~tls_stream();

    executor_type get_executor() noexcept;
    tcp::socket& next_layer() noexcept;
    SSL* native_handle() noexcept;

    // Like beast::tcp_stream's, except that the deadline runs from this call whether or not
    // an operation is pending: when it passes the socket is closed, and what is pending or
    // comes after ends with beast::error::timeout.
    void expires_after(std::chrono::steady_clock::duration d);
    void expires_never();
    // Pending operations end with operation_aborted. A write ended so cannot be resumed
    // (OpenSSL holds part of it): later writes end with asio::error::shut_down; reads go on.
    void cancel();
    void close();
    // Whether the deadline has passed and closed the socket (until the next expires_after).
    bool timed_out() const noexcept;

    template <class Token>
    auto async_handshake(ssl::stream_base::handshake_type, Token&& token) {
        return run<false>([](tls_detail::state& s) { return tls_detail::try_handshake(s); },
                          std::forward<Token>(token));
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(MutableBuffers const& buffers, Token&& token) {
        // Like asio::ssl::stream: the first non-empty buffer is filled.
        return run<true>(tls_detail::direct_read{first_nonempty<asio::mutable_buffer>(buffers)},
                         std::forward<Token>(token));
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(ConstBuffers const& buffers, Token&& token) {
        auto first = first_nonempty<asio::const_buffer>(buffers);
        auto total = asio::buffer_size(buffers);
        // An HTTP answer's header and body, say: one record and one send instead of two.
        if (first.size() < total && first.size() < tls_detail::gather_limit) {
            tls_detail::gathered_write w;
            w.size = std::min(total, tls_detail::gather_limit);
            w.bytes = std::make_unique_for_overwrite<unsigned char[]>(w.size);
            asio::buffer_copy(asio::mutable_buffer(w.bytes.get(), w.size), buffers);
            return run<true>(std::move(w), std::forward<Token>(token));
        }
        return run<true>(tls_detail::direct_write{first}, std::forward<Token>(token));
    }

    // Sends close_notify and waits for the peer's (as asio::ssl::stream::async_shutdown).
    template <class Token>
    auto async_shutdown(Token&& token) {
        return run<false>([](tls_detail::state& s) { return tls_detail::try_shutdown(s); },
                          std::forward<Token>(token));
    }

private:
    template <bool WithBytes, class Attempt, class Token>
    auto run(Attempt a, Token&& token) {
        using signature = std::conditional_t<WithBytes, void(beast::error_code, std::size_t),
                                             void(beast::error_code)>;
        return asio::async_compose<Token, signature>(
            tls_detail::io_op<Attempt, WithBytes>(*state_, std::move(a)), token, next_layer());
    }

    template <class Buffer, class Buffers>
    static Buffer first_nonempty(Buffers const& buffers) {
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            Buffer b(*it);
            if (b.size() != 0) return b;
        }
        return Buffer();
    }

    // Shared with the deadline timer's handler, which holds it weakly.
    std::shared_ptr<tls_detail::state> state_;
};

namespace tls_detail {

// What Beast does to close an SSL stream under a WebSocket: the TLS close (close_notify both
// ways), then the TCP one on the socket (as the server: shut the sending side, read to the
// peer's end, close). Without the second, the socket stays open until the session is
// destroyed, and a client that waits for the server to close TCP first (Beast's clients
// do, the project's own stream client among them) waits for that.
//
// The reading to the peer's end is ours, not Beast's: Beast's TCP teardown (Boost 1.74) stops
// after the first read that returns bytes. Closing a socket with bytes still coming makes the
// kernel answer them with a reset, and a client between its close frame and its close_notify
// (or still sending the message that broke the limit) then fails its own closing handshake
// with "connection reset" instead of seeing the node's close. The stream's deadline bounds
// the wait; so does a budget of bytes, against a peer that streams on.
inline constexpr std::size_t teardown_drain_budget = 1u << 20;

class teardown_op {
public:
    teardown_op(tls_stream& s, beast::role_type role) : stream_(&s), role_(role) {}

    template <class Self>
    void operator()(Self& self, beast::error_code ec = {}) {
        auto& socket = stream_->next_layer();
        switch (step_) {
        case step::tls:
            step_ = step::tcp;
            return stream_->async_shutdown(std::move(self));
        case step::tcp: {
            step_ = step::draining;
            tls_ec_ = ec;
            if (!socket.is_open()) return end(self, socket, {});  // the deadline passed in the TLS close
            beast::error_code ignored;
            if (role_ == beast::role_type::server) socket.shutdown(tcp::socket::shutdown_send, ignored);
            return drain(self, socket);
        }
        case step::draining:
            // The deadline closes the socket, which ends the wait with operation_aborted.
            if (ec) return end(self, socket, stream_->timed_out() ? beast::error::timeout : ec);
            return drain(self, socket);
        }
    }

private:
    enum class step { tls, tcp, draining };

    // Reads and drops what the socket has, then waits for more, until the peer's end.
    template <class Self>
    void drain(Self& self, tcp::socket& socket) {
        for (;;) {
            char sink[2048];
            beast::error_code ec;
            std::size_t const n = socket.read_some(asio::buffer(sink), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again)
                return socket.async_wait(tcp::socket::wait_read, std::move(self));
            if (ec) return end(self, socket, ec == asio::error::eof ? beast::error_code() : ec);
            drained_ += n;
            if (drained_ > teardown_drain_budget) return end(self, socket, {});
        }
    }

    template <class Self>
    void end(Self& self, tcp::socket& socket, beast::error_code ec) {
        beast::error_code ignored;
        if (role_ == beast::role_type::client) socket.shutdown(tcp::socket::shutdown_send, ignored);
        socket.close(ignored);
        // How TCP ended (the deadline, a reset) says more than how TLS did: after a peer's
        // late bytes the TLS close always fails.
        self.complete(ec ? ec : tls_ec_);
    }

    tls_stream* stream_;
    beast::role_type role_;
    step step_ = step::tls;
    std::size_t drained_ = 0;
    beast::error_code tls_ec_;
};

}  // namespace tls_detail

// Beast's WebSocket closes the connection through this (found by argument-dependent lookup).
template <class TeardownHandler>
void async_teardown(beast::role_type role, tls_stream& stream, TeardownHandler&& handler) {
    asio::async_compose<TeardownHandler, void(beast::error_code)>(tls_detail::teardown_op(stream, role), handler,
                                                                 stream.next_layer());
}

}  // namespace varde::net
