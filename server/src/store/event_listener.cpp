#include "store/event_listener.hpp"

#include <pqxx/pqxx>
#include <thread>

#include "store/pg_pool.hpp"
#include "util/log.hpp"

namespace varde::store {

namespace {

class flag_receiver : public pqxx::notification_receiver {
public:
    flag_receiver(pqxx::connection_base& c, std::string const& channel, bool& flag)
        : pqxx::notification_receiver(c, channel), flag_(flag) {}
    void operator()(std::string const&, int) override { flag_ = true; }

private:
    bool& flag_;
};

}  // namespace

struct event_listener::impl {
    std::string url;
    woken pending;
    std::unique_ptr<pqxx::connection> conn;
    std::unique_ptr<flag_receiver> events, identities;

    void connect() {
        conn = std::make_unique<pqxx::connection>(url);
        events = std::make_unique<flag_receiver>(*conn, "varde_events", pending.events);
        identities = std::make_unique<flag_receiver>(*conn, "varde_identities", pending.identities);
    }

    void drop() {
        events.reset();
        identities.reset();
        conn.reset();
    }
};

event_listener::event_listener(std::string url) : impl_(std::make_unique<impl>()) {
    impl_->url = with_connect_timeout(url, std::chrono::seconds(3));
}

event_listener::~event_listener() {
    try {
        impl_->drop();
    } catch (...) {
    }
}

event_listener::woken event_listener::wait(std::chrono::milliseconds wait) {
    auto& i = *impl_;
    try {
        if (!i.conn) {
            i.connect();
            // Anything may have happened while we were away: the caller re-reads everything.
            return {true, true, true};
        }
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
        i.conn->await_notification(us / 1'000'000, us % 1'000'000);
        auto out = i.pending;
        i.pending = {};
        return out;
    } catch (std::exception const& e) {
        if (i.conn) log::warn("stream.listener_lost", {{"reason", e.what()}});
        i.drop();
        std::this_thread::sleep_for(wait);
        return {false, false, false};
    }
}

}  // namespace varde::store
