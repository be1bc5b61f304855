#include "async_subscribers.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <charconv>
#include <iostream>
#include <map>
#include <string_view>

#include "lib/tls.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

struct subscriber;

struct async_subscribers::impl {
    async_subscribers& owner;
    options o;
    std::vector<std::string> principals;
    unsigned count;
    std::string marker, label;
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> guard{ioc.get_executor()};
    std::map<std::string, std::unique_ptr<ssl::context>> contexts;  // one per principal
    std::vector<std::unique_ptr<subscriber>> subs;
    bool stopping = false;  // touched on the reader thread only
    unsigned messages = 0;  // failures written to stderr; the rest are only counted

    impl(async_subscribers& a, options const& opts, std::vector<std::string> p, unsigned n, std::string m,
         std::string l)
        : owner(a), o(opts), principals(std::move(p)), count(n), marker(std::move(m)), label(std::move(l)) {
        for (auto const& name : principals)
            contexts[name] = std::make_unique<ssl::context>(client::make_client_context(credentials(o, name)));
    }
    void launch_next();
};

// One WebSocket: connect, TLS, upgrade, then read frames until stopped.
struct subscriber {
    async_subscribers::impl& set;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
    beast::flat_buffer buffer;

    subscriber(async_subscribers::impl& s, ssl::context& ctx) : set(s), ws(s.ioc, ctx) {}

    void start() {
        tcp::endpoint ep(asio::ip::make_address(set.o.node.host), set.o.node.port);
        beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(30));
        beast::get_lowest_layer(ws).async_connect(ep, [this](beast::error_code ec) {
            if (ec) return failed("connect", ec);
            client::expect_server_name(ws.next_layer(), "localhost");
            ws.next_layer().async_handshake(ssl::stream_base::client, [this](beast::error_code e) { on_tls(e); });
        });
    }

    void on_tls(beast::error_code ec) {
        if (ec) return failed("TLS", ec);
        ws.async_handshake("localhost", "/v1/stream", [this](beast::error_code e) { on_upgrade(e); });
    }

    void on_upgrade(beast::error_code ec) {
        if (ec) return failed("upgrade", ec);
        beast::get_lowest_layer(ws).expires_never();
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws.read_message_max(64u << 20);
        // Beast answers the node's pings with pongs by itself, but only while a read is
        // pending: read() below is always outstanding, so idle streams stay open.
        ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::ping) ++set.owner.pings_;
        });
        ++set.owner.connected_;
        set.launch_next();
        read();
    }

    void failed(char const* step, beast::error_code ec) {
        if (++set.messages <= 10)
            std::cerr << "varde-bench " << set.label << ": subscriber " << step << " failed: " << ec.message() << "\n";
        ++set.owner.failed_;
        set.launch_next();
    }

    void read() {
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) { on_frame(ec); });
    }

    void on_frame(beast::error_code ec) {
        auto now = clock::now();
        if (ec) {
            if (set.stopping) return;
            ++set.owner.closed_;
            if (++set.messages <= 10)
                std::cerr << "varde-bench " << set.label << ": stream closed: " << ec.message() << " "
                          << ws.reason().code << " " << ws.reason().reason.c_str() << "\n";
            return;
        }
        ++set.owner.frames_;
        auto data = buffer.data();
        record(std::string_view(static_cast<char const*>(data.data()), data.size()), now);
        buffer.consume(buffer.size());
        read();
    }

    // Frames of this run carry "<marker><steady_clock ns at send>" in the report's title.
    void record(std::string_view frame, clock::time_point now) {
        if (set.marker.empty()) return;  // idle: no latencies
        auto at = frame.find(set.marker);
        if (at == std::string_view::npos) return;  // heartbeats and other reports
        auto digits = frame.substr(at + set.marker.size());
        std::int64_t sent = 0;
        if (std::from_chars(digits.data(), digits.data() + digits.size(), sent).ec != std::errc{}) return;
        set.owner.latencies_.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count() - sent);
        ++set.owner.deliveries_;
    }
};

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
        for (auto& s : impl_->subs) {
            beast::error_code ignored;
            beast::get_lowest_layer(s->ws).socket().close(ignored);
        }
        impl_->guard.reset();
    });
    // Aborted reads finish at once; the stop is a backstop for any timer the streams keep.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    impl_->ioc.stop();
    reader_.join();
}

}  // namespace varde::bench
