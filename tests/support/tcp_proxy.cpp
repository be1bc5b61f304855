#include "tcp_proxy.hpp"

#include <array>
#include <boost/asio.hpp>
#include <future>
#include <list>
#include <thread>

namespace varde::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Copies bytes one way until either side fails, then closes both.
void pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    auto buf = std::make_shared<std::array<char, 16384>>();
    from->async_read_some(asio::buffer(*buf), [from, to, buf](boost::system::error_code ec, std::size_t n) {
        if (ec) {
            boost::system::error_code ignored;
            to->close(ignored);
            return;
        }
        asio::async_write(*to, asio::buffer(*buf, n), [from, to, buf](boost::system::error_code e, std::size_t) {
            if (e) {
                boost::system::error_code ignored;
                from->close(ignored);
                return;
            }
            pump(from, to);
        });
    });
}

}  // namespace

struct tcp_proxy::impl {
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
    tcp::acceptor acceptor{ioc};
    unsigned short target;
    unsigned short port = 0;
    std::list<std::weak_ptr<tcp::socket>> sockets;
    std::thread thread;

    void listen() {
        tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen();
        port = acceptor.local_endpoint().port();
        accept();
    }

    void accept() {
        acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
            if (ec) return;
            auto client = std::make_shared<tcp::socket>(std::move(s));
            auto server = std::make_shared<tcp::socket>(ioc);
            boost::system::error_code cec;
            server->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), target), cec);
            if (!cec) {
                sockets.push_back(client);
                sockets.push_back(server);
                pump(client, server);
                pump(server, client);
            }
            accept();
        });
    }

    template <typename F>
    void on_loop(F f) {
        std::promise<void> done;
        asio::post(ioc, [&] { f(); done.set_value(); });
        done.get_future().wait();
    }
};

tcp_proxy::tcp_proxy(unsigned short target_port) : impl_(std::make_unique<impl>()) {
    impl_->target = target_port;
    impl_->listen();
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

tcp_proxy::~tcp_proxy() {
    cut();
    impl_->work.reset();
    impl_->ioc.stop();
    impl_->thread.join();
}

unsigned short tcp_proxy::port() const { return impl_->port; }

void tcp_proxy::cut() {
    impl_->on_loop([this] {
        boost::system::error_code ignored;
        impl_->acceptor.close(ignored);
        for (auto& weak : impl_->sockets)
            if (auto s = weak.lock()) s->close(ignored);
        impl_->sockets.clear();
    });
}

void tcp_proxy::restore() {
    impl_->on_loop([this] { impl_->listen(); });
}

}  // namespace varde::test
