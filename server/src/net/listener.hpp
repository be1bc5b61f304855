#pragma once
// Accepts TCP connections and starts one http_session each, up to the connection cap.
#include <memory>

#include "net/net.hpp"
#include "net/session_env.hpp"

namespace varde::net {

class listener : public std::enable_shared_from_this<listener> {
public:
    // Opens, binds and listens at once, so a bad address fails at start-up.
    listener(asio::io_context& ioc, tcp::endpoint endpoint, std::shared_ptr<session_env> env);

    void run();
    void stop();  // thread-safe: stop accepting
    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

private:
    void do_accept();
    void on_accept(beast::error_code ec, tcp::socket socket);

    asio::io_context& ioc_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_;
    std::shared_ptr<session_env> env_;
};

}  // namespace varde::net
