// net::tls_stream, the server's TLS stream, against asio's own TLS client over loopback: the
// node's TLS context and the test PKI, TLS 1.2 and 1.3. Client and server run on one
// io_context in the test's thread, so every step is in the test's hands.
#include "net/tls_stream.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "lib/tls.hpp"
#include "net/tls_context.hpp"
#include "test_node.hpp"

namespace varde::net {
namespace {

using namespace std::chrono_literals;
namespace websocket = beast::websocket;
using client_stream = ssl::stream<tcp::socket>;
using clock_type = std::chrono::steady_clock;

// Bytes whose every position can be checked.
std::string pattern(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7 + (i >> 9)) & 0xff);
    return s;
}

// Where two byte strings first differ ("same" if they do not): a mismatch of several hundred
// KiB is not worth printing.
std::string first_difference(std::string const& got, std::string const& want) {
    if (got == want) return "same";
    std::size_t i = 0;
    while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
    return "differ at byte " + std::to_string(i) + " (got " + std::to_string(got.size()) + " bytes, want " +
           std::to_string(want.size()) + ")";
}

// An operation's completion, once it has come.
struct outcome {
    bool done = false;
    beast::error_code ec;
    std::size_t bytes = 0;

    auto handler() {
        return [this](beast::error_code e, std::size_t n = 0) {
            done = true;
            ec = e;
            bytes = n;
        };
    }
};

// A socket pair standing for "another connection": the test moves one end onto the number
// of the descriptor the stream has closed, and watches the other end.
struct other_connection {
    int near = -1, far = -1;
    other_connection() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) near = fds[0], far = fds[1];
    }
    ~other_connection() {
        if (near >= 0) ::close(near);
        if (far >= 0) ::close(far);
    }
};

class TlsStream : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        auto const dir = test::pki_dir();
        server_context_.emplace(
            make_server_tls_context({dir + "/server.pem", dir + "/server.key", dir + "/member-ca.pem"}));
        client_context_.emplace(client::make_client_context(test::tls_for("alice")));
        SSL_CTX_set_max_proto_version(client_context_->native_handle(), GetParam());
    }

    // A TCP connection on loopback, tls_stream on the accepted end and asio's SSL stream on the
    // other, with the handshake done (unless told not to). small_buffers: kernel buffers of a
    // few KiB, so that a large write waits for the socket.
    void open(bool small_buffers = false, bool handshake = true) {
        tcp::acceptor acceptor(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
        tcp::socket near(ioc_);
        near.open(tcp::v4());
        if (small_buffers) near.set_option(asio::socket_base::receive_buffer_size(4096));
        near.connect(acceptor.local_endpoint());
        near.set_option(tcp::no_delay(true));  // what the client writes leaves at once
        tcp::socket accepted = acceptor.accept();
        if (small_buffers) accepted.set_option(asio::socket_base::send_buffer_size(4096));
        server_.emplace(std::move(accepted), *server_context_);
        client_.emplace(std::move(near), *client_context_);
        if (!handshake) return;
        outcome server_side, client_side;
        server_->async_handshake(ssl::stream_base::server, server_side.handler());
        client_->async_handshake(ssl::stream_base::client, client_side.handler());
        ASSERT_TRUE(run_until([&] { return server_side.done && client_side.done; }));
        ASSERT_FALSE(server_side.ec) << server_side.ec.message();
        ASSERT_FALSE(client_side.ec) << client_side.ec.message();
        ASSERT_EQ(SSL_version(server_->native_handle()), GetParam());
    }

    // Runs the io_context until done() or the limit; false if the limit came first.
    bool run_until(std::function<bool()> const& done, std::chrono::milliseconds limit = 10s) {
        auto const end = clock_type::now() + limit;
        while (!done()) {
            if (clock_type::now() >= end) return false;
            if (ioc_.stopped()) ioc_.restart();
            ioc_.run_one_for(10ms);
        }
        return true;
    }

    void run_for(std::chrono::milliseconds d) {
        if (ioc_.stopped()) ioc_.restart();
        ioc_.run_for(d);
    }

    // Client side: the next `n` bytes, or what had come when the connection ended.
    std::string client_read(std::size_t n) {
        std::string in(n, '\0');
        outcome got;
        asio::async_read(*client_, asio::buffer(in), got.handler());
        EXPECT_TRUE(run_until([&] { return got.done; })) << "the client's read never ended";
        EXPECT_FALSE(got.ec) << got.ec.message();
        in.resize(got.bytes);
        return in;
    }

    // Client side: how its next read ends, once the server has ended the connection (the
    // error of a read that brought no bytes; a read that brought some fails the test).
    beast::error_code client_read_end() {
        std::array<char, 64> inbox{};
        outcome read;
        client_->async_read_some(asio::buffer(inbox), read.handler());
        EXPECT_TRUE(run_until([&] { return read.done; }, 3s)) << "the client's read never ended";
        EXPECT_EQ(read.bytes, 0u) << "the client read bytes where it expected the end";
        return read.ec;
    }

    void client_write(std::string const& bytes) {
        outcome sent;
        asio::async_write(*client_, asio::buffer(bytes), sent.handler());
        ASSERT_TRUE(run_until([&] { return sent.done; }));
        ASSERT_FALSE(sent.ec) << sent.ec.message();
    }

    // The server writes frame i (headers[i], then bodies[i]: two buffers, one write) once
    // frame i - 1 is written; `writes` ends after the last or at the first error.
    void write_frames(std::vector<std::string> const& headers, std::vector<std::string> const& bodies,
                      outcome& writes) {
        next_frame_ = 0;
        write_next_ = [this, &headers, &bodies, &writes] {
            if (next_frame_ == bodies.size()) return (void)(writes.done = true);
            std::array<asio::const_buffer, 2> frame{asio::buffer(headers[next_frame_]),
                                                    asio::buffer(bodies[next_frame_])};
            asio::async_write(*server_, frame, [this, &writes](beast::error_code ec, std::size_t n) {
                writes.bytes += n;
                if (ec) {
                    writes.ec = ec;
                    writes.done = true;
                    return;
                }
                ++next_frame_;
                write_next_();
            });
        };
        write_next_();
    }

    // The client sends `text`; the read pending into `inbox` ends with exactly it.
    void expect_read_of(std::string const& text, outcome& read, std::array<char, 64> const& inbox) {
        client_write(text);
        ASSERT_TRUE(run_until([&] { return read.done; }));
        EXPECT_FALSE(read.ec) << read.ec.message();
        EXPECT_EQ(std::string_view(inbox.data(), read.bytes), text);
    }

    // Raw bytes from the client's socket, under TLS.
    void client_write_raw(std::string_view bytes) {
        beast::error_code ec;
        asio::write(client_->next_layer(), asio::buffer(bytes), ec);
        ASSERT_FALSE(ec) << ec.message();
    }

    // After the stream's socket was closed: its descriptor number now names another
    // connection, and none of handshake, read, write or shutdown may touch it. Each ends with
    // `expected`.
    void expect_no_operation_touches_the_old_descriptor(int old_fd, beast::error_code expected) {
        other_connection other;
        ASSERT_GE(other.near, 0);
        if (other.far == old_fd) std::swap(other.near, other.far);  // the kernel reused it already
        if (other.near != old_fd) {
            ASSERT_EQ(::dup2(other.near, old_fd), old_fd) << "cannot reuse descriptor " << old_fd;
            ::close(other.near);
            other.near = old_fd;
        }
        std::string_view const theirs = "bytes for the other connection";
        ASSERT_EQ(::write(other.far, theirs.data(), theirs.size()), static_cast<ssize_t>(theirs.size()));

        std::array<char, 64> inbox{};
        std::string const ours(20000, 'x');  // a gathered write and a direct one
        std::array<asio::const_buffer, 2> gathered{asio::buffer(ours.data(), 10), asio::buffer(ours)};
        outcome handshake, read, write, direct_write, shutdown;
        server_->async_handshake(ssl::stream_base::server, handshake.handler());
        server_->async_read_some(asio::buffer(inbox), read.handler());
        server_->async_write_some(gathered, write.handler());
        server_->async_write_some(asio::buffer(ours), direct_write.handler());
        server_->async_shutdown(shutdown.handler());
        EXPECT_TRUE(run_until([&] {
            return handshake.done && read.done && write.done && direct_write.done && shutdown.done;
        }, 2s));
        EXPECT_EQ(handshake.ec, expected) << handshake.ec.message();
        EXPECT_EQ(read.ec, expected) << read.ec.message();
        EXPECT_EQ(read.bytes, 0u);
        EXPECT_EQ(write.ec, expected) << write.ec.message();
        EXPECT_EQ(direct_write.ec, expected) << direct_write.ec.message();
        EXPECT_EQ(shutdown.ec, expected) << shutdown.ec.message();

        // Nothing was sent to the other connection, and what it was sent is still unread.
        char buf[256];
        errno = 0;
        EXPECT_EQ(::recv(other.far, buf, sizeof buf, MSG_DONTWAIT), -1);
        EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK) << "the stream wrote to a descriptor it had closed";
        auto n = ::recv(old_fd, buf, sizeof buf, MSG_DONTWAIT);
        EXPECT_EQ(std::string_view(buf, n > 0 ? static_cast<std::size_t>(n) : 0), theirs)
            << "the stream read from a descriptor it had closed";
    }

    // Declared in this order so that the streams go first, then the contexts, then the
    // io_context (with what is left in its queues).
    asio::io_context ioc_;
    std::optional<ssl::context> server_context_, client_context_;
    std::optional<tls_stream> server_;
    std::size_t next_frame_ = 0;           // write_frames
    std::function<void()> write_next_;     // write_frames
    std::optional<client_stream> client_;
};

INSTANTIATE_TEST_SUITE_P(Versions, TlsStream, ::testing::Values(TLS1_2_VERSION, TLS1_3_VERSION),
                         [](auto const& version) { return version.param == TLS1_3_VERSION ? "Tls13" : "Tls12"; });

// --- data ------------------------------------------------------------------------------------

TEST_P(TlsStream, LargeWriteArrivesIntact) {
    open();
    std::string const header = "a header smaller than 16 KiB";
    std::string const body = pattern(700 * 1024, 1);
    std::array<asio::const_buffer, 2> out{asio::buffer(header), asio::buffer(body)};
    outcome wrote;
    asio::async_write(*server_, out, wrote.handler());
    auto got = client_read(header.size() + body.size());
    ASSERT_TRUE(run_until([&] { return wrote.done; }));
    EXPECT_FALSE(wrote.ec) << wrote.ec.message();
    EXPECT_EQ(wrote.bytes, header.size() + body.size());
    EXPECT_EQ(first_difference(got, header + body), "same");
}

TEST_P(TlsStream, LargeHttpAnswerArrivesIntact) {
    open();
    bhttp::response<bhttp::string_body> answer{bhttp::status::ok, 11};
    answer.set(bhttp::field::content_type, "application/octet-stream");
    answer.body() = pattern(600 * 1024 + 17, 2);
    answer.prepare_payload();
    outcome wrote;
    bhttp::async_write(*server_, answer, wrote.handler());

    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> received;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1u << 24);
    outcome read;
    bhttp::async_read(*client_, buffer, parser, read.handler());
    ASSERT_TRUE(run_until([&] { return wrote.done && read.done; }));
    EXPECT_FALSE(wrote.ec) << wrote.ec.message();
    ASSERT_FALSE(read.ec) << read.ec.message();
    EXPECT_EQ(parser.get().result(), bhttp::status::ok);
    EXPECT_EQ(first_difference(parser.get().body(), answer.body()), "same");
}

// OpenSSL reads ahead: one read takes every record the socket has. The next reads are
// served from OpenSSL's buffer while the socket is empty; they must not wait for it.
TEST_P(TlsStream, DataAlreadyReadByOpenSslIsDeliveredWithoutWaitingForTheSocket) {
    open();
    std::string const sent = "first record|" + pattern(3000, 3) + "|second record|third";
    client_write(sent.substr(0, 13));
    client_write(sent.substr(13, 3001));
    client_write(sent.substr(3014));
    run_for(50ms);  // all three records are in the server's socket

    std::string received;
    bool ran_inline = false;
    bool failed = false;
    bool held_by_openssl = false;  // after the first read: the socket empty, the rest in OpenSSL
    bool initiating = false;
    std::array<char, 7> small{};
    std::function<void()> read_next = [&] {
        initiating = true;
        server_->async_read_some(asio::buffer(small), [&](beast::error_code ec, std::size_t n) {
            if (initiating) ran_inline = true;
            if (ec) {
                failed = true;
                ADD_FAILURE() << ec.message();
                return;
            }
            if (received.empty())
                held_by_openssl = server_->next_layer().available() == 0 && SSL_has_pending(server_->native_handle());
            received.append(small.data(), n);
            if (received.size() < sent.size()) read_next();
        });
        initiating = false;
    };
    read_next();
    ASSERT_TRUE(run_until([&] { return failed || received.size() >= sent.size(); }, 3s))
        << "a read waited for the socket while OpenSSL held data (" << received.size() << " of "
        << sent.size() << " bytes)";
    EXPECT_EQ(received, sent);
    EXPECT_TRUE(held_by_openssl) << "OpenSSL did not read ahead: the test proves nothing";
    EXPECT_FALSE(ran_inline) << "a completion ran inside the call that started the read";
}

// TLS 1.3: the client speaks last in the handshake, and its first request often arrives
// with its Finished; OpenSSL reads both at once. The first read must find the request
// without waiting for the (by then empty) socket.
TEST_P(TlsStream, DataThatCameWithTheHandshakeIsDelivered) {
    // The client on an io_context of its own, run in turns with the server's: its last
    // flight and its request both leave before the server runs again.
    asio::io_context client_ioc;
    tcp::acceptor acceptor(ioc_, {asio::ip::make_address("127.0.0.1"), 0});
    tcp::socket near(client_ioc);
    near.connect(acceptor.local_endpoint());
    near.set_option(tcp::no_delay(true));  // Nagle would hold the request back until an ACK
    server_.emplace(acceptor.accept(), *server_context_);
    client_stream client(std::move(near), *client_context_);

    std::string const request = "GET /v1/whoami HTTP/1.1\r\n\r\n";
    outcome server_side, client_side, sent;
    server_->async_handshake(ssl::stream_base::server, server_side.handler());
    client.async_handshake(ssl::stream_base::client, [&](beast::error_code ec) {
        client_side.handler()(ec);
        if (!ec) asio::async_write(client, asio::buffer(request), sent.handler());
    });
    for (int turn = 0; turn < 1000 && !(server_side.done && sent.done); ++turn) {
        client_ioc.restart();
        client_ioc.poll();
        ioc_.restart();
        ioc_.poll();
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(server_side.done && sent.done);
    ASSERT_FALSE(server_side.ec) << server_side.ec.message();
    ASSERT_FALSE(sent.ec) << sent.ec.message();
    if (GetParam() == TLS1_3_VERSION) {
        ASSERT_TRUE(SSL_has_pending(server_->native_handle())) << "the request did not come with the handshake";
    }

    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    ASSERT_TRUE(run_until([&] { return read.done; }, 2s)) << "the read waited for the socket";
    EXPECT_FALSE(read.ec) << read.ec.message();
    EXPECT_EQ(std::string_view(inbox.data(), read.bytes), request);
}

// A WebSocket keeps a read pending while it writes.
TEST_P(TlsStream, ManySmallWritesWhileAReadIsPending) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());

    // 1500 frames: a short header and 1 to 3000 bytes, each written as two buffers (gathered).
    std::vector<std::string> headers, bodies;
    std::string expected;
    for (unsigned i = 0; i < 1500; ++i) {
        headers.push_back("#" + std::to_string(i) + ":");
        bodies.push_back(pattern(1 + (i * 7919) % 3000, i));
        expected += headers.back() + bodies.back();
    }
    outcome writes;
    write_frames(headers, bodies, writes);
    auto got = client_read(expected.size());
    ASSERT_TRUE(run_until([&] { return writes.done; }));
    EXPECT_FALSE(writes.ec) << writes.ec.message();
    EXPECT_EQ(writes.bytes, expected.size());
    EXPECT_EQ(first_difference(got, expected), "same");
    EXPECT_FALSE(read.done) << "the pending read ended without data: " << read.ec.message();

    expect_read_of("ping", read, inbox);
}

// The hardest interleaving: a gathered write is stuck halfway through a record (the client
// does not read), and the read pending beside it completes meanwhile, more than once. Then
// the client reads, and the write resumes where it stopped.
TEST_P(TlsStream, ReadsCompleteWhileAWriteWaitsForTheSocket) {
    open(true);
    std::vector<std::string> bodies;
    std::string expected;
    for (unsigned i = 0; i < 200; ++i) {
        bodies.push_back(pattern(12000 + i, i));  // with its 8-byte header: one gathered record
        expected += "frame..." + bodies.back();
    }
    outcome writes;
    std::vector<std::string> const headers(bodies.size(), "frame...");
    write_frames(headers, bodies, writes);
    run_for(300ms);
    ASSERT_FALSE(writes.done) << "the write did not have to wait: the test proves nothing";

    for (int round = 0; round < 3; ++round) {
        std::array<char, 64> inbox{};
        outcome read;
        server_->async_read_some(asio::buffer(inbox), read.handler());
        std::string const message = "message " + std::to_string(round) + " while the server cannot write";
        client_write(message);
        ASSERT_TRUE(run_until([&] { return read.done; }, 3s)) << "round " << round;
        ASSERT_FALSE(read.ec) << read.ec.message();
        EXPECT_EQ(std::string_view(inbox.data(), read.bytes), message);
    }
    EXPECT_FALSE(writes.done) << "the write ended while nobody read";
    EXPECT_LT(writes.bytes, expected.size());

    auto got = client_read(expected.size());
    ASSERT_TRUE(run_until([&] { return writes.done; }));
    EXPECT_FALSE(writes.ec) << writes.ec.message();
    EXPECT_EQ(first_difference(got, expected), "same");
}

// --- deadlines, cancel, close ------------------------------------------------------------------

TEST_P(TlsStream, DeadlineClosesAnIdleConnectionAndTheReadEndsWithTimeout) {
    open();
    server_->expires_after(200ms);
    auto const start = clock_type::now();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    ASSERT_TRUE(run_until([&] { return read.done; }, 5s)) << "the deadline did not end the read";
    auto const waited = clock_type::now() - start;
    EXPECT_EQ(read.ec, beast::error::timeout) << read.ec.message();
    EXPECT_GE(waited, 190ms);
    EXPECT_LT(waited, 3s);
    EXPECT_FALSE(server_->next_layer().is_open());

    // What comes after ends with the same error, at once.
    outcome write;
    server_->async_write_some(asio::buffer(std::string_view("too late")), write.handler());
    ASSERT_TRUE(run_until([&] { return write.done; }, 1s));
    EXPECT_EQ(write.ec, beast::error::timeout) << write.ec.message();

    // The client sees the connection end without a close_notify.
    auto const end = client_read_end();
    EXPECT_EQ(end, ssl::error::stream_truncated) << end.message();
}

TEST_P(TlsStream, DeadlineEndsAWriteThatWaitsForTheSocket) {
    open(true);
    std::string const body = pattern(4u << 20, 4);
    outcome wrote;
    server_->expires_after(300ms);
    asio::async_write(*server_, asio::buffer(body), wrote.handler());
    ASSERT_TRUE(run_until([&] { return wrote.done; }, 5s)) << "the deadline did not end the write";
    EXPECT_EQ(wrote.ec, beast::error::timeout) << wrote.ec.message();
    EXPECT_LT(wrote.bytes, body.size());
    EXPECT_FALSE(server_->next_layer().is_open());
}

TEST_P(TlsStream, ReplacedOrCancelledDeadlineDoesNotFire) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->expires_after(100ms);
    server_->expires_after(30s);  // replaces the first
    server_->async_read_some(asio::buffer(inbox), read.handler());
    run_for(300ms);
    EXPECT_FALSE(read.done) << read.ec.message();
    server_->expires_after(50ms);
    server_->expires_never();
    run_for(250ms);
    EXPECT_FALSE(read.done) << read.ec.message();
    ASSERT_TRUE(server_->next_layer().is_open());

    expect_read_of("still here", read, inbox);
}

// The race the deadline's tick is for: the old deadline has passed and its handler is
// queued (no longer cancellable) when a new deadline is set. The old handler must do nothing.
TEST_P(TlsStream, DeadlineReplacedAfterItPassedButBeforeItsHandlerRanDoesNotClose) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    bool replaced = false;
    server_->expires_after(1ms);
    // Queued behind the io_context's reactor task: the next poll first collects the expired
    // timer's handler, then runs this, then that handler.
    asio::post(ioc_, [&] {
        server_->expires_after(30s);
        replaced = true;
    });
    std::this_thread::sleep_for(20ms);
    ioc_.restart();
    ioc_.poll();
    ASSERT_TRUE(replaced);
    run_for(100ms);
    EXPECT_TRUE(server_->next_layer().is_open()) << "the replaced deadline closed the connection";
    EXPECT_FALSE(read.done) << read.ec.message();

    expect_read_of("on time", read, inbox);
}

TEST_P(TlsStream, CancelEndsAPendingReadAndTheStreamStillWorks) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    run_for(50ms);
    ASSERT_FALSE(read.done);
    server_->cancel();
    ASSERT_TRUE(run_until([&] { return read.done; }, 2s));
    EXPECT_EQ(read.ec, asio::error::operation_aborted) << read.ec.message();

    outcome again;
    server_->async_read_some(asio::buffer(inbox), again.handler());
    expect_read_of("after cancel", again, inbox);
}

// A write cancelled while it waits for the socket has left OpenSSL halfway through: part of
// it sent, a record encrypted but not all sent. OpenSSL can only finish that write; a later
// one must not go out as a mix of the two.
TEST_P(TlsStream, WriteAfterACancelledWriteIsNeverAMixOfTheTwo) {
    open(true);
    std::string const first = pattern(2u << 20, 9);
    std::string const second(4u << 20, 'B');
    outcome wrote_first;
    asio::async_write(*server_, asio::buffer(first), wrote_first.handler());
    run_for(200ms);
    ASSERT_FALSE(wrote_first.done) << "the write did not have to wait: the test proves nothing";
    server_->cancel();
    ASSERT_TRUE(run_until([&] { return wrote_first.done; }, 2s));
    EXPECT_EQ(wrote_first.ec, asio::error::operation_aborted) << wrote_first.ec.message();

    outcome wrote_second;
    asio::async_write(*server_, asio::buffer(second), wrote_second.handler());
    // What the client receives meanwhile: the start of the first write, and nothing else.
    std::string received;
    std::array<char, 65536> chunk{};
    bool reading = true;
    std::function<void()> read_more = [&] {
        client_->async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
            received.append(chunk.data(), n);
            if (ec) return (void)(reading = false);
            read_more();
        });
    };
    read_more();
    ASSERT_TRUE(run_until([&] { return wrote_second.done; }, 10s));
    run_for(300ms);  // anything still on its way
    EXPECT_EQ(wrote_second.ec, asio::error::shut_down) << wrote_second.ec.message();
    EXPECT_EQ(wrote_second.bytes, 0u);
    EXPECT_LT(received.size(), first.size());
    EXPECT_EQ(first_difference(received, first.substr(0, received.size())), "same")
        << "bytes of the second write went out after the cancelled first";

    // Reading still works.
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    expect_read_of("reads go on", read, inbox);
    EXPECT_TRUE(reading);

    // Nor does a close wait on the write OpenSSL can no longer finish: it cannot send its
    // close_notify, and ends with an error.
    outcome shutdown;
    server_->async_shutdown(shutdown.handler());
    ASSERT_TRUE(run_until([&] { return shutdown.done; }, 3s)) << "the shutdown hung";
    EXPECT_TRUE(shutdown.ec);
}

TEST_P(TlsStream, CloseEndsPendingOperations) {
    open(true);
    std::array<char, 64> inbox{};
    std::string const body = pattern(2u << 20, 5);
    outcome read, wrote;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    asio::async_write(*server_, asio::buffer(body), wrote.handler());
    run_for(200ms);
    ASSERT_FALSE(read.done);
    ASSERT_FALSE(wrote.done);
    server_->close();
    ASSERT_TRUE(run_until([&] { return read.done && wrote.done; }, 2s));
    EXPECT_EQ(read.ec, asio::error::operation_aborted) << read.ec.message();
    EXPECT_EQ(wrote.ec, asio::error::operation_aborted) << wrote.ec.message();
}

TEST_P(TlsStream, AfterCloseNoOperationTouchesTheDescriptor) {
    open();
    int const fd = server_->next_layer().native_handle();
    server_->close();
    expect_no_operation_touches_the_old_descriptor(fd, asio::error::bad_descriptor);
}

TEST_P(TlsStream, AfterTheDeadlineNoOperationTouchesTheDescriptor) {
    open();
    int const fd = server_->next_layer().native_handle();
    server_->expires_after(50ms);
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    ASSERT_TRUE(run_until([&] { return read.done; }, 3s));
    ASSERT_EQ(read.ec, beast::error::timeout);
    expect_no_operation_touches_the_old_descriptor(fd, beast::error::timeout);
}

// --- the peer leaving, errors --------------------------------------------------------------------

TEST_P(TlsStream, PeerVanishingMidRecordEndsTheReadWithStreamTruncated) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    // An application-data record header announcing 200 bytes, and 10 of them.
    std::string partial("\x17\x03\x03\x00\xc8" "0123456789", 15);
    client_write_raw(partial);
    run_for(100ms);
    ASSERT_FALSE(read.done) << "the read ended before the record was complete: " << read.ec.message();
    client_->next_layer().shutdown(tcp::socket::shutdown_send);
    ASSERT_TRUE(run_until([&] { return read.done; }, 3s)) << "the read hung after the peer left";
    EXPECT_EQ(read.ec, ssl::error::stream_truncated) << read.ec.message();
    EXPECT_EQ(read.bytes, 0u);
}

TEST_P(TlsStream, PeerLeavingWithoutCloseNotifyEndsTheReadWithStreamTruncated) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    client_->next_layer().shutdown(tcp::socket::shutdown_send);
    ASSERT_TRUE(run_until([&] { return read.done; }, 3s));
    EXPECT_EQ(read.ec, ssl::error::stream_truncated) << read.ec.message();
}

TEST_P(TlsStream, PeerResetEndsARead) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    run_for(50ms);
    ASSERT_FALSE(read.done);
    client_->next_layer().set_option(asio::socket_base::linger(true, 0));
    client_->next_layer().close();  // RST
    ASSERT_TRUE(run_until([&] { return read.done; }, 3s)) << "the read hung after a reset";
    EXPECT_EQ(read.ec, asio::error::connection_reset) << read.ec.message();
}

// Both wake up; the first to touch the socket takes the reset (the kernel reports it once),
// the other then finds the end of the stream.
TEST_P(TlsStream, PeerResetEndsAReadAndAWrite) {
    open(true);
    std::array<char, 64> inbox{};
    std::string const body = pattern(4u << 20, 6);
    outcome read, wrote;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    asio::async_write(*server_, asio::buffer(body), wrote.handler());
    run_for(200ms);
    ASSERT_FALSE(wrote.done);
    client_->next_layer().set_option(asio::socket_base::linger(true, 0));
    client_->next_layer().close();  // RST
    ASSERT_TRUE(run_until([&] { return read.done && wrote.done; }, 3s)) << "an operation hung after a reset";
    auto const peer_left = [](beast::error_code ec) {
        return ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
               ec == ssl::error::stream_truncated;
    };
    EXPECT_TRUE(peer_left(read.ec)) << read.ec.message();
    EXPECT_TRUE(peer_left(wrote.ec)) << wrote.ec.message();
    EXPECT_LT(wrote.bytes, body.size());
}

TEST_P(TlsStream, NotTlsIsAnSslErrorOfTheHandshake) {
    open(false, false);
    outcome handshake;
    server_->async_handshake(ssl::stream_base::server, handshake.handler());
    client_write_raw("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    ASSERT_TRUE(run_until([&] { return handshake.done; }, 3s));
    ASSERT_EQ(handshake.ec.category(), asio::error::get_ssl_category()) << handshake.ec.message();
    EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(handshake.ec.value())), SSL_R_HTTP_REQUEST)
        << handshake.ec.message();
}

TEST_P(TlsStream, ForgedRecordIsAnSslErrorOfTheRead) {
    open();
    std::array<char, 64> inbox{};
    outcome read;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    std::string forged("\x17\x03\x03\x00\x40", 5);
    forged += pattern(0x40, 7);
    client_write_raw(forged);
    ASSERT_TRUE(run_until([&] { return read.done; }, 3s));
    EXPECT_EQ(read.ec.category(), asio::error::get_ssl_category()) << read.ec.message();
    EXPECT_EQ(read.bytes, 0u);
}

// --- closing ---------------------------------------------------------------------------------

TEST_P(TlsStream, ShutdownExchangesCloseNotify) {
    open();
    outcome server_shutdown;
    server_->async_shutdown(server_shutdown.handler());
    run_for(100ms);
    EXPECT_FALSE(server_shutdown.done) << "the shutdown did not wait for the peer's close_notify";

    auto const end = client_read_end();
    EXPECT_EQ(end, asio::error::eof) << end.message();
    EXPECT_TRUE(SSL_get_shutdown(client_->native_handle()) & SSL_RECEIVED_SHUTDOWN);

    outcome client_shutdown;
    client_->async_shutdown(client_shutdown.handler());
    ASSERT_TRUE(run_until([&] { return server_shutdown.done && client_shutdown.done; }, 3s));
    EXPECT_FALSE(server_shutdown.ec) << server_shutdown.ec.message();
    EXPECT_FALSE(client_shutdown.ec) << client_shutdown.ec.message();
    EXPECT_EQ(SSL_get_shutdown(server_->native_handle()), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

TEST_P(TlsStream, PeerCloseNotifyEndsTheReadWithEofAndTheShutdownAnswersIt) {
    open();
    std::array<char, 64> inbox{};
    outcome read, client_shutdown;
    server_->async_read_some(asio::buffer(inbox), read.handler());
    client_->async_shutdown(client_shutdown.handler());
    ASSERT_TRUE(run_until([&] { return read.done; }, 3s));
    EXPECT_EQ(read.ec, asio::error::eof) << read.ec.message();

    outcome server_shutdown;
    server_->async_shutdown(server_shutdown.handler());
    ASSERT_TRUE(run_until([&] { return server_shutdown.done && client_shutdown.done; }, 3s));
    EXPECT_FALSE(server_shutdown.ec) << server_shutdown.ec.message();
    EXPECT_FALSE(client_shutdown.ec) << client_shutdown.ec.message();
    EXPECT_EQ(SSL_get_shutdown(server_->native_handle()), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

TEST_P(TlsStream, ShutdownEndsWhenThePeerLeavesWithoutCloseNotify) {
    open();
    outcome server_shutdown;
    server_->async_shutdown(server_shutdown.handler());
    run_for(50ms);
    ASSERT_FALSE(server_shutdown.done);
    client_->next_layer().shutdown(tcp::socket::shutdown_send);
    ASSERT_TRUE(run_until([&] { return server_shutdown.done; }, 3s)) << "the shutdown hung after the peer left";
    EXPECT_EQ(server_shutdown.ec, ssl::error::stream_truncated) << server_shutdown.ec.message();
}

// Beast's WebSocket over tls_stream (as stream_session uses it) against Beast's WebSocket over
// asio's SSL stream: the closing handshake, then the TLS one, end cleanly on both sides.
TEST_P(TlsStream, WebSocketCloseEndsCleanlyOnBothSides) {
    open();
    websocket::stream<tls_stream> server_ws(std::move(*server_));
    websocket::stream<client_stream> client_ws(std::move(*client_));
    server_ws.binary(true);
    outcome accepted, handshaken;
    server_ws.async_accept([&](beast::error_code ec) { accepted.handler()(ec); });
    client_ws.async_handshake("localhost", "/", [&](beast::error_code ec) { handshaken.handler()(ec); });
    ASSERT_TRUE(run_until([&] { return accepted.done && handshaken.done; }));
    ASSERT_FALSE(accepted.ec) << accepted.ec.message();
    ASSERT_FALSE(handshaken.ec) << handshaken.ec.message();

    // The server writes while its read is pending, then closes.
    beast::flat_buffer server_inbox, client_inbox;
    outcome server_read, client_read_result, server_close, server_write;
    server_ws.async_read(server_inbox, server_read.handler());
    std::string const event = pattern(40000, 8);
    server_ws.async_write(asio::buffer(event), server_write.handler());
    client_ws.async_read(client_inbox, client_read_result.handler());
    ASSERT_TRUE(run_until([&] { return server_write.done && client_read_result.done; }));
    ASSERT_FALSE(server_write.ec) << server_write.ec.message();
    ASSERT_FALSE(client_read_result.ec) << client_read_result.ec.message();
    EXPECT_EQ(first_difference(beast::buffers_to_string(client_inbox.data()), event), "same");

    server_ws.async_close(websocket::close_code::going_away, [&](beast::error_code ec) { server_close.handler()(ec); });
    outcome client_end;
    client_inbox.clear();
    client_ws.async_read(client_inbox, client_end.handler());
    ASSERT_TRUE(run_until([&] { return server_close.done && client_end.done && server_read.done; }))
        << "server close " << server_close.done << " " << server_close.ec.message() << ", client read "
        << client_end.done << " " << client_end.ec.message() << ", server read " << server_read.done << " "
        << server_read.ec.message();
    EXPECT_FALSE(server_close.ec) << server_close.ec.message();
    EXPECT_EQ(client_end.ec, websocket::error::closed) << client_end.ec.message();
    EXPECT_EQ(client_ws.reason().code, websocket::close_code::going_away);
    // The read pending all along ends with the closing handshake (Beast reads the reply in it).
    EXPECT_TRUE(server_read.ec == websocket::error::closed || server_read.ec == asio::error::operation_aborted)
        << server_read.ec.message();
    EXPECT_EQ(SSL_get_shutdown(server_ws.next_layer().native_handle()), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    // The server closed TCP itself, as Beast's teardown of an SSL stream does.
    EXPECT_FALSE(beast::get_lowest_layer(server_ws).is_open());
    EXPECT_TRUE(SSL_get_shutdown(client_ws.next_layer().native_handle()) & SSL_RECEIVED_SHUTDOWN);
}

// A client still sending when the server closes (the rest of a message that broke a limit, or
// its close frame, then its close_notify) must not be answered with a reset: the server reads
// and drops to the peer's end, under the stream's deadline, before it closes TCP. A reset
// would make the client's next write fail, and its closing handshake with it.
TEST_P(TlsStream, TeardownReadsToThePeersEndSoLateBytesAreNotAnsweredWithAReset) {
    open();
    outcome teardown;
    async_teardown(beast::role_type::server, *server_, teardown.handler());
    run_for(50ms);
    ASSERT_FALSE(teardown.done) << "the teardown did not wait for the peer's close_notify";

    // Application data after our close_notify ends the TLS close; the TCP one goes on.
    for (int part = 0; part < 4; ++part) {
        client_write("bytes still on their way, part " + std::to_string(part));
        run_for(100ms);
        ASSERT_FALSE(teardown.done) << "the server closed TCP after part " << part << " of what the peer sent";
    }
    beast::error_code ec;
    client_->next_layer().shutdown(tcp::socket::shutdown_send, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(run_until([&] { return teardown.done; }, 3s)) << "the teardown did not end at the peer's end";
    EXPECT_FALSE(server_->next_layer().is_open());

    // What the server sent before it closed is all there: its close_notify, then the end.
    auto const end = client_read_end();
    EXPECT_EQ(end, asio::error::eof) << end.message();
}

// The stream's deadline bounds the wait for a peer that never ends its side.
TEST_P(TlsStream, TeardownEndsAtTheDeadlineIfThePeerNeverLeaves) {
    open();
    outcome teardown;
    server_->expires_after(300ms);
    async_teardown(beast::role_type::server, *server_, teardown.handler());
    client_write("application data after the server's close_notify");
    run_for(100ms);
    ASSERT_FALSE(teardown.done);
    ASSERT_TRUE(run_until([&] { return teardown.done; }, 3s)) << "the teardown outlived its deadline";
    EXPECT_EQ(teardown.ec, beast::error::timeout) << teardown.ec.message();
    EXPECT_FALSE(server_->next_layer().is_open());
}

// ... and for a peer that never answers our close_notify: the deadline passes in the TLS close.
TEST_P(TlsStream, TeardownEndsAtTheDeadlineIfThePeerNeverAnswersTheClose) {
    open();
    outcome teardown;
    server_->expires_after(300ms);
    async_teardown(beast::role_type::server, *server_, teardown.handler());
    run_for(100ms);
    ASSERT_FALSE(teardown.done);
    ASSERT_TRUE(run_until([&] { return teardown.done; }, 3s)) << "the teardown outlived its deadline";
    EXPECT_EQ(teardown.ec, beast::error::timeout) << teardown.ec.message();
    EXPECT_FALSE(server_->next_layer().is_open());
}

}  // namespace
}  // namespace varde::net
