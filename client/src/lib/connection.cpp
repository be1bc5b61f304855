#include "lib/connection.hpp"
#include "lib/tls.hpp"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>

namespace varde::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Errors that mean the node dropped us after reading our certificate.
bool is_refusal(beast::error_code ec) {
    return ec.category() == asio::error::get_ssl_category() || ec == ssl::error::stream_truncated ||
           ec == asio::error::eof || ec == asio::error::connection_reset;
}

}  // namespace

std::string reply::header(std::string const& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
}

shared_context make_shared_context(tls_options const& o) { return std::make_shared<ssl::context>(make_client_context(o)); }

struct connection::impl {
    asio::io_context ioc;
    shared_context ctx;
    beast::ssl_stream<beast::tcp_stream> stream;
    beast::flat_buffer buffer;
    std::chrono::seconds timeout;

    impl(shared_context c, std::chrono::seconds t) : ctx(std::move(c)), stream(ioc, *ctx), timeout(t) {}

    // Runs one asynchronous operation to completion under the deadline.
    template <typename Start>
    beast::error_code run(Start&& start) {
        beast::error_code result = asio::error::would_block;
        beast::get_lowest_layer(stream).expires_after(timeout);
        start([&](beast::error_code ec, auto&&...) { result = ec; });
        ioc.restart();
        ioc.run();
        return result;
    }

    // One read of what the node sent, raw; ec ends it (asio::error::eof: its close_notify).
    std::string read_some(beast::error_code& ec) {
        char chunk[4096];
        std::size_t n = 0;
        ec = run([&](auto h) {
            stream.async_read_some(asio::buffer(chunk), [&n, h](beast::error_code e, std::size_t k) mutable { n = k; h(e); });
        });
        return std::string(chunk, n);
    }
};

connection::connection(target where, tls_options tls, std::chrono::seconds timeout)
    : connection(std::move(where), tls, make_shared_context(tls), {}, timeout) {}

connection::connection(target where, tls_options tls, shared_context ctx, tls_session resume,
                       std::chrono::seconds timeout)
    : impl_(std::make_unique<impl>(std::move(ctx), timeout)) {
    auto& s = impl_->stream;
    expect_server_name(s, tls.server_name);
    if (resume) SSL_set_session(s.native_handle(), resume.get());
    tcp::endpoint ep(asio::ip::make_address(where.host), where.port);
    auto ec = impl_->run([&](auto h) { beast::get_lowest_layer(s).async_connect(ep, h); });
    if (ec) throw error(error::kind::connect, "cannot reach the node at " + where.host + ":" + std::to_string(where.port) + ": " + ec.message());
    ec = impl_->run([&](auto h) { s.async_handshake(ssl::stream_base::client, h); });
    if (ec) throw error(error::kind::tls, "TLS handshake with the node failed: " + ec.message());
}

connection::~connection() {
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->stream).socket().close(ignored);
}

reply connection::request(std::string const& method, std::string const& path, std::string const& body,
                          std::map<std::string, std::string> const& headers) {
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), path, 11};
    req.set(bhttp::field::host, "localhost");
    req.set(bhttp::field::user_agent, "varde-client");
    for (auto const& [name, value] : headers) req.set(name, value);
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    auto& s = impl_->stream;
    auto ec = impl_->run([&](auto h) { bhttp::async_write(s, req, h); });
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    if (!ec) ec = impl_->run([&](auto h) { bhttp::async_read(s, impl_->buffer, parser, h); });
    if (ec == beast::error::timeout) throw error(error::kind::timeout, "the node did not answer in time");
    if (ec && is_refusal(ec))
        throw error(error::kind::tls, "the node closed the connection (certificate not accepted? see varde whoami): " + ec.message());
    if (ec) throw error(error::kind::protocol, "request failed: " + ec.message());
    reply r;
    auto res = parser.release();
    r.status = res.result_int();
    for (auto const& f : res) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
    }
    r.body = std::move(res.body());
    return r;
}

bool connection::resumed() const { return SSL_session_reused(impl_->stream.native_handle()) == 1; }

// A copy: OpenSSL marks a connection's session not resumable when the connection is freed
// without a close_notify sent, and this class's destructor just closes the socket.
tls_session connection::session() const {
    auto* current = SSL_get0_session(impl_->stream.native_handle());
    return tls_session(current ? SSL_SESSION_dup(current) : nullptr, SSL_SESSION_free);
}

std::string connection::raw_exchange(std::string const& bytes) {
    raw_write(bytes);
    return raw_read_to_end();
}

void connection::raw_write(std::string const& bytes) {
    auto& s = impl_->stream;
    auto ec = impl_->run([&](auto h) { asio::async_write(s, asio::buffer(bytes), h); });
    if (ec) throw error(error::kind::protocol, "write failed: " + ec.message());
}

std::string connection::raw_read_some() {
    beast::error_code ec;
    auto bytes = impl_->read_some(ec);
    if (bytes.empty() && ec) throw error(error::kind::protocol, "read failed: " + ec.message());
    return bytes;
}

std::string connection::raw_read_to_end(std::string* end) {
    std::string out;
    beast::error_code ec;
    while (!ec) out += impl_->read_some(ec);
    if (end) *end = ec == asio::error::eof ? "close_notify" : ec.message();
    return out;
}

}  // namespace varde::client
