// Moderation, TLP changes and retraction end to end (SPEC §4 "Changing TLP", §6), with the
// audit chain verified after the mixed run.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "store/audit_store.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "node_suite.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

class Moderation : public node_suite<Moderation> {
protected:

    // A report by `who`; returns its id.
    static std::string submit(std::string const& who, std::string const& tlp = "GREEN", json recipients = nullptr) {
        json r{{"title", "Ransomware via VPN"}, {"summary", "Seen at Fjordbank ASA by ops@fjordbank.example"}, {"tlp", tlp}};
        if (!recipients.is_null()) r["recipients"] = recipients;
        auto reply = call(who, "POST", "/v1/reports", r.dump());
        EXPECT_EQ(reply.status, 201u) << reply.body;
        return json::parse(reply.body).value("id", "");
    }
    static std::string path(std::string const& id, std::string const& act = "") {
        return "/v1/reports/" + id + (act.empty() ? "" : "/" + act);
    }

};


TEST_F(Moderation, QueueShowsOriginalScrubbedTextAndTrueSource) {
    auto id = submit("bob");
    auto q = call("oscar", "GET", "/v1/moderation/queue");
    ASSERT_EQ(q.status, 200u);
    auto queue = json::parse(q.body);
    json item;
    for (auto const& i : queue["items"])
        if (i["id"] == id) item = i;
    ASSERT_FALSE(item.is_null()) << q.body;
    EXPECT_EQ(item["origin_org"], "fjordbank");
    EXPECT_EQ(item["original"]["summary"], "Seen at Fjordbank ASA by ops@fjordbank.example");
    EXPECT_EQ(item["summary"], "Seen at [ORG] by [EMAIL]");
    EXPECT_FALSE(item["redactions"].empty());
}

TEST_F(Moderation, MembersCannotReachOperatorActs) {
    auto id = submit("bob");
    EXPECT_EQ(call("bob", "GET", "/v1/moderation/queue").status, 404u);
    EXPECT_EQ(call("bob", "POST", path(id, "approve")).status, 404u);  // not even its own
    EXPECT_EQ(call("alice", "POST", path(id, "reject"), R"({"reason":"x"})").status, 404u);
    EXPECT_EQ(json::parse(call("bob", "GET", path(id)).body)["status"], "pending");
}

TEST_F(Moderation, ApproveWithEditAndTighteningPublishes) {
    auto id = submit("bob", "AMBER", {"sector:transport", "org:nordkraft"});
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);  // pending
    auto approved = call("oscar", "POST", path(id, "approve"),
                         R"({"summary":"Edited: seen at Fjordbank","tlp":"AMBER","recipients":["sector:transport"]})");
    ASSERT_EQ(approved.status, 200u) << approved.body;
    auto seen = call("carol", "GET", path(id));
    ASSERT_EQ(seen.status, 200u);
    EXPECT_EQ(json::parse(seen.body)["summary"], "Edited: seen at [ORG]");  // the edit is scrubbed too
    EXPECT_EQ(call("alice", "GET", path(id)).status, 404u);  // narrowed away
}

TEST_F(Moderation, ApproveCannotLoosen) {
    auto id = submit("bob", "RED", {"org:havn"});
    auto r = call("oscar", "POST", path(id, "approve"), R"({"tlp":"GREEN"})");
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(json::parse(call("oscar", "GET", path(id)).body)["status"], "pending");
}

TEST_F(Moderation, RejectionReasonReachesTheOriginatorOnly) {
    auto id = submit("bob");
    EXPECT_EQ(call("oscar", "POST", path(id, "reject"), "{}").status, 400u);  // a reason is required
    auto r = call("oscar", "POST", path(id, "reject"), R"({"reason":"duplicate of an earlier report"})");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto mine = json::parse(call("bob", "GET", path(id)).body);
    EXPECT_EQ(mine["status"], "rejected");
    EXPECT_EQ(mine["reject_reason"], "duplicate of an earlier report");
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);
    EXPECT_EQ(call("oscar", "POST", path(id, "approve")).status, 409u);  // acting on a decided report
}

TEST_F(Moderation, TwoOperatorsAtOnceExactlyOneWins) {
    auto id = submit("bob");
    std::atomic<int> ok{0}, conflict{0};
    std::vector<std::thread> ops;
    for (int i = 0; i < 4; ++i)
        ops.emplace_back([&, i] {
            auto r = i % 2 ? call("oscar", "POST", path(id, "approve"))
                           : call("oscar", "POST", path(id, "reject"), R"({"reason":"no"})");
            (r.status == 200 ? ok : conflict)++;
            EXPECT_TRUE(r.status == 200 || r.status == 409) << r.status << r.body;
        });
    for (auto& t : ops) t.join();
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(conflict, 3);
}

TEST_F(Moderation, RetractionIs410ForReadersAnd404ForOthers) {
    auto id = submit("alice", "AMBER", {"org:fjordbank"});  // trusted: published at once
    ASSERT_EQ(call("bob", "GET", path(id)).status, 200u);
    EXPECT_EQ(call("bob", "POST", path(id, "retract")).status, 403u);  // a reader, not the originator
    ASSERT_EQ(call("alice", "POST", path(id, "retract")).status, 200u);
    EXPECT_EQ(call("bob", "GET", path(id)).status, 410u);
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);
    EXPECT_EQ(json::parse(call("alice", "GET", path(id)).body)["status"], "retracted");
    EXPECT_EQ(call("oscar", "GET", path(id)).status, 200u);
    EXPECT_EQ(call("alice", "POST", path(id, "retract")).status, 409u);
    EXPECT_EQ(call("alice", "POST", path(id, "tlp"), R"({"tlp":"RED","recipients":["org:fjordbank"]})").status, 409u);
}

TEST_F(Moderation, OriginatorLoosensAndTightensDirectly) {
    auto id = submit("alice", "RED", {"org:fjordbank"});
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);
    auto loosened = call("alice", "POST", path(id, "tlp"), R"({"tlp":"GREEN","recipients":["org:fjordbank"]})");
    ASSERT_EQ(loosened.status, 200u) << loosened.body;
    EXPECT_TRUE(json::parse(loosened.body)["recipients"].empty());  // GREEN drops recipients
    EXPECT_EQ(call("carol", "GET", path(id)).status, 200u);
    ASSERT_EQ(call("alice", "POST", path(id, "tlp"), R"({"tlp":"AMBER+STRICT","recipients":["org:havn"]})").status, 200u);
    EXPECT_EQ(call("bob", "GET", path(id)).status, 404u);
    EXPECT_EQ(call("carol", "GET", path(id)).status, 200u);
    auto bad = call("alice", "POST", path(id, "tlp"), R"({"tlp":"AMBER+STRICT","recipients":["sector:finance"]})");
    EXPECT_EQ(bad.status, 400u);  // sectors are not allowed for AMBER+STRICT
}

TEST_F(Moderation, OperatorLooseningIsOnlyAProposalUntilAccepted) {
    auto id = submit("alice", "AMBER+STRICT", {"org:fjordbank"});
    auto proposed = call("oscar", "POST", path(id, "tlp"), R"({"tlp":"GREEN"})");
    ASSERT_EQ(proposed.status, 202u) << proposed.body;
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);  // not in effect
    EXPECT_EQ(call("bob", "POST", path(id, "tlp-proposal/accept")).status, 403u);  // a reader, not the originator
    ASSERT_EQ(call("alice", "POST", path(id, "tlp-proposal/accept")).status, 200u);
    EXPECT_EQ(call("carol", "GET", path(id)).status, 200u);
    EXPECT_EQ(call("alice", "POST", path(id, "tlp-proposal/accept")).status, 404u);  // nothing open now

    auto second = submit("alice", "AMBER+STRICT", {"org:fjordbank"});
    ASSERT_EQ(call("oscar", "POST", path(second, "tlp"), R"({"tlp":"CLEAR"})").status, 202u);
    ASSERT_EQ(call("alice", "POST", path(second, "tlp-proposal/decline")).status, 200u);
    EXPECT_EQ(call("carol", "GET", path(second)).status, 404u);
}

TEST_F(Moderation, AProposalDiesWithItsReport) {
    auto id = submit("alice", "RED", {"org:fjordbank"});
    ASSERT_EQ(call("oscar", "POST", path(id, "tlp"), R"({"tlp":"GREEN"})").status, 202u);
    ASSERT_EQ(call("alice", "POST", path(id, "retract")).status, 200u);
    EXPECT_EQ(call("alice", "POST", path(id, "tlp-proposal/accept")).status, 409u);
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);  // never loosened: still 404, not 410
}

TEST_F(Moderation, RetargetingRecordsAWithdrawal) {
    auto id = submit("alice", "AMBER+STRICT", {"org:fjordbank"});
    ASSERT_EQ(call("alice", "POST", path(id, "tlp"), R"({"tlp":"AMBER+STRICT","recipients":["org:havn"]})").status, 200u);
    store::pg_pool pool({db_->url(), 1});
    std::vector<std::string> kinds;
    pool.transact([&](store::tx& t) {
        static constexpr store::statement events{"test_events_2", "SELECT kind FROM report_event WHERE report_id = $1::uuid ORDER BY id"};
        for (auto const& r : t.exec(events, {id})) kinds.push_back(r.text(0));
    });
    EXPECT_EQ(kinds, (std::vector<std::string>{"report.published", "report.updated", "report.withdrawn"}));
}

TEST_F(Moderation, OperatorTighteningAppliesAtOnce) {
    auto id = submit("alice", "GREEN");
    auto r = call("oscar", "POST", path(id, "tlp"), R"({"tlp":"AMBER","recipients":["sector:finance"]})");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(call("bob", "GET", path(id)).status, 200u);
    EXPECT_EQ(call("carol", "GET", path(id)).status, 404u);
}

TEST_F(Moderation, TrustedReportsAppearForReviewAfterTheFact) {
    auto id = submit("alice");
    auto review = json::parse(call("oscar", "GET", "/v1/moderation/review").body);
    bool listed = false;
    for (auto const& i : review["items"]) listed |= i["id"] == id;
    EXPECT_TRUE(listed);
    ASSERT_EQ(call("oscar", "POST", path(id, "reviewed")).status, 200u);
    review = json::parse(call("oscar", "GET", "/v1/moderation/review").body);
    for (auto const& i : review["items"]) EXPECT_NE(i["id"], id);
}

TEST_F(Moderation, AuditChainIsIntactAfterMixedActsAndRecordsThem) {
    auto a = submit("bob");
    ASSERT_EQ(call("oscar", "POST", path(a, "approve")).status, 200u);
    ASSERT_EQ(call("bob", "POST", path(a, "retract")).status, 200u);
    store::pg_pool pool({db_->url(), 1});
    store::audit_store::verify_result v;
    std::vector<store::audit_store::stored_entry> entries;
    pool.transact([&](store::tx& t) {
        v = store::audit_store::verify(t);
        entries = store::audit_store::list(t, 0, 10000);
    });
    EXPECT_FALSE(v.first_broken);
    std::vector<std::string> acts;
    for (auto const& e : entries)
        if (e.subject_id == a) acts.push_back(e.action);
    EXPECT_EQ(acts, (std::vector<std::string>{"report.submitted", "report.approved", "report.retracted"}));

    // The events a stream will carry were recorded with the acts, in order.
    std::vector<std::string> kinds;
    pool.transact([&](store::tx& t) {
        static constexpr store::statement events{"test_events", "SELECT kind FROM report_event WHERE report_id = $1::uuid ORDER BY id"};
        for (auto const& r : t.exec(events, {a})) kinds.push_back(r.text(0));
    });
    EXPECT_EQ(kinds, (std::vector<std::string>{"report.published", "report.retracted"}));
}

}  // namespace
}  // namespace varde::test
