// Group commit (issue 7) against a real PostgreSQL: concurrent publishes share transactions,
// yet each is acknowledged only once committed, keeps its own audit entry and event in
// commit order, one bad report does not fail the others written with it, and any text goes
// through a batch unchanged.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "app/hmac_keyed_hash.hpp"
#include "service/audit_service.hpp"
#include "service/identity_service.hpp"
#include "service/publish_batcher.hpp"
#include "service/report_service.hpp"
#include "store/errors.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
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

    std::vector<std::string> row_of(std::string const& id) {
        std::vector<std::string> out;
        pool.transact([&](store::tx& t) {
            auto r = t.exec_one({"test_row",
                                 "SELECT coalesce(source_display, '<NULL>'), shared_json, redactions_json, warnings_json, "
                                 "coalesce(category,'<NULL>'), coalesce(sector,'<NULL>'), "
                                 "array_to_string(recipient_orgs, '|'), "
                                 "(SELECT body FROM report_original WHERE report_id = r.id), "
                                 "(SELECT string_agg(type || '=' || value, '|' ORDER BY type, value) FROM report_indicator "
                                 " WHERE report_id = r.id), "
                                 "(SELECT detail::text FROM audit_log WHERE subject_id = r.id::text) "
                                 "FROM report r WHERE id = $1::uuid"},
                                {id});
            for (std::size_t i = 0; i < 10; ++i) out.push_back(r.is_null(i) ? "<NULL>" : r.text(i));
        });
        return out;
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

// A lone publish is written by its publisher's own thread, concurrent ones by the writer
// thread in batches (service/publish_batcher.hpp): publishing goes on through every change
// from one to the other and back, each publisher answered with its own committed report, and
// the batcher's counts show which path wrote.
TEST_F(GroupCommit, PublishesGoOnFromOneAtATimeToBatchesAndBack) {
    auto alice = principal("alice");
    publish_batcher batcher(db.url(), 64);
    std::set<std::string> ids_seen;
    std::mutex seen;
    std::atomic<int> failures{0};
    int n = 0;
    auto publish_one = [&](int k) {
        store::report_store::new_report r;
        r.origin_org = "nordkraft";
        r.submitted_by = alice.id;
        r.tlp = "GREEN";
        r.status = "published";
        r.attribution = "anonymous";
        r.shared_json = json{{"title", "phase " + std::to_string(k)}}.dump();
        r.redactions_json = r.warnings_json = "[]";
        r.original_body = "original " + std::to_string(k);
        r.original_retention_days = 1;
        store::audit_store::entry audit{alice.fingerprint, "report.published", "report", "replaced by the new id", "{}"};
        auto got = batcher.write(r, audit);
        if (!got) return void(++failures);
        std::lock_guard lock(seen);
        ids_seen.insert(got.value().id);
    };
    auto alone = [&] {
        for (int i = 0; i < 3; ++i) publish_one(n++);
    };
    auto together = [&] {
        constexpr int publishers = 16;
        std::barrier start(publishers);
        std::vector<std::thread> threads;
        for (int t = 0; t < publishers; ++t)
            threads.emplace_back([&, k = n++] {
                start.arrive_and_wait();
                publish_one(k);
            });
        for (auto& t : threads) t.join();
    };

    alone();
    auto counts = batcher.counted();
    EXPECT_EQ(counts.written_by_publishers, 3u) << "one at a time: each publisher wrote its own";
    EXPECT_EQ(counts.batches, 3u);
    together();
    counts = batcher.counted();
    EXPECT_GT(counts.largest_batch, 1u) << "publishers at once were not batched";
    EXPECT_LT(counts.batches, 3u + 16u);
    auto const before = counts.written_by_publishers;
    alone();
    // The first may still go to the writer thread (after a batch of several); then each
    // publisher writes its own again.
    EXPECT_GE(batcher.counted().written_by_publishers, before + 2);
    together();
    alone();

    EXPECT_EQ(failures, 0);
    EXPECT_EQ(ids_seen.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(number("SELECT count(*) FROM report"), n);
    EXPECT_EQ(number("SELECT count(*) FROM report_event WHERE kind = 'report.published'"), n);
    audit_service audit{pool};
    auto verified = audit.verify();
    ASSERT_TRUE(verified);
    EXPECT_FALSE(verified.value().first_broken);
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

// Array-literal escaping of publish_batch's parameters: every awkward text comes back
// byte for byte, exactly as the one-row insert stores it.
TEST_F(GroupCommit, AwkwardTextsRoundTripThroughBatchesLikeSingleInserts) {
    auto alice = principal("alice");
    std::vector<std::string> nasty = {
        "",  "NULL", "null", "\"", "\\", "\\\"", "{", "}", "{}", "{\"a\",\"b\"}", ",", "a,b", " lead and trail ",
        "new\nline\ttab\rcr", "ünïcødé ✓ 🚀", "'single'", "$1", "\\N", "\"NULL\"", "{NULL}", "a\\b\\\\c", "\x7f"};
    std::vector<store::report_store::new_report> rows(nasty.size());
    std::vector<store::audit_store::entry> audits(nasty.size());
    for (std::size_t i = 0; i < nasty.size(); ++i) {
        auto const& s = nasty[i];
        auto& r = rows[i];
        r.origin_org = "nordkraft";
        r.submitted_by = alice.id;
        r.tlp = "AMBER";
        r.to.orgs = {"fjordbank", s.empty() ? "x" : s};
        r.to.sectors = {s.empty() ? "y" : s};
        r.status = "published";
        r.attribution = "pseudonymous";
        r.source_display = s;  // also the empty string, which must not become NULL
        r.category = s.empty() ? "" : s;
        r.sector = s;
        r.shared_json = json{{"title", s}, {"summary", s}}.dump();
        r.redactions_json = json::array({s}).dump();
        r.warnings_json = json::array({s, s}).dump();
        r.original_body = s;
        r.indicators = {{"domain", s}, {"filename", s + "x"}};
        audits[i] = {alice.fingerprint, "report.published", "report", "", json{{"after", s}}.dump()};
    }
    // A batch: every writer at once.
    publish_batcher batcher(pool.url(), 256);
    std::vector<std::optional<outcome<store::report_store::inserted>>> got(rows.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < rows.size(); ++i)
        threads.emplace_back([&, i] { got[i].emplace(batcher.write(rows[i], audits[i])); });
    for (auto& t : threads) t.join();
    // The reference: the one-row insert path.
    for (std::size_t i = 0; i < rows.size(); ++i) {
        ASSERT_TRUE(got[i] && *got[i]) << i << ": " << (got[i] && !*got[i] ? got[i]->err().detail : "");
        std::string single_id;
        pool.transact([&](store::tx& t) {
            single_id = store::report_store::insert(t, rows[i]);
            auto a = audits[i];
            a.subject_id = single_id;
            store::audit_store::append(t, a);
        });
        auto batched = row_of(got[i]->value().id);
        auto single = row_of(single_id);
        EXPECT_EQ(batched, single) << "element " << i << " = [" << nasty[i] << "]";
        EXPECT_EQ(batched[0], nasty[i]) << "source_display of element " << i;
        EXPECT_EQ(batched[7], nasty[i]) << "original of element " << i;
    }
    audit_service audit{pool};
    auto verified = audit.verify();
    ASSERT_TRUE(verified);
    EXPECT_FALSE(verified.value().first_broken);
}

// publish_batch (migrations/0007) on its own: a whole batch is one statement and one
// transaction, in input order, with what report_store::insert and audit_store::append write.
TEST_F(GroupCommit, PublishBatchIsOneTransactionInInputOrder) {
    auto alice = principal("alice");
    constexpr std::size_t n = 5;
    std::vector<store::report_store::new_report> rows(n);
    std::vector<store::audit_store::entry> audits(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& r = rows[i];
        r.origin_org = "nordkraft";
        r.submitted_by = alice.id;
        r.tlp = "GREEN";
        r.status = i % 2 == 0 ? "published" : "pending";
        r.attribution = "anonymous";
        r.shared_json = json{{"title", "batch " + std::to_string(i)}}.dump();
        r.redactions_json = "[]";
        r.warnings_json = "[]";
        r.original_body = "original " + std::to_string(i);
        r.original_retention_days = static_cast<int>(i) + 1;
        // A duplicate within one report (kept once) and one shared by every report (kept each time).
        r.indicators = {{"domain", "only-" + std::to_string(i) + ".example"},
                        {"domain", "only-" + std::to_string(i) + ".example"},
                        {"domain", "shared.example"}};
        audits[i] = {alice.fingerprint, "report.published", "report", "replaced by the new id",
                     json{{"n", i}}.dump()};
    }
    // Past the TOAST threshold: compressed, with lz4 since 0007, and read back unchanged.
    rows[0].shared_json = json{{"title", "batch 0"}, {"summary", std::string(8000, 's')}}.dump();
    rows[0].original_body += std::string(8000, 'o');
    std::vector<store::report_store::new_report const*> row_ptrs;
    std::vector<store::audit_store::entry const*> audit_ptrs;
    for (std::size_t i = 0; i < n; ++i) {
        row_ptrs.push_back(&rows[i]);
        audit_ptrs.push_back(&audits[i]);
    }
    std::vector<store::report_store::inserted> got;
    pool.write_one([&](store::tx& t) { got = store::report_store::publish_batch(t, row_ptrs, audit_ptrs); });
    ASSERT_EQ(got.size(), n);

    std::string ids_sql = "ARRAY[";
    for (std::size_t i = 0; i < n; ++i) {
        ids_sql += (i ? ",'" : "'") + got[i].id + "'::uuid";
        if (i > 0) {
            EXPECT_GT(got[i].seq, got[i - 1].seq) << "seq follows input order";
        }
        EXPECT_EQ(got[i].published_at.has_value(), rows[i].status == "published") << i;
        EXPECT_EQ(row_of(got[i].id)[7], rows[i].original_body);
    }
    ids_sql += "]";
    EXPECT_EQ(number("SELECT count(*) FROM report r JOIN report_original o ON o.report_id = r.id WHERE r.id = '" +
                     got[0].id + "' AND pg_column_compression(r.shared_json) = 'lz4' "
                     "AND pg_column_compression(o.body) = 'lz4' AND r.title = 'batch 0'"),
              1);
    EXPECT_EQ(row_of(got[0].id)[1], rows[0].shared_json);
    auto in_batch = [&](std::string const& column) { return column + " = ANY(" + ids_sql + ")"; };
    // audit_log.subject_id is text, and not a uuid for other subjects: compared as text.
    auto const audit_ids = "(" + ids_sql + ")::text[]";
    auto const of_batch = "subject_id = ANY(" + audit_ids + ")";
    // Every row the batch wrote, in every table, carries one transaction id.
    EXPECT_EQ(number("SELECT count(DISTINCT x) FROM ("
                     "SELECT xmin::text AS x FROM report WHERE " + in_batch("id") +
                     " UNION ALL SELECT xmin::text FROM report_original WHERE " + in_batch("report_id") +
                     " UNION ALL SELECT xmin::text FROM report_indicator WHERE " + in_batch("report_id") +
                     " UNION ALL SELECT xmin::text FROM report_event WHERE " + in_batch("report_id") +
                     " UNION ALL SELECT xmin::text FROM audit_log WHERE " + of_batch + ") t"),
              1);
    EXPECT_EQ(number("SELECT count(*) FROM report_indicator WHERE " + in_batch("report_id")), 2 * static_cast<std::int64_t>(n));
    // Retention per report, from that report's element.
    EXPECT_EQ(number("SELECT count(*) FROM report_original o JOIN report r ON r.id = o.report_id WHERE " +
                     in_batch("r.id") + " AND o.purge_after::date - r.created_at::date <> "
                     "(SELECT (array_position(" + ids_sql + ", r.id))::integer)"),
              0);
    // Events: the published ones only, in input order.
    EXPECT_EQ(number("SELECT count(*) FROM report_event WHERE " + in_batch("report_id")), 3);
    EXPECT_EQ(number("SELECT count(*) FROM (SELECT array_position(" + ids_sql + ", report_id) AS pos, "
                     "lag(array_position(" + ids_sql + ", report_id)) OVER (ORDER BY id) AS prev "
                     "FROM report_event WHERE " + in_batch("report_id") + ") x WHERE prev >= pos"),
              0);
    // Audit: one entry per report naming it, with its own detail, in input order, chained.
    EXPECT_EQ(number("SELECT count(*) FROM (SELECT array_position(" + audit_ids + ", subject_id) AS pos, "
                     "row_number() OVER (ORDER BY seq) AS k, (detail->>'n')::integer AS d "
                     "FROM audit_log WHERE " + of_batch + ") x WHERE pos <> k OR d <> k - 1"),
              0);
    EXPECT_EQ(number("SELECT count(*) FROM audit_log WHERE " + of_batch), static_cast<std::int64_t>(n));
    audit_service audit{pool};
    auto verified = audit.verify();
    ASSERT_TRUE(verified);
    EXPECT_FALSE(verified.value().first_broken);
    // A missing audit entry is refused before anything is written.
    audit_ptrs.pop_back();
    EXPECT_THROW(pool.write_one([&](store::tx& t) { store::report_store::publish_batch(t, row_ptrs, audit_ptrs); }),
                 store::failure);
    EXPECT_EQ(number("SELECT count(*) FROM report WHERE shared_json LIKE '%batch%'"), static_cast<std::int64_t>(n));
}

}  // namespace
}  // namespace varde::service
