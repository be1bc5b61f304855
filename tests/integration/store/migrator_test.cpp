// Migrations on a real PostgreSQL: fresh apply, re-apply, concurrent start, edited history.
#include "store/migrator.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "store/errors.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"

namespace varde::store {
namespace {

std::int64_t count(std::string const& url, std::string const& sql) {
    pg_pool pool({url, 1});
    std::int64_t n = -1;
    pool.transact([&](tx& t) {
        statement s{"count_query", sql};
        n = t.exec_one(s).int64(0);
    });
    return n;
}

TEST(Migrator, FreshDatabaseGetsEveryMigration) {
    test::test_database db(false);
    auto report = migrate(db.url(), embedded_migrations());
    ASSERT_EQ(report.applied.size(), embedded_migrations().size());
    EXPECT_EQ(report.current, embedded_migrations().back().version);
    EXPECT_EQ(count(db.url(), "SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(embedded_migrations().size()));
    EXPECT_EQ(count(db.url(), "SELECT count(*) FROM organisation"), 0);
}

TEST(Migrator, ReapplyingIsANoOp) {
    test::test_database db(false);
    migrate(db.url(), embedded_migrations());
    auto again = migrate(db.url(), embedded_migrations());
    EXPECT_TRUE(again.applied.empty());
    EXPECT_EQ(again.current, embedded_migrations().back().version);
}

TEST(Migrator, ConcurrentStartsApplyEachMigrationOnce) {
    test::test_database db(false);
    constexpr int nodes = 4;
    std::vector<migrate_report> reports(nodes);
    std::vector<std::thread> threads;
    for (int i = 0; i < nodes; ++i)
        threads.emplace_back([&, i] { reports[i] = migrate(db.url(), embedded_migrations()); });
    for (auto& t : threads) t.join();
    std::size_t applied = 0;
    for (auto const& r : reports) applied += r.applied.size();
    EXPECT_EQ(applied, embedded_migrations().size());  // exactly once in total
    EXPECT_EQ(count(db.url(), "SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(embedded_migrations().size()));
}

TEST(Migrator, RefusesAMigrationChangedAfterItWasApplied) {
    test::test_database db(false);
    migrate(db.url(), embedded_migrations());
    auto edited = embedded_migrations();
    edited.front().sql += "\n-- edited";
    try {
        migrate(db.url(), edited);
        FAIL() << "an edited migration was accepted";
    } catch (failure const& f) {
        EXPECT_EQ(f.kind(), error_kind::invalid);
        EXPECT_NE(std::string(f.what()).find("forward-only"), std::string::npos);
    }
}

TEST(Migrator, FailedMigrationLeavesNothingBehind) {
    test::test_database db(false);
    auto broken = embedded_migrations();
    broken.push_back({9999, "9999_broken", "CREATE TABLE half_done (x int); SELECT no_such_function();"});
    EXPECT_THROW(migrate(db.url(), broken), failure);
    EXPECT_EQ(count(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"), 0);
    EXPECT_EQ(count(db.url(), "SELECT count(*) FROM schema_migrations WHERE version = 9999"), 0);
}

TEST(Migrator, UnreachableDatabaseIsUnavailable) {
    try {
        migrate("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", embedded_migrations());
        FAIL() << "no error";
    } catch (failure const& f) {
        EXPECT_EQ(f.kind(), error_kind::unavailable);
    }
}

}  // namespace
}  // namespace varde::store
