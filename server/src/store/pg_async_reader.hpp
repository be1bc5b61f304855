#pragma once
// async_reader on libpq's asynchronous API in pipeline mode, driven by the node's I/O
// context. Statements go out as they come, without waiting for earlier answers; answers come
// back in order, on one strand. Each statement is followed by a sync, so it runs in an
// implicit transaction of its own and its error touches no other.
//
// Why: a report read through the worker pool costs four thread hand-offs (I/O thread ->
// worker -> PostgreSQL -> worker -> I/O thread). Here the I/O thread sends the statement and
// goes on; the answer is one more readiness event on the same loop.
//
// One connection. While it is down, ready() is false (callers take the worker path) and a
// blocking-executor thread makes a new one; a statement pending when the connection is lost
// fails with failure{unavailable}. The owner keeps the reader until the I/O context and the
// blocking executor have stopped running.
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "store/async_reader.hpp"

namespace varde::store {

class pg_async_reader final : public async_reader {
public:
    pg_async_reader(boost::asio::any_io_executor io, boost::asio::any_io_executor blocking, std::string url);
    ~pg_async_reader() override;
    pg_async_reader(pg_async_reader const&) = delete;
    pg_async_reader& operator=(pg_async_reader const&) = delete;

    void start();  // connects in the background
    // Closes the connection. Call once the I/O context has stopped running.
    void close();

    bool ready() const override { return ready_; }
    void exec(statement s, std::vector<param> params, rows_done done) override;

    // Statements the server has answered (with rows or an error of their own), since start:
    // shows which requests took this path (tests).
    std::uint64_t answered() const { return answered_; }

private:
    struct pending {
        rows_done done;
        std::string_view name;   // the statement's (statement names are static)
        bool preparing = false;  // sent with its Prepare: the first result is the Prepare's
        std::exception_ptr error;  // the first error among the statement's results
        std::vector<row> rows;
        std::chrono::steady_clock::time_point sent_at;
    };

    void connect();  // on the blocking executor
    void adopt(PGconn* conn);
    void retry_later();
    void send(statement const& s, std::vector<param> const& params, rows_done done);
    void flush();
    void wait_readable();
    void take_results();
    void watch();  // a connection that stops answering (a silent network) is given up
    void lose(std::string const& why);  // fails what is pending, reconnects later
    void drop_connection();

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    boost::asio::any_io_executor blocking_;
    std::string url_;
    std::chrono::seconds retry_delay_{1};
    // The longest the oldest statement may wait for its answer before the connection is
    // given up (its reads then go to the workers). A report read takes milliseconds.
    std::chrono::seconds answer_timeout_{10};

    // The rest belongs to strand_.
    PGconn* conn_ = nullptr;
    std::optional<boost::asio::posix::stream_descriptor> socket_;  // a duplicate of libpq's socket
    boost::asio::steady_timer retry_;
    boost::asio::steady_timer watchdog_;
    bool watching_ = false;
    std::deque<pending> pending_;
    std::set<std::string, std::less<>> prepared_;  // sent a Prepare on conn_, not known to have failed
    // Statements whose Prepare failed, with its error: given to the statements of that name
    // sent before the failure was known (without a Prepare of their own), whose "does not
    // exist" is not the reader being out of step with the server.
    std::map<std::string, std::exception_ptr, std::less<>> failed_prepares_;
    std::uint64_t generation_ = 0;  // of conn_: a wait's handler from an older one does nothing
    bool reading_ = false;
    bool writing_ = false;
    bool closed_ = false;
    std::atomic<bool> ready_{false};
    std::atomic<bool> outage_logged_{false};  // set by connect() on a worker, cleared by adopt()
    std::atomic<std::uint64_t> answered_{0};
};

}  // namespace varde::store
