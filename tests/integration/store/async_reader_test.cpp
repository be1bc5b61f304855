// store::pg_async_reader against the tests' PostgreSQL: libpq's pipeline mode driven by an
// io_context, as the node drives it (two I/O threads; statements issued from other threads;
// connecting on a thread pool). What it answers, in what order, what a failing statement
// spoils (nothing but itself), and what a lost connection does to statements pending and
// following; and that close() with statements pending is safe (the ASan build checks leaks).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "store/errors.hpp"
#include "store/pg_async_reader.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"

namespace varde::store {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// What one exec() answered.
struct answer {
    std::optional<error_kind> failed;  // set when it failed with store::failure
    std::string detail;
    std::vector<row> rows;
    bool ready_when_answered = true;
};

answer answer_of(std::exception_ptr error, std::vector<row> rows) {
    answer a;
    a.rows = std::move(rows);
    if (!error) return a;
    try {
        std::rethrow_exception(error);
    } catch (failure const& f) {
        a.failed = f.kind();
        a.detail = f.what();
    } catch (std::exception const& e) {
        ADD_FAILURE() << "not a store::failure: " << e.what();
        a.failed = error_kind::internal;
    }
    return a;
}

// Statements hold string_views: they must outlive the reader's use of them.
constexpr statement echo_sql{"t_echo", "SELECT $1::text, NULL::text, ARRAY['x', 'y\"z', NULL]::text[], 42::bigint, "
                                       "$2::text IS NULL"};
constexpr statement series_sql{"t_series", "SELECT generate_series(1, $1::integer)::text"};
constexpr statement twice_sql{"t_twice", "SELECT $1::integer * 2"};
constexpr statement divide_sql{"t_divide", "SELECT 100 / $1::integer"};
constexpr statement length_sql{"t_length", "SELECT length($1::text)"};
constexpr statement missing_table_sql{"t_missing", "SELECT n FROM no_such_table WHERE n = $1::integer"};
constexpr statement sleep_sql{"t_sleep", "SELECT pg_sleep($1::double precision), pg_backend_pid()"};
constexpr statement pid_sql{"t_pid", "SELECT pg_backend_pid()"};
constexpr statement settings_sql{"t_settings", "SELECT current_setting('jit'), current_setting('application_name')"};

class AsyncReader : public ::testing::Test {
protected:
    void SetUp() override {
        for (int i = 0; i < 2; ++i) io_threads.emplace_back([this] { io.run(); });
        reader.emplace(io.get_executor(), blocking.get_executor(), db.url());
        reader->start();
    }

    // The node's order: the I/O context stops, the blocking executor is joined, then close().
    void TearDown() override { stop(); }

    void stop() {
        if (stopped) return;
        stopped = true;
        guard.reset();
        io.stop();
        for (auto& t : io_threads) t.join();
        blocking.join();
        reader->close();
        reader.reset();
    }

    bool wait_until(std::function<bool()> const& condition, std::chrono::milliseconds limit = 15s) {
        auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (condition()) return true;
            std::this_thread::sleep_for(5ms);
        }
        return condition();
    }

    bool wait_ready() { return wait_until([this] { return reader->ready(); }); }

    // Issues the statement now; the future holds its answer.
    std::future<answer> issue(statement s, std::vector<param> params) {
        auto promise = std::make_shared<std::promise<answer>>();
        auto future = promise->get_future();
        reader->exec(s, std::move(params), [this, promise](std::exception_ptr error, std::vector<row> rows) {
            auto a = answer_of(error, std::move(rows));
            a.ready_when_answered = reader->ready();
            promise->set_value(std::move(a));
        });
        return future;
    }

    static answer get(std::future<answer>& f, std::chrono::seconds limit = 20s) {
        if (f.wait_for(limit) != std::future_status::ready) {
            ADD_FAILURE() << "no answer within " << limit.count() << " s";
            return answer{error_kind::internal, "timed out", {}, false};
        }
        return f.get();
    }

    answer run(statement s, std::vector<param> params) {
        auto f = issue(s, std::move(params));
        return get(f);
    }

    // The reader's backend, as another connection sees it: the only other client of this
    // database.
    std::vector<std::int64_t> reader_backends() {
        std::vector<std::int64_t> pids;
        observer.read([&](tx& t) {
            for (auto const& r : t.exec({"t_reader_pid", "SELECT pid FROM pg_stat_activity WHERE datname = $1 "
                                                         "AND backend_type = 'client backend' "
                                                         "AND pid <> pg_backend_pid()"},
                                        {db.name()}))
                pids.push_back(r.int64(0));
        });
        return pids;
    }

    std::int64_t terminate_reader_backend() {
        auto pids = reader_backends();
        EXPECT_EQ(pids.size(), 1u);
        if (pids.empty()) return 0;
        observer.read([&](tx& t) {
            EXPECT_TRUE(t.exec_one({"t_terminate", "SELECT pg_terminate_backend($1::integer)"},
                                   {std::to_string(pids.front())})
                            .boolean(0));
        });
        return pids.front();
    }

    test::test_database db{false};
    pg_pool observer{{db.url(), 1}};
    asio::io_context io{2};
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    asio::thread_pool blocking{1};
    std::vector<std::thread> io_threads;
    std::optional<pg_async_reader> reader;
    bool stopped = false;
};

TEST_F(AsyncReader, BecomesReadyAndAnswersWithRowsNullsAndArraysAsText) {
    ASSERT_TRUE(wait_ready());
    auto a = run(echo_sql, {"hello", std::nullopt});
    ASSERT_FALSE(a.failed) << a.detail;
    ASSERT_EQ(a.rows.size(), 1u);
    auto const& r = a.rows.front();
    ASSERT_EQ(r.size(), 5u);
    EXPECT_EQ(r.text(0), "hello");
    EXPECT_TRUE(r.is_null(1));
    EXPECT_EQ(r.text(2), R"({x,"y\"z",NULL})");  // text[] as PostgreSQL prints it
    EXPECT_EQ(r.int64(3), 42);
    EXPECT_TRUE(r.boolean(4));  // a NULL parameter arrives as SQL NULL

    auto many = run(series_sql, {"1000"});
    ASSERT_FALSE(many.failed) << many.detail;
    ASSERT_EQ(many.rows.size(), 1000u);
    EXPECT_EQ(many.rows.front().text(0), "1");
    EXPECT_EQ(many.rows.back().text(0), "1000");

    auto none = run(series_sql, {"0"});
    ASSERT_FALSE(none.failed) << none.detail;
    EXPECT_TRUE(none.rows.empty());
}

// Its session is set up as pg_pool's (no JIT compilation for short queries: pg_pool.cpp), and
// it names itself to the server, so operators (and tests) can tell its backend apart.
TEST_F(AsyncReader, ItsSessionIsSetUpAsThePoolsAndNamed) {
    ASSERT_TRUE(wait_ready());
    auto a = run(settings_sql, {});
    ASSERT_FALSE(a.failed) << a.detail;
    EXPECT_EQ(a.rows.at(0).text(0), "off");
    EXPECT_EQ(a.rows.at(0).text(1), "varde-reads");
    std::string pool_jit;
    observer.read([&](tx& t) { pool_jit = t.exec_one({"t_jit", "SELECT current_setting('jit')"}).text(0); });
    EXPECT_EQ(pool_jit, "off");
}

TEST_F(AsyncReader, TwoHundredStatementsAtOnceEachGetTheirOwnAnswerInOrder) {
    ASSERT_TRUE(wait_ready());
    constexpr int n = 200;
    std::mutex m;
    std::vector<int> order;
    std::vector<std::future<answer>> futures;
    for (int i = 0; i < n; ++i) {
        auto promise = std::make_shared<std::promise<answer>>();
        futures.push_back(promise->get_future());
        reader->exec(twice_sql, {std::to_string(i)}, [&, i, promise](std::exception_ptr e, std::vector<row> rows) {
            {
                std::lock_guard lock(m);
                order.push_back(i);
            }
            promise->set_value(answer_of(e, std::move(rows)));
        });
    }
    for (int i = 0; i < n; ++i) {
        auto a = get(futures[static_cast<std::size_t>(i)]);
        ASSERT_FALSE(a.failed) << i << ": " << a.detail;
        ASSERT_EQ(a.rows.size(), 1u);
        EXPECT_EQ(a.rows.front().int64(0), 2 * i);
    }
    std::vector<int> expected(n);
    for (int i = 0; i < n; ++i) expected[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(order, expected);
}

// Parameters larger than the socket buffers: libpq cannot send them at once, and the reader
// has to wait until the socket takes more while answers come back.
TEST_F(AsyncReader, LargeParametersAreSentInPiecesWhileAnswersArrive) {
    ASSERT_TRUE(wait_ready());
    std::vector<std::future<answer>> futures;
    for (int i = 0; i < 20; ++i) futures.push_back(issue(length_sql, {std::string(1'000'000 + i, 'a')}));
    for (int i = 0; i < 20; ++i) {
        auto a = get(futures[static_cast<std::size_t>(i)]);
        ASSERT_FALSE(a.failed) << a.detail;
        ASSERT_EQ(a.rows.size(), 1u);
        EXPECT_EQ(a.rows.front().int64(0), 1'000'000 + i);
    }
}

TEST_F(AsyncReader, AFailingStatementFailsAloneAndTheNextOnesSucceed) {
    ASSERT_TRUE(wait_ready());
    // All in the pipeline together: each statement has its own sync, so an error aborts
    // nothing but its own statement.
    auto ok1 = issue(divide_sql, {"4"});
    auto by_zero = issue(divide_sql, {"0"});
    auto ok2 = issue(divide_sql, {"5"});
    auto bad_cast = issue(divide_sql, {"not a number"});
    auto ok3 = issue(twice_sql, {"21"});

    auto expect_number = [](std::future<answer>& f, std::int64_t expected) {
        auto a = get(f);
        ASSERT_FALSE(a.failed) << a.detail;
        EXPECT_EQ(a.rows.at(0).int64(0), expected);
    };
    auto expect_failure = [](std::future<answer>& f, std::string const& why) {
        auto a = get(f);
        EXPECT_EQ(a.failed, error_kind::internal);
        EXPECT_NE(a.detail.find(why), std::string::npos) << a.detail;
    };
    expect_number(ok1, 25);
    expect_failure(by_zero, "division by zero");
    expect_number(ok2, 20);
    expect_failure(bad_cast, "invalid input syntax");
    expect_number(ok3, 42);
    EXPECT_TRUE(reader->ready());
}

// A statement PostgreSQL cannot even prepare fails each time it is run, with its own error,
// and costs nothing else: not the connection, not the statements pending with it.
TEST_F(AsyncReader, AStatementThatCannotBePreparedFailsAloneEveryTime) {
    ASSERT_TRUE(wait_ready());
    auto before = reader_backends();
    for (int round = 0; round < 3; ++round) {
        auto bad = issue(missing_table_sql, {"1"});
        auto bad_again = issue(missing_table_sql, {"2"});
        auto good = issue(twice_sql, {std::to_string(round)});
        for (auto* f : {&bad, &bad_again}) {
            auto a = get(*f);
            EXPECT_EQ(a.failed, error_kind::internal) << "round " << round << ": " << a.detail;
            EXPECT_NE(a.detail.find("no_such_table"), std::string::npos) << "round " << round << ": " << a.detail;
        }
        auto a = get(good);
        ASSERT_FALSE(a.failed) << "round " << round << ": " << a.detail;
        EXPECT_EQ(a.rows.at(0).int64(0), 2 * round);
    }
    EXPECT_EQ(reader_backends(), before);  // the same connection throughout
    db.exec("CREATE TABLE no_such_table (n integer); INSERT INTO no_such_table VALUES (2)");
    auto now_there = run(missing_table_sql, {"2"});
    ASSERT_FALSE(now_there.failed) << now_there.detail;
    EXPECT_EQ(now_there.rows.size(), 1u);
}

TEST_F(AsyncReader, ALostConnectionFailsWhatIsPendingAsUnavailableAndItReconnects) {
    ASSERT_TRUE(wait_ready());
    auto first_pid = run(pid_sql, {}).rows.at(0).int64(0);
    // One statement running on the server, more queued behind it in the pipeline.
    auto sleeping = issue(sleep_sql, {"30"});
    std::vector<std::future<answer>> queued;
    for (int i = 0; i < 5; ++i) queued.push_back(issue(twice_sql, {std::to_string(i)}));
    ASSERT_TRUE(wait_until([&] {
        bool sleeping_now = false;
        observer.read([&](tx& t) {
            sleeping_now = t.exec_one({"t_is_sleeping", "SELECT count(*) FROM pg_stat_activity WHERE "
                                                        "datname = $1 AND pid <> pg_backend_pid() "
                                                        "AND query LIKE '%pg_sleep%' AND state = 'active'"},
                                      {db.name()})
                               .int64(0) == 1;
        });
        return sleeping_now;
    }));
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(terminate_reader_backend(), first_pid);

    auto a = get(sleeping);
    EXPECT_EQ(a.failed, error_kind::unavailable) << a.detail;
    EXPECT_FALSE(a.ready_when_answered);
    for (auto& f : queued) {
        auto q = get(f);
        EXPECT_EQ(q.failed, error_kind::unavailable) << q.detail;
        EXPECT_TRUE(q.rows.empty());
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);  // not after the sleep

    // Until it has connected again, statements fail at once, as unavailable.
    if (!reader->ready()) {
        auto next = run(twice_sql, {"1"});
        if (!reader->ready()) {
            EXPECT_EQ(next.failed, error_kind::unavailable) << next.detail;
        }
    }
    ASSERT_TRUE(wait_ready());
    auto again = run(pid_sql, {});
    ASSERT_FALSE(again.failed) << again.detail;
    EXPECT_NE(again.rows.at(0).int64(0), first_pid);
    auto twice = run(twice_sql, {"8"});  // prepared anew on the new connection
    ASSERT_FALSE(twice.failed) << twice.detail;
    EXPECT_EQ(twice.rows.at(0).int64(0), 16);
}

TEST_F(AsyncReader, AnIdleConnectionClosedByTheServerIsNoticedAndMadeAgain) {
    ASSERT_TRUE(wait_ready());
    auto first_pid = run(pid_sql, {}).rows.at(0).int64(0);
    EXPECT_EQ(terminate_reader_backend(), first_pid);
    // Nothing pending: the reader notices from its read wait alone.
    ASSERT_TRUE(wait_until([&] { return !reader->ready(); }, 5s)) << "the lost connection went unnoticed";
    ASSERT_TRUE(wait_ready());
    auto again = run(pid_sql, {});
    ASSERT_FALSE(again.failed) << again.detail;
    EXPECT_NE(again.rows.at(0).int64(0), first_pid);
}

TEST_F(AsyncReader, NotReadyWhileTheDatabaseIsUnreachableAndStatementsFailAsUnavailable) {
    stop();
    // A port nobody listens on: connecting fails at once and is retried in the background.
    asio::io_context other_io;
    asio::thread_pool other_blocking{1};
    auto work = asio::make_work_guard(other_io);
    std::thread t([&] { other_io.run(); });
    pg_async_reader unreachable(other_io.get_executor(), other_blocking.get_executor(),
                                "postgresql://postgres@127.0.0.1:1/postgres");
    unreachable.start();
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(unreachable.ready());
    std::promise<answer> p;
    unreachable.exec(twice_sql, {"1"}, [&](std::exception_ptr e, std::vector<row> rows) {
        p.set_value(answer_of(e, std::move(rows)));
    });
    auto f = p.get_future();
    auto a = get(f);
    EXPECT_EQ(a.failed, error_kind::unavailable);
    work.reset();
    other_io.stop();
    t.join();
    other_blocking.join();
    unreachable.close();
}

// The node's shutdown: the I/O context stops with statements in the pipeline and more not
// yet sent. Nobody is answered (nobody is left to hear it); nothing crashes or leaks.
TEST_F(AsyncReader, CloseWithStatementsPendingAnswersNobodyAndReleasesEverything) {
    ASSERT_TRUE(wait_ready());
    std::atomic<int> answered{0};
    auto count = [&answered](std::exception_ptr, std::vector<row>) { ++answered; };
    reader->exec(sleep_sql, {"3"}, count);
    for (int i = 0; i < 50; ++i) reader->exec(twice_sql, {std::to_string(i)}, count);
    ASSERT_TRUE(wait_until([&] { return !reader_backends().empty(); }));
    std::this_thread::sleep_for(100ms);  // sent, waiting on the sleep
    auto started = std::chrono::steady_clock::now();
    stop();
    EXPECT_EQ(answered, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);  // did not wait for the sleep
    // The server sees the connection end.
    EXPECT_TRUE(wait_until([&] { return reader_backends().empty(); }, 10s));
}

}  // namespace
}  // namespace varde::store
