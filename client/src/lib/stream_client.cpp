#include "lib/stream_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "lib/tls.hpp"

namespace varde::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;

struct stream_client::impl {
    asio::io_context ioc;
    ssl::context ctx;
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
    beast::flat_buffer buffer;
    std::chrono::seconds timeout;
    bool reading = false;
    bool read_done = false;
    beast::error_code read_ec;
    bool closed = false;

    impl(tls_options const& o, std::chrono::seconds t) : ctx(make_client_context(o)), ws(ioc, ctx), timeout(t) {}

    // Runs one handshake step to completion under the deadline.
    template <typename Start>
    beast::error_code run(Start&& start) {
        beast::error_code result = asio::error::would_block;
        beast::get_lowest_layer(ws).expires_after(timeout);
        start([&](beast::error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }

    void start_read() {
        reading = true;
        read_done = false;
        ws.async_read(buffer, [this](beast::error_code ec, std::size_t) {
            read_ec = ec;
            read_done = true;
            reading = false;
        });
    }

    stream_closed closed_by(beast::error_code ec) {
        closed = true;
        if (ec == websocket::error::closed)
            return {static_cast<int>(ws.reason().code), std::string(ws.reason().reason.c_str())};
        return {0, ec.message()};
    }
};

stream_client::stream_client(target where, tls_options tls, std::string const& query, std::chrono::seconds timeout,
                             int receive_buffer_bytes)
    : impl_(std::make_unique<impl>(tls, timeout)) {
    auto& ws = impl_->ws;
    auto& socket = beast::get_lowest_layer(ws).socket();
    tcp::endpoint ep(asio::ip::make_address(where.host), where.port);
    socket.open(ep.protocol());
    if (receive_buffer_bytes > 0) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes));
    auto ec = impl_->run([&](auto h) { beast::get_lowest_layer(ws).async_connect(ep, h); });
    if (ec) throw error(error::kind::connect, "cannot reach the node at " + where.host + ":" + std::to_string(where.port) + ": " + ec.message());
    expect_server_name(ws.next_layer(), tls.server_name);
    ec = impl_->run([&](auto h) { ws.next_layer().async_handshake(ssl::stream_base::client, h); });
    if (ec) throw error(error::kind::tls, "TLS handshake with the node failed: " + ec.message());

    websocket::response_type res;
    std::string path = "/v1/stream" + (query.empty() ? std::string{} : "?" + query);
    ec = impl_->run([&](auto h) { ws.async_handshake(res, "localhost", path, h); });
    if (ec == websocket::error::upgrade_declined) throw upgrade_refused(res.result_int(), res.body());
    if (ec) throw error(error::kind::protocol, "the stream upgrade failed: " + ec.message());
    // From here the WebSocket keeps its own time: next() has its own wait.
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws.read_message_max(64u << 20);
}

stream_client::~stream_client() {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
    impl_->ioc.restart();
    impl_->ioc.poll();  // let an aborted read finish before the stream goes
}

stream_item stream_client::next(std::chrono::milliseconds wait) {
    if (impl_->closed) return stream_closed{static_cast<int>(impl_->ws.reason().code), "closed"};
    if (!impl_->reading && !impl_->read_done) impl_->start_read();  // send_text may have completed one
    impl_->ioc.restart();
    impl_->ioc.run_for(wait);
    if (!impl_->read_done) return stream_timeout{};
    impl_->read_done = false;
    if (impl_->read_ec) return impl_->closed_by(impl_->read_ec);
    stream_frame f{beast::buffers_to_string(impl_->buffer.data())};
    impl_->buffer.consume(impl_->buffer.size());
    return f;
}

void stream_client::send_text(std::string const& text) {
    auto& ws = impl_->ws;
    beast::error_code result = asio::error::would_block;
    ws.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) { result = ec; });
    impl_->ioc.restart();
    // Only until the write is done: a pending read may complete meanwhile; next() takes it.
    while (result == asio::error::would_block && impl_->ioc.run_one_for(impl_->timeout)) {
    }
    if (result) throw error(error::kind::protocol, "writing to the stream failed: " + result.message());
}

void stream_client::close() {
    if (impl_->closed) return;
    impl_->closed = true;
    auto& ws = impl_->ws;
    beast::error_code result = asio::error::would_block;
    ws.async_close(websocket::close_code::normal, [&](beast::error_code ec) { result = ec; });
    impl_->ioc.restart();
    impl_->ioc.run_for(std::chrono::seconds(2));
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
    impl_->ioc.restart();
    impl_->ioc.poll();
}

}  // namespace varde::client
