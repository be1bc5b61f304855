#include "async_subscribers.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string_view>
#include <system_error>

#include "lib/tls.hpp"
#include "stats.hpp"
#include "ws_client_frames.hpp"

namespace varde::bench {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr auto setup_timeout = std::chrono::seconds(30);  // connect, TLS handshake and upgrade
constexpr std::size_t read_size = 64 * 1024;              // the one buffer every subscriber decrypts into
constexpr std::size_t cipher_first = 4 * 1024;            // a subscriber's receive buffer, at first
constexpr std::size_t cipher_max = 32 * 1024;             // and at most (a TLS record is up to ~16.7 KiB)
constexpr std::uint64_t message_max = 64u << 20;           // as Beast's read_message_max was
constexpr std::size_t answer_header_max = 16 * 1024;       // the upgrade's answer
char const* const server_name = "localhost";               // the name in the node's certificate

struct ssl_free {
    void operator()(SSL* s) const { SSL_free(s); }
};

// What an OpenSSL call that did not succeed asks for: wait for the socket, or give up (why).
struct tls_outcome {
    std::optional<tcp::socket::wait_type> wait;
    std::string error;
};

// Before every OpenSSL call: SSL_get_error reads this thread's error queue.
void clear_errors() { ERR_clear_error(); }

tls_outcome outcome_of(SSL* tls, int result, error_code const& send_error) {
    tls_outcome o;
    switch (SSL_get_error(tls, result)) {
    case SSL_ERROR_WANT_READ: o.wait = tcp::socket::wait_read; break;
    case SSL_ERROR_WANT_WRITE: o.wait = tcp::socket::wait_write; break;
    case SSL_ERROR_ZERO_RETURN: o.error = "the node ended TLS (close_notify)"; break;
    case SSL_ERROR_SSL: {
        char text[256];
        ERR_error_string_n(ERR_get_error(), text, sizeof text);
        o.error = text;
        break;
    }
    default:  // SSL_ERROR_SYSCALL: the BIO's send failed
        o.error = send_error ? send_error.message() : "stream truncated";
    }
    ERR_clear_error();
    return o;
}

}  // namespace

struct subscriber;

struct async_subscribers::impl {
    async_subscribers& owner;
    options o;
    std::vector<std::string> principals;
    unsigned count;
    std::string marker, label;
    asio::io_context ioc{1};  // run by the reader thread alone
    asio::executor_work_guard<asio::io_context::executor_type> guard{ioc.get_executor()};
    std::map<std::string, std::unique_ptr<ssl::context>> contexts;  // one per principal
    std::vector<std::unique_ptr<subscriber>> subs;
    // OpenSSL decrypts every subscriber's records into this, one subscriber at a time: a
    // subscriber keeps only the start of a frame that a record cut short.
    std::unique_ptr<char[]> read_buffer = std::make_unique_for_overwrite<char[]>(read_size);
    // The marker reversed, to search frames from their end: the title is the report's last
    // member (keys are sorted) and the report the frame's last, so it is a few dozen bytes in.
    std::string marker_reversed;
    std::optional<std::boyer_moore_horspool_searcher<std::string::const_iterator>> find_marker;
    std::minstd_rand masks{std::random_device{}()};  // mask keys of our frames (pong, close)
    bool stopping = false;  // touched on the reader thread only
    unsigned messages = 0;  // failures written to stderr; the rest are only counted

    impl(async_subscribers& a, options const& opts, std::vector<std::string> p, unsigned n, std::string m,
         std::string l)
        : owner(a), o(opts), principals(std::move(p)), count(n), marker(std::move(m)), label(std::move(l)) {
        for (auto const& name : principals)
            contexts[name] = std::make_unique<ssl::context>(client::make_client_context(credentials(o, name)));
        marker_reversed.assign(marker.rbegin(), marker.rend());
        if (!marker.empty()) find_marker.emplace(marker_reversed.begin(), marker_reversed.end());
    }
    void launch_next();
    void report(std::string_view text) {
        if (++messages <= 10) std::cerr << "varde-bench " << label << ": " << text << "\n";
    }
    std::uint32_t mask_key() { return static_cast<std::uint32_t>(masks()); }
};

// One WebSocket: connect, TLS, upgrade, then read frames until stopped.
//
// Not asio::ssl::stream and Beast: their composed operations and buffers cost more than the
// frames. Here a receive on the socket is always pending (asio's own read: unlike a wait for
// readiness, it costs no epoll_ctl each time), it brings TLS records into the subscriber's
// `cipher` buffer, and OpenSSL reads them from there through a BIO of ours (subscriber_bio
// below; its writes are non-blocking sends on the socket). Everything OpenSSL decrypts goes to
// the set's one shared buffer and from there to the frame reader: a frame that one record
// holds is parsed in place, and several frames that one receive brings cost one wake-up.
struct subscriber {
    enum class phase { connecting, handshaking, upgrading, open, done };

    async_subscribers::impl& set;
    ssl::context& context;
    tcp::socket socket;
    asio::steady_timer deadline;
    std::unique_ptr<SSL, ssl_free> tls;
    phase step = phase::connecting;
    bool timed_out = false;
    // What the last receive brought that OpenSSL has not taken yet. Small at first (idle
    // subscribers by the ten thousand), doubled up to a full TLS record when a receive fills it.
    std::unique_ptr<char[]> cipher = std::make_unique_for_overwrite<char[]>(cipher_first);
    std::size_t cipher_size = cipher_first;
    std::string_view arrived;
    std::size_t last_received = 0;
    bool receiving = false;
    std::string key;     // Sec-WebSocket-Key
    std::string answer;  // the upgrade's answer, until its header is complete
    ws::message_reader reader{message_max};
    clock::time_point read_at;  // when the bytes being parsed were received
    // One write at a time; a write OpenSSL could not finish is retried with the same bytes.
    std::string writing;
    std::string pong_queued;  // the latest ping's answer, sent once `writing` is out
    bool close_after_write = false;
    bool waiting_writable = false;
    error_code send_error;  // why the socket refused OpenSSL's last write

    subscriber(async_subscribers::impl& s, ssl::context& ctx)
        : set(s), context(ctx), socket(s.ioc), deadline(s.ioc) {}

    void start() {
        deadline.expires_after(setup_timeout);
        deadline.async_wait([this](error_code ec) {
            if (ec || step >= phase::open) return;
            timed_out = true;
            shut();  // the pending connect or receive ends, and reports the step that timed out
        });
        tcp::endpoint ep(asio::ip::make_address(set.o.node.host), set.o.node.port);
        socket.async_connect(ep, [this](error_code ec) {
            if (ec) return give_up(timed_out ? "timed out" : ec.message());
            begin_tls();
        });
    }

    void begin_tls();  // after subscriber_bio

    // --- the receive loop ---

    // Keeps one receive pending while the connection lives, but never while OpenSSL has not
    // taken all the last one brought (it may be waiting for the socket to take a write).
    void keep_receiving() {
        if (receiving || !arrived.empty() || step == phase::done || !socket.is_open()) return;
        if (last_received == cipher_size && cipher_size < cipher_max) {
            cipher_size *= 2;
            cipher = std::make_unique_for_overwrite<char[]>(cipher_size);
        }
        receiving = true;
        socket.async_receive(asio::buffer(cipher.get(), cipher_size),
                             [this](error_code ec, std::size_t n) { received(ec, n); });
    }

    void received(error_code ec, std::size_t n) {
        receiving = false;
        if (ec) {
            if (ec == asio::error::eof) return give_up("the node closed the connection");
            return give_up(timed_out ? "timed out" : ec.message());
        }
        read_at = clock::now();
        last_received = n;
        arrived = std::string_view(cipher.get(), n);
        advance();
    }

    // Takes OpenSSL as far as what has arrived and what the socket accepts let it go.
    void advance() {
        if (step == phase::handshaking) handshake();
        if (step == phase::upgrading || step == phase::open) read_records();
        if (!writing.empty() && socket.is_open()) flush();
        keep_receiving();
    }

    void handshake() {
        clear_errors();
        int const r = SSL_do_handshake(tls.get());
        if (r != 1) return wait_or_give_up(r);
        step = phase::upgrading;
        key = ws::make_key();
        writing = ws::upgrade_request(server_name, "/v1/stream", key);  // advance() sends it
    }

    // Decrypts every record that has arrived (and OpenSSL's own, a session ticket, say).
    void read_records() {
        for (;;) {
            clear_errors();
            std::size_t n = 0;
            int const r = SSL_read_ex(tls.get(), set.read_buffer.get(), read_size, &n);
            if (r != 1) return wait_or_give_up(r);
            if (!take(std::string_view(set.read_buffer.get(), n))) return;
        }
    }

    // False once nothing more is to be read.
    bool take(std::string_view bytes) {
        if (step == phase::upgrading) return take_answer(bytes);
        if (step != phase::open) return false;
        if (reader.feed(bytes, *this)) return true;
        if (!reader.error().empty()) lost("protocol error: " + reader.error());
        return false;  // a close frame or a protocol error
    }

    bool take_answer(std::string_view bytes) {
        answer.append(bytes);
        auto end = ws::header_end(answer);
        if (end == std::string::npos) {
            if (answer.size() <= answer_header_max) return true;
            failed("answer header over 16 KiB");
            return false;
        }
        if (auto wrong = ws::check_upgrade(std::string_view(answer).substr(0, end), key); !wrong.empty()) {
            failed(wrong);
            return false;
        }
        opened();
        auto rest = std::move(answer);
        answer = std::string();
        return take(std::string_view(rest).substr(end));  // frames may follow the header at once
    }

    void opened() {
        step = phase::open;
        deadline.cancel();
        ++set.owner.connected_;
        set.launch_next();
    }

    // --- what the frame reader finds ---

    void on_message(std::string_view text) {
        ++set.owner.frames_;
        record(text);
    }

    // The node closes a stream that has been silent past its idle timeout unless it answers
    // the ping the node sends at half of it. Only the latest ping needs an answer (RFC 6455
    // §5.5.3), so a pong waiting behind another write is replaced.
    void on_ping(std::string_view payload) {
        ++set.owner.pings_;
        auto pong = ws::control_frame(ws::opcode::pong, payload, set.mask_key());
        if (writing.empty())
            send(std::move(pong));
        else
            pong_queued = std::move(pong);
    }

    // The node's close: counted unless we are stopping, answered with a close of the same
    // code, then the connection is dropped (the node tears down its side either way).
    void on_close(ws::close_reason why) {
        if (!set.stopping) {
            ++set.owner.closed_;
            set.report("stream closed: close frame " + std::to_string(why.code) + " " + std::string(why.reason));
        }
        step = phase::done;
        if (!writing.empty()) return shut();
        close_after_write = true;
        auto payload = why.code == 1005 ? std::string() : ws::close_payload(why.code);
        send(ws::control_frame(ws::opcode::close, payload, set.mask_key()));
    }

    // Frames of this run carry "<marker><steady_clock ns at send>" in the report's title.
    void record(std::string_view frame) {
        if (!set.find_marker) return;  // idle: no latencies
        auto found = std::search(frame.rbegin(), frame.rend(), *set.find_marker);
        if (found == frame.rend()) return;  // heartbeats and other reports
        auto marker_end = frame.size() - static_cast<std::size_t>(found - frame.rbegin());
        auto digits = frame.substr(marker_end);
        std::int64_t sent = 0;
        if (std::from_chars(digits.data(), digits.data() + digits.size(), sent).ec != std::errc{}) return;
        set.owner.latencies_.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(read_at.time_since_epoch()).count() - sent);
        ++set.owner.deliveries_;
    }

    // --- writing ---

    void send(std::string bytes) {
        writing = std::move(bytes);
        flush();
    }

    void flush() {
        clear_errors();
        std::size_t n = 0;
        int const r = SSL_write_ex(tls.get(), writing.data(), writing.size(), &n);
        if (r != 1) return wait_or_give_up(r);
        writing.clear();
        if (close_after_write) return shut();
        if (!pong_queued.empty()) send(std::exchange(pong_queued, std::string()));
    }

    // --- waiting, failing, closing ---

    // After an OpenSSL call that did not succeed. It wants to read: the pending receive will
    // call advance() again. It wants to write: wait until the socket takes more, once.
    void wait_or_give_up(int result) {
        auto outcome = outcome_of(tls.get(), result, send_error);
        if (!outcome.wait) return give_up(outcome.error);
        if (*outcome.wait == tcp::socket::wait_read || waiting_writable) return;
        waiting_writable = true;
        socket.async_wait(tcp::socket::wait_write, [this](error_code ec) {
            waiting_writable = false;
            if (ec) return give_up(timed_out ? "timed out" : ec.message());
            advance();
        });
    }

    void give_up(std::string const& why) {
        if (step < phase::open)
            failed(why);
        else if (step == phase::open)
            lost(why);
    }

    // Setting up failed (also when stopped meanwhile: a subscriber that never came counts).
    void failed(std::string const& why) {
        static constexpr char const* names[] = {"connect", "TLS", "upgrade"};
        set.report("subscriber " + std::string(names[static_cast<int>(step)]) + " failed: " + why);
        step = phase::done;
        shut();
        ++set.owner.failed_;
        set.launch_next();
    }

    // An open stream ended without a close frame.
    void lost(std::string const& why) {
        step = phase::done;
        shut();
        if (set.stopping) return;
        ++set.owner.closed_;
        set.report("stream closed: " + why);
    }

    void shut() {
        deadline.cancel();
        error_code ignored;
        socket.close(ignored);  // the pending receive and wait end with operation_aborted
    }
};

namespace {

// The BIO between OpenSSL and a subscriber. A read takes what the last receive brought, never
// the socket: OpenSSL's "want read" means that all of it was taken. A write is one
// non-blocking send (handshake messages, the upgrade request, pongs: small and rare).
int bio_read(BIO* bio, char* data, std::size_t size, std::size_t* read) {
    auto& s = *static_cast<subscriber*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (s.arrived.empty()) {
        BIO_set_retry_read(bio);
        return 0;
    }
    *read = std::min(size, s.arrived.size());
    std::memcpy(data, s.arrived.data(), *read);
    s.arrived.remove_prefix(*read);
    return 1;
}

int bio_write(BIO* bio, char const* data, std::size_t size, std::size_t* written) {
    auto& s = *static_cast<subscriber*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (!s.socket.is_open()) {  // closed: its descriptor number may belong to another socket
        s.send_error = asio::error::bad_descriptor;
        return 0;
    }
    *written = s.socket.write_some(asio::const_buffer(data, size), s.send_error);
    if (!s.send_error) return 1;
    if (s.send_error == asio::error::would_block || s.send_error == asio::error::try_again) BIO_set_retry_write(bio);
    return 0;
}

long bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

BIO_METHOD* subscriber_bio() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "varde-bench subscriber");
        if (m == nullptr) return m;
        BIO_meth_set_read_ex(m, bio_read);
        BIO_meth_set_write_ex(m, bio_write);
        BIO_meth_set_ctrl(m, bio_ctrl);
        BIO_meth_set_create(m, bio_create);
        return m;
    }();
    return method;
}

}  // namespace

void subscriber::begin_tls() {
    step = phase::handshaking;
    error_code ec;
    socket.non_blocking(true, ec);  // for the BIO's sends
    if (!ec) socket.set_option(tcp::no_delay(true), ec);
    if (ec) return failed(ec.message());
    tls.reset(SSL_new(context.native_handle()));
    BIO* bio = tls ? BIO_new(subscriber_bio()) : nullptr;
    if (bio == nullptr) return failed("cannot set up OpenSSL");
    BIO_set_data(bio, this);
    SSL_set_bio(tls.get(), bio, bio);
    SSL_set_connect_state(tls.get());
    // What client::expect_server_name does on Beast's stream: SNI, and the node's certificate
    // must name the host (SSL_set_tlsext_host_name is a macro with a C cast).
    SSL_ctrl(tls.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(server_name));
    SSL_set1_host(tls.get(), server_name);
    // Record buffers go back to the allocator while no record is in flight (idle subscribers
    // by the ten thousand); read_ahead takes all that arrived in one BIO read.
    SSL_set_mode(tls.get(), SSL_MODE_RELEASE_BUFFERS);
    SSL_set_read_ahead(tls.get(), 1);
    advance();  // sends the ClientHello, then receives
}

void async_subscribers::impl::launch_next() {
    if (stopping || subs.size() >= count) return;
    auto const& name = principals[subs.size() % principals.size()];
    subs.push_back(std::make_unique<subscriber>(*this, *contexts.at(name)));
    subs.back()->start();
}

async_subscribers::async_subscribers(options const& o, std::vector<std::string> principals, unsigned count,
                                     std::string marker, std::string label)
    : impl_(std::make_unique<impl>(*this, o, std::move(principals), count, std::move(marker), std::move(label))) {
    latencies_.reserve(1u << 20);
}

async_subscribers::~async_subscribers() { stop(); }

void async_subscribers::start(std::chrono::seconds timeout) {
    reader_ = std::jthread([this] { impl_->ioc.run(); });
    asio::post(impl_->ioc, [this] {
        // A few handshakes at a time keep the node's handshake timeout and accept backlog out of reach.
        for (unsigned i = 0; i < impl_->o.in_flight; ++i) impl_->launch_next();
    });
    auto deadline = clock::now() + timeout;
    while (connected_ + failed_ < impl_->count && clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void async_subscribers::stop() {
    if (!reader_.joinable()) return;
    asio::post(impl_->ioc, [this] {
        impl_->stopping = true;
        for (auto& s : impl_->subs) s->shut();
        impl_->guard.reset();
    });
    // Aborted waits finish at once; the stop is a backstop.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    impl_->ioc.stop();
    reader_.join();
}

}  // namespace varde::bench
