// The audit log's filtered listing and chain head, and organisation updates with their
// before/after entry, on a real PostgreSQL.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "service/audit_service.hpp"
#include "service/identity_service.hpp"
#include "store/audit_store.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"

namespace varde::store {
namespace {

using json = nlohmann::json;

class AuditFilter : public ::testing::Test {
protected:
    void append(std::string actor, std::string action, std::string type, std::string id) {
        pool.transact([&](tx& t) { audit_store::append(t, {actor, action, type, id, R"({"n":1})"}); });
    }
    std::vector<audit_store::stored_entry> list(audit_store::filter const& f) {
        std::vector<audit_store::stored_entry> out;
        pool.transact([&](tx& t) { out = audit_store::list(t, f); });
        return out;
    }
    std::vector<std::int64_t> seqs(audit_store::filter const& f) {
        std::vector<std::int64_t> out;
        for (auto const& e : list(f)) out.push_back(e.seq);
        return out;
    }
    void fill() {
        append("alice", "report.published", "report", "r1");       // 1
        append("oscar", "principal.revoked", "principal", "fp-1");  // 2
        append("alice", "report.published", "report", "r2");       // 3
        append("oscar", "report.retracted", "report", "r1");       // 4
        append("bob", "report.published", "report", "r3");         // 5
    }

    test::test_database db;
    pg_pool pool{{db.url(), 2}};
    service::identity_service ids{pool};
    service::audit_service audit{pool};
};

TEST_F(AuditFilter, EmptyLogHasTheGenesisHead) {
    audit_store::chain_head h;
    pool.transact([&](tx& t) { h = audit_store::head(t); });
    EXPECT_EQ(h.seq, 0);
    EXPECT_EQ(h.hash, std::string(64, '0'));
}

TEST_F(AuditFilter, HeadIsTheLastEntry) {
    fill();
    audit_store::chain_head h;
    pool.transact([&](tx& t) { h = audit_store::head(t); });
    EXPECT_EQ(h.seq, 5);
    EXPECT_EQ(h.hash, list({}).back().hash);
    auto verified = audit.verify();
    ASSERT_TRUE(verified);
    EXPECT_EQ(verified.value().head, h.hash);
    EXPECT_EQ(audit.head().value().seq, 5);
}

TEST_F(AuditFilter, FiltersCombineAndKeepChainOrder) {
    fill();
    EXPECT_EQ(seqs({}), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(seqs({0, 100, "report.published", {}, {}, {}}), (std::vector<std::int64_t>{1, 3, 5}));
    EXPECT_EQ(seqs({0, 100, {}, "report", "r1", {}}), (std::vector<std::int64_t>{1, 4}));
    EXPECT_EQ(seqs({0, 100, {}, {}, {}, "alice"}), (std::vector<std::int64_t>{1, 3}));
    EXPECT_EQ(seqs({1, 100, "report.published", {}, {}, "alice"}), (std::vector<std::int64_t>{3}));
    EXPECT_EQ(seqs({0, 2, {}, "report", {}, {}}), (std::vector<std::int64_t>{1, 3}));
    EXPECT_TRUE(seqs({0, 100, "report.published' OR '1'='1", {}, {}, {}}).empty());
    auto first = list({0, 1, {}, {}, {}, {}}).front();
    EXPECT_EQ(first.actor, "alice");
    EXPECT_EQ(json::parse(first.detail_json), json({{"n", 1}}));
    EXPECT_TRUE(first.at.ends_with("Z"));
}

TEST_F(AuditFilter, ServicePagesAndRefusesBadQueries) {
    fill();
    auto page = audit.list({{"limit", "2"}, {"action", "report.published"}});
    ASSERT_TRUE(page);
    ASSERT_EQ(page.value().entries.size(), 2u);
    ASSERT_TRUE(page.value().next_after);
    EXPECT_EQ(*page.value().next_after, 3);
    auto rest = audit.list({{"limit", "2"}, {"action", "report.published"}, {"after", "3"}});
    ASSERT_EQ(rest.value().entries.size(), 1u);
    EXPECT_FALSE(rest.value().next_after);  // the last page says so

    auto bad = audit.list({{"limit", "1001"}, {"after", "-1"}, {"actor", ""}, {"sort", "desc"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, service::error_code::invalid);
    EXPECT_EQ(bad.err().fields.size(), 4u);
}

TEST_F(AuditFilter, OrganisationUpdateRecordsBeforeAndAfter) {
    domain::organisation org{"acme", "Acme AS", {"energy"}, "NO", {{"Acme AS"}, {"acme.example"}, {}}, false};
    ASSERT_TRUE(ids.add_organisation("test", org));
    wire::organisation_patch change;
    change.names = std::vector<std::string>{"Acme AS", "Acme"};
    change.ip_ranges = std::vector<std::string>{"192.0.2.0/24"};
    auto updated = ids.update_organisation("op-fp", "acme", change);
    ASSERT_TRUE(updated) << updated.err().detail;
    EXPECT_EQ(updated.value().terms.names, *change.names);
    auto stored = ids.find_organisation("acme").value();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->terms.ip_ranges, *change.ip_ranges);
    EXPECT_EQ(stored->terms.domains, org.terms.domains);

    auto entries = list({0, 100, "organisation.updated", {}, {}, {}});
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].actor, "op-fp");
    auto detail = json::parse(entries[0].detail_json);
    EXPECT_EQ(detail["before"]["names"], json({"Acme AS"}));
    EXPECT_EQ(detail["after"]["names"], json({"Acme AS", "Acme"}));
    EXPECT_EQ(detail["after"]["ip_ranges"], json({"192.0.2.0/24"}));

    EXPECT_TRUE(ids.update_organisation("op-fp", "acme", change));  // no change: no entry
    EXPECT_EQ(list({}).size(), 2u);
    auto missing = ids.update_organisation("op-fp", "nowhere", change);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.err().code, service::error_code::not_found);
}

}  // namespace
}  // namespace varde::store
