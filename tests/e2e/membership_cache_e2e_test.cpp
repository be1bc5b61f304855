// The membership cache seen from outside (a new connection is always checked against the
// database), and the publish answer, built without reading the report back, equals a read.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "node_suite.hpp"
#include "service/identity_service.hpp"
#include "domain/identity.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

class MembershipCacheE2e : public node_suite<MembershipCacheE2e> {};

// Until a request has read its principal from the database, a connection reads it there,
// whatever route its first requests took: every new connection is checked afresh.
// A revocation whose notification has not (yet) reached this node — another node's, or one
// whose NOTIFY was lost — must still refuse a new connection.
TEST_F(MembershipCacheE2e, FirstRequestOnANewConnectionAlwaysReadsTheDatabaseEvenAfterHealth) {
    store::pg_pool pool({db_->url(), 1});
    service::identity_service ids(pool);
    auto fp = fingerprint_of("revokee");
    service::certificate_facts facts{fp, "CN=revokee", "2030-01-01T00:00:00Z", read_file(pki_dir() + "/revokee.pem")};
    ASSERT_TRUE(ids.enrol("test", {"fjordbank", "revokee", domain::principal_role::member,
                                   domain::principal_kind::person, facts}));
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the hub listens: cache on
    auto c0 = node_->connect("revokee");
    ASSERT_EQ(c0->request("GET", "/v1/whoami").status, 200u);  // remembered now
    // The revocation as a node that has not heard the NOTIFY yet sees it.
    db_->exec("ALTER TABLE principal DISABLE TRIGGER principal_notify; "
              "UPDATE principal SET status = 'revoked', revoked_at = now() WHERE fingerprint = '" + fp + "'; "
              "ALTER TABLE principal ENABLE TRIGGER principal_notify;");
    // Precondition: the cache is on (the documented, bounded staleness of a keep-alive connection).
    ASSERT_EQ(c0->request("GET", "/v1/whoami").status, 200u) << "cache not on; test inconclusive";
    // A new connection that spends its first request on the open health route.
    auto c = node_->connect("revokee");
    EXPECT_EQ(c->request("GET", "/v1/health").status, 200u);  // (health itself answers from the cache)
    auto r = c->request("GET", "/v1/reports?limit=1");
    EXPECT_EQ(r.status, 403u) << "a revoked certificate was served on a new connection: " << r.body;
    // Control (last: a fresh read refreshes the cache): a new connection whose first request
    // is authenticated reads the database and is refused.
    EXPECT_EQ(node_->connect("revokee")->request("GET", "/v1/whoami").status, 403u);
}

// An organisation and its member added by another process (an admin command, a second node)
// whose notification this node has not heard yet: the cached list of organisations lacks it,
// yet its member can publish at once, and others can name it as a recipient at once.
TEST_F(MembershipCacheE2e, OrganisationAddedElsewhereIsKnownBeforeItsNotificationArrives) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the hub listens: cache on
    json warm{{"title", "warms the organisations"}, {"summary", "s"}, {"tlp", "GREEN"}};
    ASSERT_EQ(call("alice", "POST", "/v1/reports", warm.dump()).status, 201u);  // list cached now
    db_->exec("ALTER TABLE organisation DISABLE TRIGGER organisation_notify; "
              "ALTER TABLE principal DISABLE TRIGGER principal_notify;");
    store::pg_pool pool({db_->url(), 1});
    service::identity_service ids(pool);
    domain::organisation org;
    org.slug = "nyvik";
    org.name = "Nyvik Kommune";
    org.sectors = {"government"};
    org.country = "NO";
    ASSERT_TRUE(ids.add_organisation("test", org));
    auto fp = fingerprint_of("revokee");
    service::certificate_facts facts{fp, "CN=revokee", "2030-01-01T00:00:00Z", read_file(pki_dir() + "/revokee.pem")};
    ASSERT_TRUE(ids.enrol("test", {"nyvik", "revokee", domain::principal_role::member,
                                   domain::principal_kind::person, facts}));
    db_->exec("ALTER TABLE organisation ENABLE TRIGGER organisation_notify; "
              "ALTER TABLE principal ENABLE TRIGGER principal_notify;");
    json own{{"title", "from the new member"}, {"summary", "s"}, {"tlp", "GREEN"}};
    auto r = call("revokee", "POST", "/v1/reports", own.dump());
    EXPECT_EQ(r.status, 201u) << r.body;
    json to_it{{"title", "to the new member"}, {"summary", "s"}, {"tlp", "AMBER+STRICT"},
               {"recipients", {"org:nyvik"}}};
    auto named = call("alice", "POST", "/v1/reports", to_it.dump());
    ASSERT_EQ(named.status, 201u) << named.body;
    auto id = json::parse(named.body)["id"].get<std::string>();
    EXPECT_EQ(call("revokee", "GET", "/v1/reports/" + id).status, 200u);
}

class PublishAnswer : public node_suite<PublishAnswer> {};

json without_related(json j) {
    j.erase("related");
    return j;
}

// The 201 answer (now made from the inserted row) is exactly what GET returns to the submitter.
TEST_F(PublishAnswer, PublishAnswerEqualsWhatTheSubmitterReadsBack) {
    struct one_case {
        char const* who;
        json body;
    };
    json indicators = json::array({{{"type", "domain"}, {"value", "Review-C2.example.net"}},
                                   {{"type", "ipv4"}, {"value", "192.0.2.200"}, {"role", "attacker"}}});
    std::vector<one_case> cases = {
        {"alice", {{"title", "t1 Nordkraft"}, {"summary", "s \"quoted\" \\ back"}, {"tlp", "AMBER"},
                   {"recipients", {"org:fjordbank", "sector:finance"}}, {"attribution", "pseudonymous"},
                   {"incident", {{"category", "intrusion"}, {"sector", "energy"}, {"country", "no"}}},
                   {"indicators", indicators}}},
        {"alice", {{"title", "t2"}, {"summary", "s"}, {"tlp", "GREEN"}, {"attribution", "attributed"}}},
        {"carol", {{"title", "t3"}, {"summary", "s"}, {"tlp", "RED"}, {"recipients", {"org:fjordbank"}},
                   {"indicators", indicators}}},
        {"oscar", {{"title", "t4"}, {"summary", "s"}, {"tlp", "CLEAR"}, {"attribution", "attributed"},
                   {"indicators", indicators}}},
        {"havn-feed", {{"title", "t5"}, {"summary", "s"}, {"tlp", "GREEN"}}},
    };
    for (auto const& k : cases) {
        auto created = call(k.who, "POST", "/v1/reports", k.body.dump());
        ASSERT_EQ(created.status, 201u) << k.who << ": " << created.body;
        auto answer = json::parse(created.body);
        auto id = answer["id"].get<std::string>();
        auto read = call(k.who, "GET", "/v1/reports/" + id);
        ASSERT_EQ(read.status, 200u) << read.body;
        EXPECT_EQ(without_related(answer), without_related(json::parse(read.body)))
            << k.who << "\nPOST: " << created.body << "\nGET:  " << read.body;
    }
}

}  // namespace
}  // namespace varde::test
