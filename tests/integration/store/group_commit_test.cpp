// Group commit (issue 7) against a real PostgreSQL: concurrent publishes share transactions,
// yet each is acknowledged only once committed, keeps its own audit entry and event in
// commit order, and one bad report does not fail the others written with it.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "app/hmac_keyed_hash.hpp"
#include "service/audit_service.hpp"
#include "service/identity_service.hpp"
#include "service/publish_batcher.hpp"
#include "service/report_service.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::service {
namespace {

using json = nlohmann::json;

class GroupCommit : public ::testing::Test {
protected:
    void SetUp() override { test::seed_examples(db.url()); }

    domain::principal principal(std::string const& name) {
        auto r = ids.authenticate(test::fingerprint_of(name), lookup::fresh);
        EXPECT_TRUE(r && r.value().status == auth_status::ok);
        return r.value().who;
    }

    std::int64_t number(std::string const& sql) {
        // Statements are prepared by name once per connection: one name per query.
        auto name = "test_number_" + std::to_string(std::hash<std::string>{}(sql));
        std::int64_t n = -1;
        pool.transact([&](store::tx& t) { n = t.exec_one({name, sql}).int64(0); });
        return n;
    }

    test::test_database db;
    store::pg_pool pool{{db.url(), 8}};
    identity_service ids{pool};
    app::hmac_keyed_hash keys{"integration-test-secret-0123456789abcdef"};
    report_service reports{pool, keys, {}};
};

TEST_F(GroupCommit, ConcurrentPublishesShareCommitsInOrderWithTheirAuditAndEvents) {
    auto alice = principal("alice");  // nordkraft is trusted: published at once
    constexpr int threads = 32, each = 12, total = threads * each;
    std::vector<std::vector<json>> answers(threads);
    std::vector<std::thread> pool_threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads; ++t)
        pool_threads.emplace_back([&, t] {
            for (int i = 0; i < each; ++i) {
                auto body = json{{"title", "case " + std::to_string(t) + "-" + std::to_string(i)},
                                 {"summary", "s"}, {"tlp", "GREEN"},
                                 {"indicators", {{{"type", "domain"}, {"value", "c2-" + std::to_string(t * 100 + i) + ".example.net"}}}}};
                auto r = reports.publish(alice, body.dump(), std::nullopt);
                if (!r) {
                    ++failures;
                    continue;
                }
                answers[t].push_back(json::parse(r.value().body));
            }
        });
    for (auto& t : pool_threads) t.join();
    ASSERT_EQ(failures, 0);

    std::set<std::string> ids_seen;
    for (auto const& mine : answers)
        for (auto const& a : mine) {
            ids_seen.insert(a["id"].get<std::string>());
            EXPECT_EQ(a["status"], "published");
            // The answer, made without reading the report back, is what a read returns.
            auto read = json::parse(reports.get(alice, a["id"].get<std::string>()).value());
            for (auto const* key : {"id", "title", "tlp", "status", "created_at", "published_at", "source", "indicators", "to"})
                EXPECT_EQ(a.value(key, json()), read.value(key, json())) << key;
        }
    EXPECT_EQ(ids_seen.size(), static_cast<std::size_t>(total));
    EXPECT_EQ(number("SELECT count(*) FROM report"), total);
    EXPECT_EQ(number("SELECT count(*) FROM report_original"), total);
    EXPECT_EQ(number("SELECT count(*) FROM report_indicator"), total);
    // Fewer transactions than reports: they were batched (32 publishers on 8 connections
    // prepare faster than one commit at a time can write).
    EXPECT_LT(number("SELECT count(DISTINCT xmin::text) FROM report"), total);
    // One event per report, and event order is report order (seq) and commit order.
    EXPECT_EQ(number("SELECT count(*) FROM report_event WHERE kind = 'report.published'"), total);
    EXPECT_EQ(number("SELECT count(*) FROM (SELECT r.seq, lag(r.seq) OVER (ORDER BY e.id) AS prev "
                     "FROM report_event e JOIN report r ON r.id = e.report_id) x WHERE prev >= seq"), 0);
    // One audit entry per report, naming it, and the chain still verifies.
    EXPECT_EQ(number("SELECT count(DISTINCT subject_id) FROM audit_log WHERE action = 'report.published' "
                     "AND subject_id IN (SELECT id::text FROM report)"), total);
    audit_service audit{pool};
    auto verified = audit.verify();
    ASSERT_TRUE(verified);
    EXPECT_FALSE(verified.value().first_broken);
    EXPECT_GE(verified.value().checked, total);
}

TEST_F(GroupCommit, OneBadReportDoesNotFailTheOthersOfItsBatch) {
    auto alice = principal("alice");
    publish_batcher batcher(pool.url(), 64);
    constexpr int writers = 8;
    std::vector<store::report_store::new_report> rows(writers);
    std::vector<store::audit_store::entry> audits(writers);
    for (int i = 0; i < writers; ++i) {
        auto& r = rows[i];
        r.origin_org = "nordkraft";
        r.submitted_by = alice.id;
        r.tlp = "GREEN";
        r.status = "published";
        r.attribution = "anonymous";
        r.shared_json = R"({"title":"t"})";
        r.redactions_json = "[]";
        r.warnings_json = "[]";
        r.original_body = "{}";
        audits[i] = {alice.fingerprint, "report.published", "report", "", "{}"};
    }
    rows[3].submitted_by = "00000000-0000-4000-8000-000000000000";  // no such principal
    std::vector<std::optional<outcome<store::report_store::inserted>>> got(writers);
    std::barrier start(writers);
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i)
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            got[i].emplace(batcher.write(rows[i], audits[i]));
        });
    for (auto& t : threads) t.join();
    for (int i = 0; i < writers; ++i) {
        ASSERT_TRUE(got[i]);
        if (i == 3) {
            ASSERT_FALSE(*got[i]);
            EXPECT_EQ(got[i]->err().code, error_code::invalid);
        } else {
            EXPECT_TRUE(*got[i]) << i;
        }
    }
    EXPECT_EQ(number("SELECT count(*) FROM report"), writers - 1);
    EXPECT_EQ(number("SELECT count(*) FROM report_event"), writers - 1);
    EXPECT_EQ(number("SELECT count(*) FROM audit_log WHERE action = 'report.published'"), writers - 1);
}

}  // namespace
}  // namespace varde::service
