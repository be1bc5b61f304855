// Reports end to end over mutual TLS: publish, validate, anonymise, and read only what
// TLP allows (SPEC §3–5, §8).
#include <gtest/gtest.h>

#include <algorithm>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_database.hpp"
#include "node_suite.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

json minimal_report(std::string const& tlp, json recipients = nullptr) {
    json r{{"title", "Phishing wave"}, {"summary", "Credential phishing against members."}, {"tlp", tlp},
           {"indicators", json::array({{{"type", "domain"}, {"value", "login-portal.example.net"}}})}};
    if (!recipients.is_null()) r["recipients"] = recipients;
    return r;
}

class Reports : public node_suite<Reports> {
protected:

    static client::reply post(std::string const& who, std::string const& body,
                              std::map<std::string, std::string> headers = {}) {
        headers.emplace("Content-Type", "application/json");
        return node_->connect(who)->request("POST", "/v1/reports", body, headers);
    }
    static client::reply get(std::string const& who, std::string const& path) {
        return node_->connect(who)->request("GET", path);
    }
    // Publishes and returns the new report's id.
    static std::string publish(std::string const& who, json const& report) {
        auto r = post(who, report.dump());
        EXPECT_EQ(r.status, 201u) << r.body;
        return json::parse(r.body).value("id", "");
    }

};


TEST_F(Reports, SeedCaseReachesOtherMembersAnonymised) {
    auto body = read_file(source_dir() + "/examples/apt10-remote-access-intrusion.json");
    auto created = post("alice", body);
    ASSERT_EQ(created.status, 201u) << created.body;
    auto mine = json::parse(created.body);
    EXPECT_EQ(mine["status"], "published");  // Nordkraft is trusted
    EXPECT_FALSE(mine["redactions"].empty());

    auto seen = get("bob", "/v1/reports/" + mine["id"].get<std::string>());
    ASSERT_EQ(seen.status, 200u) << seen.body;
    for (char const* secret : {"Nordkraft", "nordkraft", "NORDKRAFT", "kari.nordmann", "ctx-gw01", "10.20.30.40",
                               "198.51.100.23", "22 33 44 55", "svc_citrix", "redactions", "recipients"})
        EXPECT_EQ(seen.body.find(secret), std::string::npos) << "leaked: " << secret << "\n" << seen.body;
    for (char const* kept : {"APT10", "Stone Panda", "Trochilus", "T1574.002", "192.0.2.41", "192.0.2.77",
                             "update-citrix-cdn.example.net", "it-support@update-citrix-cdn.example.net",
                             "9f2a4e1b7c3d5e6f80918273645546372819aabbccddeeff0011223344556677", "[ORG]", "[EMAIL]"})
        EXPECT_NE(seen.body.find(kept), std::string::npos) << "missing: " << kept << "\n" << seen.body;
    EXPECT_TRUE(json::parse(seen.body)["source"].is_null());
}

TEST_F(Reports, EveryValidationErrorInOneAnswerAndNothingWritten) {
    json bad{{"title", ""}, {"summary", "x"}, {"tlp", "GREEN"}, {"recipients", {"org:fjordbank"}},
             {"attack_patterns", {"X1234"}}, {"surprise", true},
             {"indicators", {{{"type", "ipv4"}, {"value", "300.1.1.1"}}}}};
    auto r = post("carol", bad.dump());
    ASSERT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    auto errors = json::parse(r.body)["errors"];
    ASSERT_FALSE(errors.empty());
    std::set<std::string> fields;
    for (auto const& e : errors) fields.insert(e["field"].get<std::string>());
    EXPECT_TRUE(fields.contains("surprise")) << r.body;  // unknown fields are refused first
    auto mine = json::parse(get("carol", "/v1/reports").body);
    EXPECT_TRUE(mine["items"].empty());
}

TEST_F(Reports, SemanticErrorsAreCollectedTogether) {
    json bad{{"title", "t"}, {"summary", "s"}, {"tlp", "GREEN"}, {"recipients", {"org:fjordbank"}},
             {"attack_patterns", {"X1234"}}, {"indicators", {{{"type", "ipv4"}, {"value", "300.1.1.1"}}}}};
    auto r = post("carol", bad.dump());
    ASSERT_EQ(r.status, 400u);
    std::set<std::string> fields;
    auto problem = json::parse(r.body);
    for (auto const& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
    EXPECT_TRUE(fields.contains("recipients")) << r.body;
    EXPECT_TRUE(fields.contains("attack_patterns[0]")) << r.body;
    EXPECT_TRUE(fields.contains("indicators[0].value")) << r.body;
}

TEST_F(Reports, MissingTlpIsRefused) {
    auto r = post("carol", R"({"title":"t","summary":"s"})");
    ASSERT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("\"tlp\""), std::string::npos);
}

TEST_F(Reports, IdempotencyKeyReturnsTheFirstAnswer) {
    auto body = minimal_report("GREEN").dump();
    auto first = post("bob", body, {{"Idempotency-Key", "retry-1"}});
    auto second = post("bob", body, {{"Idempotency-Key", "retry-1"}});
    ASSERT_EQ(first.status, 201u);
    EXPECT_EQ(second.status, 201u);
    EXPECT_EQ(json::parse(first.body)["id"], json::parse(second.body)["id"]);
    auto other = post("bob", minimal_report("CLEAR").dump(), {{"Idempotency-Key", "retry-1"}});
    EXPECT_EQ(other.status, 422u);
}

TEST_F(Reports, UntrustedReportsWaitForModeration) {
    auto id = publish("bob", minimal_report("GREEN"));
    EXPECT_EQ(json::parse(get("bob", "/v1/reports/" + id).body)["status"], "pending");
    EXPECT_EQ(get("carol", "/v1/reports/" + id).status, 404u);
    EXPECT_EQ(get("oscar", "/v1/reports/" + id).status, 200u);
}

TEST_F(Reports, RedReachesOnlyNamedPersons) {
    auto id = publish("alice", minimal_report("RED", {"org:havn"}));
    EXPECT_EQ(get("carol", "/v1/reports/" + id).status, 200u);
    EXPECT_EQ(get("havn-feed", "/v1/reports/" + id).status, 404u);  // a service never sees RED
    EXPECT_EQ(get("bob", "/v1/reports/" + id).status, 404u);
    EXPECT_EQ(get("oscar", "/v1/reports/" + id).status, 200u);
}

TEST_F(Reports, AmberReachesNamedSectors) {
    auto id = publish("alice", minimal_report("AMBER", {"sector:transport"}));
    EXPECT_EQ(get("carol", "/v1/reports/" + id).status, 200u);
    EXPECT_EQ(get("havn-feed", "/v1/reports/" + id).status, 200u);
    EXPECT_EQ(get("bob", "/v1/reports/" + id).status, 404u);
}

TEST_F(Reports, InvisibleAndMissingLookTheSame) {
    auto id = publish("alice", minimal_report("RED", {"org:havn"}));
    auto hidden = get("bob", "/v1/reports/" + id);
    auto missing = get("bob", "/v1/reports/00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(hidden.status, 404u);
    EXPECT_EQ(missing.status, 404u);
    EXPECT_EQ(json::parse(hidden.body)["detail"], json::parse(missing.body)["detail"]);
    EXPECT_EQ(get("bob", "/v1/reports/not-a-uuid").status, 404u);
}

TEST_F(Reports, IndicatorSearchAndRelatedNeverRevealHiddenReports) {
    json shared = minimal_report("GREEN");
    shared["indicators"] = {{{"type", "ipv4"}, {"value", "203.0.113.9"}}};
    json secret = minimal_report("RED", {"org:havn"});
    secret["indicators"] = {{{"type", "ipv4"}, {"value", "203.0.113.9"}}};
    auto open_id = publish("alice", shared);
    auto red_id = publish("alice", secret);

    auto for_bob = json::parse(get("bob", "/v1/indicators/ipv4/203.0.113.9").body);
    ASSERT_EQ(for_bob["reports"].size(), 1u);
    EXPECT_EQ(for_bob["reports"][0]["id"], open_id);
    EXPECT_TRUE(json::parse(get("bob", "/v1/reports/" + open_id).body)["related"].empty());

    auto for_carol = json::parse(get("carol", "/v1/indicators/ipv4/203.0.113.9").body);
    EXPECT_EQ(for_carol["reports"].size(), 2u);
    auto related = json::parse(get("carol", "/v1/reports/" + open_id).body)["related"];
    ASSERT_EQ(related.size(), 1u);
    EXPECT_EQ(related[0], red_id);
}

TEST_F(Reports, PreviewShowsWhatOthersSeeAndStoresNothing) {
    json r = minimal_report("GREEN");
    r["summary"] = "Seen by kari@nordkraft.example on 10.1.2.3";
    auto before = json::parse(get("alice", "/v1/reports?limit=200").body)["items"].size();
    auto p = node_->connect("alice")->request("POST", "/v1/reports/preview", r.dump(),
                                              {{"Content-Type", "application/json"}});
    ASSERT_EQ(p.status, 200u) << p.body;
    auto preview = json::parse(p.body);
    EXPECT_EQ(preview["shared"]["summary"], "Seen by [EMAIL] on [INTERNAL-IP]");
    EXPECT_EQ(preview["redactions"].size(), 2u);
    EXPECT_EQ(json::parse(get("alice", "/v1/reports?limit=200").body)["items"].size(), before);
}

TEST_F(Reports, ListPagesWithOpaqueCursor) {
    std::set<std::string> published;
    for (int i = 0; i < 5; ++i) published.insert(publish("alice", minimal_report("AMBER+STRICT", {"org:fjordbank"})));
    std::set<std::string> seen;
    std::string path = "/v1/reports?limit=2&tlp=AMBER%2BSTRICT";
    for (int page = 0; page < 10; ++page) {
        auto r = get("bob", path);
        ASSERT_EQ(r.status, 200u) << r.body;
        auto body = json::parse(r.body);
        for (auto const& item : body["items"]) seen.insert(item["id"].get<std::string>());
        if (body["next_cursor"].is_null()) break;
        path = "/v1/reports?limit=2&tlp=AMBER%2BSTRICT&cursor=" + body["next_cursor"].get<std::string>();
    }
    EXPECT_EQ(seen, published);  // every page, no duplicate, nothing else of that TLP
    auto bad = get("bob", "/v1/reports?limit=0&cursor=zzz&colour=blue");
    ASSERT_EQ(bad.status, 400u);
    EXPECT_EQ(json::parse(bad.body)["errors"].size(), 3u);
}

TEST_F(Reports, SummaryViewListsTheSameReportsWithHeaderAndTitleOnly) {
    auto shared = publish("alice", minimal_report("AMBER+STRICT", {"org:fjordbank"}));
    publish("alice", minimal_report("AMBER+STRICT", {"org:havn"}));  // not for bob
    auto full = json::parse(get("bob", "/v1/reports?limit=200").body)["items"];
    auto summary = json::parse(get("bob", "/v1/reports?limit=200&view=summary").body)["items"];
    ASSERT_EQ(summary.size(), full.size());
    for (std::size_t i = 0; i < full.size(); ++i) {
        auto const& s = summary[i];
        EXPECT_EQ(s["id"], full[i]["id"]);
        EXPECT_EQ(s["title"], full[i]["title"]);
        for (auto const* key : {"status", "tlp", "source", "published_at"}) EXPECT_EQ(s[key], full[i][key]) << key;
        EXPECT_FALSE(s.contains("summary"));
        EXPECT_FALSE(s.contains("indicators"));
        EXPECT_FALSE(s.contains("created_at"));  // as in the member view
    }
    EXPECT_TRUE(std::any_of(summary.begin(), summary.end(), [&](json const& s) { return s["id"] == shared; }));
    // The originator sees its own submission time, as in the owner view.
    auto mine = json::parse(get("alice", "/v1/reports?limit=1&view=summary").body)["items"];
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_TRUE(mine[0].contains("created_at"));
    auto bad = get("bob", "/v1/reports?view=brief");
    ASSERT_EQ(bad.status, 400u);
    EXPECT_EQ(json::parse(bad.body)["errors"][0]["field"], "view");
}

}  // namespace
}  // namespace varde::test
