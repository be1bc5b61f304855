#pragma once
// One mutual-TLS HTTP/1.1 connection, shaped like Beast's advanced server example: owned by
// its pending operations through shared_from_this, one strand, an explicit deadline on every
// read, write and handshake. Requests are handed to the worker pool (they may block on the
// database) and their responses come back to this session's strand.
#include <memory>
#include <optional>
#include <string>

#include "http/request_context.hpp"
#include "net/net.hpp"
#include "net/session_env.hpp"
#include "net/tls_stream.hpp"

namespace varde::net {

class http_session : public session, public std::enable_shared_from_this<http_session> {
public:
    http_session(tcp::socket&& socket, std::shared_ptr<session_env> env);
    ~http_session();

    void run();
    // Thread-safe: finish the request in flight, if any, then close.
    void stop() override;

private:
    void on_run();
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void refuse_unreadable(beast::error_code ec);
    void dispatch_request();
    void on_async_answer(std::shared_ptr<http::request_context> const& ctx, bool keep_alive, http::response res);
    void dispatch_on_worker(std::shared_ptr<http::request_context> ctx, bool keep_alive);
    void send(http::response r, std::string const& request_id, bool keep_alive);
    void hand_over_to_stream(http::response r);
    std::optional<http::response> refuse_upgrade(std::string const& request_id) const;
    void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
    void do_linger();
    void read_and_discard();
    void do_close();
    void on_stop();

    tls_stream stream_;
    // The connection's strand, kept apart from stream_: after a hand-over to a stream session
    // stream_ is moved from, and stop() may still be called from another thread.
    asio::any_io_executor executor_;
    bool handed_over_ = false;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::request<bhttp::string_body>> upgrade_request_;  // kept for the WebSocket accept
    std::shared_ptr<bhttp::response<bhttp::string_body>> out_;
    std::shared_ptr<session_env> env_;
    std::string peer_;
    std::string fingerprint_;
    bool reading_ = false;
    bool verified_ = false;  // a request has read this certificate's principal from the database
    bool stopping_ = false;
    bool linger_ = false;
    std::size_t linger_budget_ = 0;
};

}  // namespace varde::net
