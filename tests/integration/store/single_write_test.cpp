// pg_pool::write_one (group commit, issue 7): a write run as one statement in PostgreSQL's
// implicit transaction. What its failures mean decides whether the publish batcher may write
// a batch again one report at a time, so each case is checked against what the database
// actually holds afterwards: a failure that invites a retry must have written nothing, and
// whenever the write may have committed the failure is `unavailable` (in doubt).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "store/errors.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"

namespace varde::store {
namespace {

class SingleWrite : public ::testing::Test {
protected:
    void SetUp() override { db.exec("CREATE TABLE scratch (n integer PRIMARY KEY CHECK (n > 0))"); }

    std::int64_t rows() {
        std::int64_t n = -1;
        pool.read([&](tx& t) { n = t.exec_one({"scratch_count", "SELECT count(*) FROM scratch"}).int64(0); });
        return n;
    }

    // The failure `work` ends with under write_one; fails the test if it succeeds.
    error_kind kind_of_failure(std::function<void(tx&)> const& work) {
        try {
            pool.write_one(work);
        } catch (failure const& f) {
            return f.kind();
        }
        ADD_FAILURE() << "write_one did not fail";
        return error_kind::internal;
    }

    test::test_database db;
    pg_pool pool{{db.url(), 2}};
};

statement const insert_sql{"scratch_insert", "INSERT INTO scratch (n) VALUES ($1::integer)"};

TEST_F(SingleWrite, CommitsWithoutBeginAndCommit) {
    pool.write_one([](tx& t) { t.exec(insert_sql, {"1"}); });
    EXPECT_EQ(rows(), 1);  // read on another connection: committed
}

TEST_F(SingleWrite, AnErrorPostgresqlReportsRolledBackAndKeepsItsKind) {
    pool.write_one([](tx& t) { t.exec(insert_sql, {"1"}); });
    // The batcher writes a batch again one by one after these: nothing of it may remain.
    EXPECT_EQ(kind_of_failure([](tx& t) { t.exec(insert_sql, {"1"}); }), error_kind::conflict);
    EXPECT_EQ(kind_of_failure([](tx& t) { t.exec(insert_sql, {"-1"}); }), error_kind::invalid);
    EXPECT_EQ(rows(), 1);
}

TEST_F(SingleWrite, AnErrorAfterTheStatementReturnedIsInDoubtBecauseItCommitted) {
    auto kind = kind_of_failure([](tx& t) {
        t.exec(insert_sql, {"7"});
        throw std::runtime_error("the answer could not be read");  // e.g. a row count check
    });
    EXPECT_EQ(kind, error_kind::unavailable);  // never written again
    EXPECT_EQ(rows(), 1);                      // because it is there
}

TEST_F(SingleWrite, ASecondStatementIsRefusedAndTheFirstHasCommitted) {
    auto kind = kind_of_failure([](tx& t) {
        t.exec(insert_sql, {"1"});
        t.exec(insert_sql, {"2"});
    });
    EXPECT_EQ(kind, error_kind::unavailable);
    EXPECT_EQ(rows(), 1);
}

TEST_F(SingleWrite, AConnectionLostWhileTheStatementRunsIsInDoubt) {
    // The statement sleeps after inserting; another connection terminates its backend.
    std::atomic<bool> done{false};
    std::atomic<int> terminated{0};
    std::thread killer([&] {
        pg_pool other{{db.url(), 1}};
        for (int i = 0; i < 500 && !done && terminated == 0; ++i) {
            other.read([&](tx& t) {
                terminated += static_cast<int>(
                    t.exec_one({"kill_sleeper",
                                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE query LIKE '%scratch_sleeper%' AND pid <> pg_backend_pid()"})
                        .int64(0));
            });
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    auto kind = kind_of_failure([](tx& t) {
        t.exec({"scratch_sleep", "WITH w AS (INSERT INTO scratch (n) VALUES (3) RETURNING n) "
                                 "SELECT n, pg_sleep(20) /* scratch_sleeper */ FROM w"});
    });
    done = true;
    killer.join();
    EXPECT_EQ(terminated, 1);
    EXPECT_EQ(kind, error_kind::unavailable);
    EXPECT_EQ(rows(), 0);  // here it had not committed; the node cannot know that
    // The pool makes a new connection for the next write.
    pool.write_one([](tx& t) { t.exec(insert_sql, {"4"}); });
    EXPECT_EQ(rows(), 1);
}

}  // namespace
}  // namespace varde::store
