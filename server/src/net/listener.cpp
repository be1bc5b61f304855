#include "net/listener.hpp"

#include "net/http_session.hpp"
#include "util/log.hpp"

namespace varde::net {

listener::listener(asio::io_context& ioc, tcp::endpoint endpoint, std::shared_ptr<session_env> env)
    : ioc_(ioc), acceptor_(asio::make_strand(ioc)), retry_(acceptor_.get_executor()), env_(std::move(env)) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

void listener::run() {
    asio::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        self->retry_.cancel();
        self->acceptor_.close(ignored);
    });
}

void listener::do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
        // Typically out of file descriptors: back off briefly instead of spinning.
        log::warn("net.accept_failed", {{"reason", ec.message()}});
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([self = shared_from_this()](beast::error_code e) {
            if (!e) self->do_accept();
        });
        return;
    }
    if (env_->registry.size() >= env_->lim.max_connections) {
        log::warn("net.connection_refused", {{"reason", "connection limit"},
                                             {"limit", env_->lim.max_connections}});
        beast::error_code ignored;
        socket.close(ignored);
    } else {
        // Answers and frames go out as soon as they are written: with Nagle's algorithm, a
        // large answer's last segment waited for the client's delayed ACK (~40 ms per page).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<http_session>(std::move(socket), env_)->run();
    }
    do_accept();
}

}  // namespace varde::net
