// GET /v1/reports/{id} read without a worker (router::answer_async, store::pg_async_reader):
// on a keep-alive connection already checked against the database, the read goes through
// the node's asynchronous reader, and its answer must be the one the worker path gives (a
// new connection's first request always takes the worker path). The reader's count of
// answered statements shows which path a request took. A reader that loses its connection
// with the read in flight answers 503 internally, and the worker path answers the client.
#include <gtest/gtest.h>

#include <libpq-fe.h>

#include <chrono>
#include <future>
#include <latch>
#include <nlohmann/json.hpp>
#include <thread>

#include "node_suite.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

std::string path_of(std::string const& id) { return "/v1/reports/" + id; }

// Problem bodies carry the request's id; nothing else may differ between the two paths.
std::string comparable(client::reply const& r) {
    if (r.header("content-type") != "application/problem+json") return r.body;
    auto body = json::parse(r.body);
    body.erase("request_id");
    return body.dump();
}

std::string publish(test_node& node, std::string const& who, std::string const& tlp, json recipients = nullptr) {
    json r{{"title", "Async read " + tlp}, {"summary", "Seen by ops@nordkraft.example"}, {"tlp", tlp},
           {"indicators", json::array({{{"type", "domain"}, {"value", "async-read.example.net"}}})}};
    if (!recipients.is_null()) r["recipients"] = recipients;
    auto reply = node.connect(who)->request("POST", "/v1/reports", r.dump(), {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 201u) << reply.body;
    return json::parse(reply.body).value("id", "");
}

std::uint64_t answered(test_node& node) { return node.node().reads().answered(); }

// A keep-alive connection as `who` whose next GET of a report is answered by the reader:
// checked against the database by its first request, its principal in the membership cache
// (on once the event hub listens) and the reader connected (in the background).
//
// The cache keeps a principal for 2 s after the database read that put it there; a request
// that misses takes the worker path and reads it again. So a test that needs the reader makes
// a worker-path request as the same principal (a new connection's first one) just before.
std::unique_ptr<client::connection> checked_connection(test_node& node, std::string const& who,
                                                       std::string const& probe) {
    auto c = node.connect(who);
    EXPECT_EQ(c->request("GET", "/v1/whoami").status, 200u);
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto before = answered(node);
        c->request("GET", probe);
        if (answered(node) > before) return c;
        std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "reads on a checked connection never took the asynchronous path";
    return c;
}

// A libpq connection of the test's own to the node's database (autocommit: each statement
// sees pg_stat_activity afresh).
class raw_connection {
public:
    explicit raw_connection(std::string const& url) : conn_(PQconnectdb(url.c_str())) {
        EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    }
    ~raw_connection() { PQfinish(conn_); }
    raw_connection(raw_connection const&) = delete;
    raw_connection& operator=(raw_connection const&) = delete;

    void run(std::string const& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << sql << ": " << PQerrorMessage(conn_);
        PQclear(r);
    }
    std::int64_t count(std::string const& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        std::int64_t n = -1;
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) n = std::stoll(PQgetvalue(r, 0, 0));
        else ADD_FAILURE() << sql << ": " << PQerrorMessage(conn_);
        PQclear(r);
        return n;
    }
    bool eventually(std::string const& sql, std::chrono::milliseconds within = 10s) {
        auto deadline = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < deadline) {
            if (count(sql) > 0) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }

private:
    PGconn* conn_;
};

constexpr char const* reader_waits_on_lock =
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name = 'varde-reads' AND wait_event_type = 'Lock'";
constexpr char const* terminate_reader =
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name = 'varde-reads'";
constexpr char const* another_waits_on_lock =
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND application_name <> 'varde-reads' AND wait_event_type = 'Lock'";

// A read that the reader has sent when its connection is lost: the reader's backend waits
// on a lock that the test holds, and the test terminates it. The session retries on the
// worker path, which waits on the same lock until the test lets go. Returns the reply.
client::reply read_while_the_reader_is_lost(test_node& node, test_database const& db, client::connection& c,
                                            std::string const& path) {
    raw_connection observer(db.url());
    raw_connection locker(db.url());
    locker.run("BEGIN");
    locker.run("LOCK TABLE report IN ACCESS EXCLUSIVE MODE");
    auto before = answered(node);
    auto reply = std::async(std::launch::async, [&] { return c.request("GET", path); });
    EXPECT_TRUE(observer.eventually(reader_waits_on_lock)) << "the read did not reach the reader";
    EXPECT_EQ(observer.count(terminate_reader), 1);
    // The retry on a worker reaches the database (and waits on the lock) before we let go.
    EXPECT_TRUE(observer.eventually(another_waits_on_lock)) << "no retry on the worker path";
    locker.run("COMMIT");
    EXPECT_EQ(reply.wait_for(20s), std::future_status::ready);
    auto r = reply.get();
    EXPECT_EQ(answered(node), before) << "the reader answered it after all";
    return r;
}

class AsyncReads : public node_suite<AsyncReads> {};

// Every reader sees on a checked keep-alive connection exactly what a new connection's first
// request (the worker path) shows it: 200 with the same body, 404 for what it may not see
// (a TLP:RED report to a non-recipient, a pending one, a missing one), 410 for a retracted
// report it could read.
TEST_F(AsyncReads, AKeepAliveReadTakesTheAsyncPathAndAnswersAsTheWorkerPath) {
    auto green = publish(*node_, "alice", "GREEN");
    auto amber = publish(*node_, "alice", "AMBER", {"org:fjordbank"});
    auto strict = publish(*node_, "alice", "AMBER+STRICT", {"org:havn"});
    auto red = publish(*node_, "alice", "RED", {"org:havn"});
    auto retracted = publish(*node_, "alice", "AMBER", {"org:fjordbank"});
    ASSERT_EQ(call("alice", "POST", path_of(retracted) + "/retract").status, 200u);
    auto pending = publish(*node_, "bob", "GREEN");  // Fjordbank is not trusted: moderated first
    std::string const missing = "0b7e3a52-6d1f-4c1e-9a57-3f5a2b8c9d10";
    std::vector<std::string> reports{green, amber, strict, red, retracted, pending, missing};

    // The status each reader must get, to be sure the cases are the ones named above.
    std::map<std::string, std::vector<unsigned>> expected{
        //                green amber strict red  retracted pending missing
        {"alice",       {200, 200, 200, 200, 200, 404, 404}},  // the originator
        {"bob",         {200, 200, 404, 404, 410, 200, 404}},  // Fjordbank
        {"carol",       {200, 404, 200, 200, 404, 404, 404}},  // Havn
        {"havn-feed",   {200, 404, 200, 404, 404, 404, 404}},  // a service: never RED
        {"oscar",       {200, 200, 200, 200, 200, 200, 404}},  // the operator
    };
    for (auto const& [who, statuses] : expected) {
        auto c = checked_connection(*node_, who, path_of(green));
        for (std::size_t i = 0; i < reports.size(); ++i) {
            auto const path = path_of(reports[i]);
            // First the worker path (which also puts `who` in the membership cache afresh) ...
            auto before = answered(*node_);
            auto fresh = node_->connect(who)->request("GET", path);
            EXPECT_EQ(answered(*node_), before) << who << " " << path << ": a new connection used the reader";
            // ... then the reader, on the checked connection.
            before = answered(*node_);
            auto kept = c->request("GET", path);
            EXPECT_EQ(answered(*node_), before + 1) << who << " " << path << ": not read by the asynchronous reader";

            EXPECT_EQ(kept.status, statuses[i]) << who << " " << path << "\n" << kept.body;
            EXPECT_EQ(kept.status, fresh.status) << who << " " << path;
            EXPECT_EQ(kept.header("content-type"), fresh.header("content-type")) << who << " " << path;
            EXPECT_EQ(comparable(kept), comparable(fresh)) << who << " " << path;
        }
    }
}

// Reads that arrive together go out together (one statement for several reads,
// service::report_read_batcher), and each reader still gets exactly what it gets alone: every
// reader of the table reads every report at the same moment, each read on a connection of its
// own, several rounds over.
TEST_F(AsyncReads, ReadsArrivingTogetherAreBatchedAndEachAnsweredAsAlone) {
    auto green = publish(*node_, "alice", "GREEN");
    auto amber = publish(*node_, "alice", "AMBER", {"org:fjordbank"});
    auto strict = publish(*node_, "alice", "AMBER+STRICT", {"org:havn"});
    auto red = publish(*node_, "alice", "RED", {"org:havn"});
    auto pending = publish(*node_, "bob", "GREEN");
    std::string const missing = "0b7e3a52-6d1f-4c1e-9a57-3f5a2b8c9d10";
    std::vector<std::string> const readers{"alice", "bob", "carol", "havn-feed", "oscar"};
    std::vector<std::string> const reports{green, amber, strict, red, pending, missing};

    struct read {
        std::string who, path;
        client::reply alone;  // the worker path's answer
        std::unique_ptr<client::connection> kept;
    };
    std::vector<read> reads;
    for (auto const& who : readers)
        for (auto const& id : reports) {
            auto path = path_of(id);
            auto alone = node_->connect(who)->request("GET", path);
            reads.push_back({who, path, std::move(alone), checked_connection(*node_, who, path_of(green))});
        }
    auto const& batches = node_->node().batched_reads();
    auto const statements_before = batches.statements(), reads_before = batches.reads();
    for (int round = 0; round < 5; ++round) {
        for (auto const& who : readers) call(who, "GET", "/v1/whoami");  // each principal cached afresh
        std::latch start(static_cast<std::ptrdiff_t>(reads.size()));
        std::vector<client::reply> replies(reads.size());
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < reads.size(); ++i)
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                replies[i] = reads[i].kept->request("GET", reads[i].path);
            });
        for (auto& t : threads) t.join();
        for (std::size_t i = 0; i < reads.size(); ++i) {
            EXPECT_EQ(replies[i].status, reads[i].alone.status) << reads[i].who << " " << reads[i].path;
            EXPECT_EQ(comparable(replies[i]), comparable(reads[i].alone)) << reads[i].who << " " << reads[i].path;
        }
    }
    // Some statements carried several reads.
    auto const statements = batches.statements() - statements_before, batched = batches.reads() - reads_before;
    EXPECT_GT(batched, statements) << batched << " reads in " << statements << " statements";
    EXPECT_GT(statements, 0u);
}

// The reader loses its connection while it reads: the client still gets the right answer,
// from the worker path, and later reads take the reader again once it has reconnected.
TEST_F(AsyncReads, AReadWhoseConnectionIsLostIsAnsweredByTheWorkerPath) {
    auto red = publish(*node_, "alice", "RED", {"org:havn"});
    auto c = checked_connection(*node_, "carol", path_of(red));
    auto fresh = call("carol", "GET", path_of(red));  // the worker path's answer; carol cached afresh
    ASSERT_EQ(fresh.status, 200u);
    auto r = read_while_the_reader_is_lost(*node_, *db_, *c, path_of(red));
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.body, fresh.body);
    // A refusal the same way: a non-recipient's 404 comes from the worker path too.
    auto c2 = checked_connection(*node_, "bob", path_of(red));
    auto refusal = call("bob", "GET", path_of(red));
    ASSERT_EQ(refusal.status, 404u);
    auto refused = read_while_the_reader_is_lost(*node_, *db_, *c2, path_of(red));
    EXPECT_EQ(refused.status, 404u) << refused.body;
    EXPECT_EQ(comparable(refused), comparable(refusal));
    // The reader comes back.
    auto again = checked_connection(*node_, "carol", path_of(red));
    call("carol", "GET", path_of(red));
    auto before = answered(*node_);
    EXPECT_EQ(again->request("GET", path_of(red)).body, fresh.body);
    EXPECT_EQ(answered(*node_), before + 1);
}

// With a rate limit: the request the reader failed to answer was admitted once; its retry on
// the worker path must not be counted against the principal again (a 429 for a request
// already admitted).
class AsyncReadsRateLimited : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        db_ = new test_database();
        seed_examples(db_->url());
        auto config = node_config_for(db_->url());
        config.rate_per_s = 1;
        config.rate_burst = 1;
        node_ = new test_node(std::move(config));
    }
    static void TearDownTestSuite() {
        delete node_;
        delete db_;
    }
    static inline test_database* db_ = nullptr;
    static inline test_node* node_ = nullptr;
};

TEST_F(AsyncReadsRateLimited, TheWorkerRetryOfAnAdmittedReadIsNotRateLimitedAgain) {
    auto id = publish(*node_, "alice", "GREEN");
    // One request a second. The first checks the connection; then wait for the cache and the reader.
    auto c = node_->connect("carol");
    ASSERT_EQ(c->request("GET", "/v1/whoami").status, 200u);
    bool async = false;
    for (int i = 0; i < 15 && !async; ++i) {
        std::this_thread::sleep_for(1100ms);
        auto before = answered(*node_);
        ASSERT_EQ(c->request("GET", path_of(id)).status, 200u);
        async = answered(*node_) > before;
    }
    ASSERT_TRUE(async) << "reads never took the asynchronous path";
    // carol cached afresh (a new connection's first request), then one token again: the next
    // read is admitted, and is the only one that can be.
    std::this_thread::sleep_for(1100ms);
    ASSERT_EQ(node_->connect("carol")->request("GET", path_of(id)).status, 200u);
    std::this_thread::sleep_for(1050ms);
    auto r = read_while_the_reader_is_lost(*node_, *db_, *c, path_of(id));
    EXPECT_EQ(r.status, 200u) << r.body;
}

}  // namespace
}  // namespace varde::test
