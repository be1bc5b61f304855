// Batched report reads (report_store::find_many_with_related_call, used by
// service::report_read_batcher): each read in one statement, each with its own reader, must
// find exactly what the read alone (find_with_related) finds: the same report and access,
// the same original for operators only, the same related list for that reader.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/hmac_keyed_hash.hpp"
#include "service/identity_service.hpp"
#include "service/report_service.hpp"
#include "store/errors.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::store {
namespace {

namespace rs = report_store;
using json = nlohmann::json;

class BatchedReads : public ::testing::Test {
protected:
    void SetUp() override { test::seed_examples(db.url()); }

    domain::principal principal(std::string const& name) {
        auto r = ids.authenticate(test::fingerprint_of(name));
        EXPECT_TRUE(r && r.value().status == service::auth_status::ok);
        return r.value().who;
    }

    // A report sharing indicators with others: the shared domain links them all, the second
    // indicator only those published with the same `group`.
    std::string publish(std::string const& who, std::string const& tlp, std::string const& group,
                        json recipients = nullptr) {
        json r{{"title", "Batched " + tlp}, {"summary", "Reported by ops@nordkraft.example"}, {"tlp", tlp},
               {"indicators", json::array({{{"type", "domain"}, {"value", "batched-read.example.net"}},
                                           {{"type", "domain"}, {"value", group + ".batched.example.net"}}})}};
        if (!recipients.is_null()) r["recipients"] = recipients;
        auto created = reports.publish(principal(who), r.dump(), std::nullopt);
        EXPECT_TRUE(created) << (created ? "" : created.err().detail);
        return created ? json::parse(created.value().body).value("id", "") : "";
    }

    std::optional<rs::report_with_related> alone(std::string const& id, domain::principal const& who) {
        std::optional<rs::report_with_related> out;
        pool.read([&](tx& t) { out = rs::find_with_related(t, id, who, 50); });
        return out;
    }

    std::vector<std::optional<rs::report_with_related>> together(std::vector<rs::report_read> const& reads,
                                                                  std::size_t limit = 50) {
        std::vector<row> rows;
        auto call = rs::find_many_with_related_call(reads, limit);
        pool.read([&](tx& t) { rows = t.exec(call.s, call.params); });
        return rs::read_many_with_related(std::move(rows), reads.size());
    }

    test::test_database db;
    pg_pool pool{{db.url(), 2}};
    service::identity_service ids{pool};
    app::hmac_keyed_hash keys{"integration-test-secret-0123456789abcdef"};
    service::report_service reports{pool, keys, {}};
};

void expect_same(std::optional<rs::report_with_related> const& batched,
                 std::optional<rs::report_with_related> const& single, std::string const& what) {
    ASSERT_EQ(batched.has_value(), single.has_value()) << what;
    if (!single) return;
    auto const &b = batched->report, &s = single->report;
    EXPECT_EQ(b.id, s.id) << what;
    EXPECT_EQ(b.access, s.access) << what;
    EXPECT_EQ(b.status, s.status) << what;
    EXPECT_EQ(b.tlp, s.tlp) << what;
    EXPECT_EQ(b.origin_org, s.origin_org) << what;
    EXPECT_EQ(b.to.orgs, s.to.orgs) << what;
    EXPECT_EQ(b.to.sectors, s.to.sectors) << what;
    EXPECT_EQ(b.created_at, s.created_at) << what;
    EXPECT_EQ(b.published_at, s.published_at) << what;
    EXPECT_EQ(b.shared_json, s.shared_json) << what;
    EXPECT_EQ(b.redactions_json, s.redactions_json) << what;
    EXPECT_EQ(b.seq, s.seq) << what;
    EXPECT_EQ(b.original_body, s.original_body) << what;
    EXPECT_EQ(batched->related, single->related) << what;
}

// Every reader of the visibility table beside every other in one statement, each report
// read by each of them, in two orders: every answer is the read alone's.
TEST_F(BatchedReads, EachReadInABatchFindsWhatItFindsAlone) {
    auto green = publish("alice", "GREEN", "a");
    auto amber = publish("alice", "AMBER", "a", {"org:fjordbank"});
    auto sector = publish("alice", "AMBER", "b", {"sector:transport"});
    auto strict = publish("alice", "AMBER+STRICT", "b", {"org:havn"});
    auto red = publish("alice", "RED", "a", {"org:havn"});
    auto retracted = publish("alice", "AMBER", "b", {"org:fjordbank"});
    ASSERT_TRUE(reports.retract(principal("alice"), retracted));
    auto pending = publish("bob", "GREEN", "a");  // Fjordbank is not trusted: moderated first
    std::string const missing = "0b7e3a52-6d1f-4c1e-9a57-3f5a2b8c9d10";
    std::vector<std::string> const targets = {green, amber, sector, strict, red, retracted, pending, missing};
    // Two readers of our own making: sectors whose names need quoting in an array literal
    // (each read's sectors travel as an array literal inside an array literal), and none.
    auto quoted = principal("carol");
    quoted.org_sectors = {"it \"services\"", "a,b}", "{x}", "back\\slash", "transport"};
    auto sectorless = principal("bob");
    sectorless.org_sectors.clear();
    std::vector<domain::principal> const readers = {principal("alice"), principal("bob"),  principal("carol"),
                                                    principal("havn-feed"), principal("oscar"), quoted,
                                                    sectorless};

    std::vector<rs::report_read> in_order, reversed;
    for (auto const& who : readers)
        for (auto const& id : targets) in_order.push_back({id, who});
    for (auto r = in_order.rbegin(); r != in_order.rend(); ++r) reversed.push_back(*r);
    for (auto const* order : {&in_order, &reversed}) {
        auto const& reads = *order;
        auto answers = together(reads);
        ASSERT_EQ(answers.size(), reads.size());
        std::size_t found = 0, full_with_related = 0;
        for (std::size_t i = 0; i < reads.size(); ++i) {
            auto single = alone(reads[i].id, reads[i].who);
            expect_same(answers[i], single, reads[i].who.org_slug + "/" + std::string(domain::to_string(reads[i].who.kind)) +
                                                " reads " + reads[i].id);
            found += single.has_value();
            full_with_related += single && single->report.access == "full" && !single->related.empty();
        }
        // The table is the one it claims to be: some reads find nothing, some are gone, the
        // rest have related reports that differ by reader.
        EXPECT_LT(found, reads.size());
        EXPECT_GT(full_with_related, 10u);
    }
    // The quoted sectors arrive whole: "transport" among them lets that reader see the AMBER
    // report for the transport sector, in a batch as alone; the reader without sectors does not.
    auto sector_reads = together({{sector, quoted}, {sector, sectorless}, {green, quoted}});
    ASSERT_TRUE(sector_reads[0]);
    EXPECT_EQ(sector_reads[0]->report.access, "full");
    EXPECT_FALSE(sector_reads[1]);
    ASSERT_TRUE(sector_reads[2]);
    EXPECT_EQ(sector_reads[2]->report.access, "full");
    // The readers do see different related lists of the same report (the RED one is carol's
    // and alice's, not havn-feed's).
    auto const carol_sees = alone(green, readers[2]), feed_sees = alone(green, readers[3]);
    ASSERT_TRUE(carol_sees && feed_sees);
    EXPECT_NE(carol_sees->related, feed_sees->related);
}

// The related lists keep their limit per read, newest first, in a batch as alone.
TEST_F(BatchedReads, TheRelatedLimitHoldsForEachRead) {
    std::vector<std::string> published;
    for (int i = 0; i < 5; ++i) published.push_back(publish("alice", "GREEN", "c"));
    auto bob = principal("bob"), oscar = principal("oscar");
    std::vector<rs::report_read> reads{{published[0], bob}, {published[4], oscar}, {published[2], bob}};
    auto answers = together(reads, 2);
    ASSERT_EQ(answers.size(), 3u);
    for (std::size_t i = 0; i < reads.size(); ++i) {
        ASSERT_TRUE(answers[i]) << i;
        EXPECT_EQ(answers[i]->report.id, reads[i].id);
        EXPECT_EQ(answers[i]->related.size(), 2u) << i;
        std::optional<rs::report_with_related> single;
        pool.read([&](tx& t) { single = rs::find_with_related(t, reads[i].id, reads[i].who, 2); });
        EXPECT_EQ(answers[i]->related, single->related) << i;
    }
    EXPECT_EQ(answers[0]->related, (std::vector<std::string>{published[4], published[3]}));
}

// Rows that do not match the reads asked are refused, not given to the wrong read.
TEST(BatchedReadRows, ARowForAReadNotAskedIsRefused) {
    auto row_at = [](std::string position) {
        std::vector<std::optional<std::string>> cells(19);
        cells[18] = std::move(position);
        return row(std::move(cells));
    };
    auto expect_refused = [&](std::vector<row> rows, std::size_t reads) {
        try {
            rs::read_many_with_related(std::move(rows), reads);
            ADD_FAILURE() << "accepted";
        } catch (failure const& f) {
            EXPECT_EQ(f.kind(), error_kind::internal);
        }
    };
    expect_refused({row_at("0")}, 2);
    expect_refused({row_at("3")}, 2);
    expect_refused({row_at("-1")}, 2);
    // Nothing read: every read without a report.
    auto none = rs::read_many_with_related({}, 3);
    EXPECT_EQ(none.size(), 3u);
    for (auto const& n : none) EXPECT_FALSE(n);
}

}  // namespace
}  // namespace varde::store
