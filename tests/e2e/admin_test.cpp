// Operator administration over HTTPS (/v1/admin/...): organisations, principals and the audit
// log, end to end over mutual TLS. Only operators reach these routes; every act is audited.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "store/audit_store.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "node_suite.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

std::set<std::string> fields_of(client::reply const& r) {
    std::set<std::string> fields;
    auto problem = json::parse(r.body);
    for (auto const& e : problem["errors"]) fields.insert(e["field"].get<std::string>());
    return fields;
}

class Admin : public node_suite<Admin> {
protected:
    // Whatever a test did, the audit chain still verifies.
    void TearDown() override {
        if (!setup_error_.empty()) return;
        auto r = verify_chain();
        EXPECT_FALSE(r.first_broken) << "audit chain broken at " << *r.first_broken;
    }

    static store::audit_store::verify_result verify_chain() {
        store::pg_pool pool({db_->url(), 1});
        store::audit_store::verify_result r;
        pool.transact([&](store::tx& t) { r = store::audit_store::verify(t); });
        return r;
    }
    static std::int64_t audit_size() { return verify_chain().checked; }
    static json audit(std::string const& query) {
        auto r = call("oscar", "GET", "/v1/admin/audit" + query);
        EXPECT_EQ(r.status, 200u) << r.body;
        return json::parse(r.body);
    }
    static json organisation(std::string const& slug) {
        auto all = json::parse(call("oscar", "GET", "/v1/admin/organisations").body);
        for (auto const& o : all["organisations"])
            if (o["slug"] == slug) return o;
        return nullptr;
    }
    static std::string publish(std::string const& who, std::string const& summary) {
        json report{{"title", "Phishing wave"}, {"summary", summary}, {"tlp", "GREEN"}};
        auto r = call(who, "POST", "/v1/reports", report.dump());
        EXPECT_EQ(r.status, 201u) << r.body;
        return json::parse(r.body).value("id", "");
    }

};


json new_org() {
    return {{"slug", "skog"},           {"name", "Skog Kraft AS"},  {"country", "no"},
            {"sectors", {"Energy"}},    {"names", {"Skog Kraft AS", "Skogkraft"}},
            {"domains", {"SKOG.example."}}, {"ip_ranges", {"2001:DB8:5::/48", "192.0.2.0/28"}},
            {"trusted", false}};
}

TEST_F(Admin, MembersGet404OnEveryAdminPath) {
    auto revoke_carol = "/v1/admin/principals/" + fingerprint_of("carol") + "/revoke";
    auto before = audit_size();
    struct attempt {
        std::string method, path, body;
    };
    std::vector<attempt> attempts{{"GET", "/v1/admin/organisations", ""},
                                  {"POST", "/v1/admin/organisations", new_org().dump()},
                                  {"PATCH", "/v1/admin/organisations/fjordbank", R"({"trusted":true})"},
                                  {"POST", "/v1/admin/principals", R"({"org":"fjordbank"})"},
                                  {"POST", revoke_carol, ""},
                                  {"GET", "/v1/admin/audit", ""},
                                  {"DELETE", "/v1/admin/audit", ""}};
    for (auto const& [method, path, body] : attempts) {
        auto r = call("bob", method, path, body);
        EXPECT_EQ(r.status, 404u) << method << " " << path << ": " << r.body;
        EXPECT_EQ(r.header("content-type"), "application/problem+json");
    }
    EXPECT_EQ(audit_size(), before);
    EXPECT_EQ(call("carol", "GET", "/v1/whoami").status, 200u);  // not revoked by bob
    EXPECT_EQ(call("oscar", "DELETE", "/v1/admin/audit").status, 405u);  // operators see the path
}

TEST_F(Admin, OperatorListsOrganisations) {
    auto r = call("oscar", "GET", "/v1/admin/organisations");
    ASSERT_EQ(r.status, 200u) << r.body;
    std::set<std::string> slugs;
    auto all = json::parse(r.body);
    for (auto const& o : all["organisations"]) slugs.insert(o["slug"].get<std::string>());
    EXPECT_EQ(slugs, (std::set<std::string>{"cert", "fjordbank", "havn", "nordkraft"}));
    auto nordkraft = organisation("nordkraft");
    EXPECT_EQ(nordkraft["trusted"], true);
    EXPECT_EQ(nordkraft["ip_ranges"], json({"198.51.100.0/25", "2001:db8:4e4b::/48"}));
}

TEST_F(Admin, CreatesOrganisationNormalisedAndAudited) {
    auto r = call("oscar", "POST", "/v1/admin/organisations", new_org().dump());
    ASSERT_EQ(r.status, 201u) << r.body;
    auto created = json::parse(r.body);
    EXPECT_EQ(created["country"], "NO");
    EXPECT_EQ(created["sectors"], json({"energy"}));
    EXPECT_EQ(created["domains"], json({"skog.example"}));
    EXPECT_EQ(created["ip_ranges"], json({"2001:db8:5::/48", "192.0.2.0/28"}));
    EXPECT_EQ(organisation("skog"), created);

    auto entries = audit("?action=organisation.created&subject_id=skog")["entries"];
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0]["actor"], fingerprint_of("oscar"));
    EXPECT_EQ(entries[0]["detail"]["after"]["domains"], json({"skog.example"}));

    auto before = audit_size();
    auto again = call("oscar", "POST", "/v1/admin/organisations", new_org().dump());
    EXPECT_EQ(again.status, 409u) << again.body;
    EXPECT_EQ(fields_of(again), std::set<std::string>{"slug"});
    EXPECT_EQ(audit_size(), before);
}

TEST_F(Admin, BadOrganisationNamesEveryFieldAndWritesNothing) {
    auto before = audit_size();
    json bad{{"slug", "Bad Slug"}, {"name", ""},  {"country", "Norway"}, {"sectors", {"ok", 7}},
             {"domains", {"not a domain"}}, {"ip_ranges", {"10.0.0.1/8", "300.0.0.0/8"}},
             {"trusted", "yes"}, {"colour", "blue"}};
    auto r = call("oscar", "POST", "/v1/admin/organisations", bad.dump());
    ASSERT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(fields_of(r), (std::set<std::string>{"slug", "name", "country", "sectors[1]", "domains[0]",
                                                   "ip_ranges[0]", "ip_ranges[1]", "trusted", "colour"}));
    EXPECT_NE(r.body.find("10.0.0.0/8"), std::string::npos) << r.body;  // names the network
    auto missing = call("oscar", "POST", "/v1/admin/organisations", "{}");
    EXPECT_EQ(fields_of(missing), (std::set<std::string>{"slug", "name", "country"}));
    EXPECT_EQ(call("oscar", "POST", "/v1/admin/organisations", "[1]").status, 400u);
    EXPECT_EQ(call("oscar", "POST", "/v1/admin/organisations", R"({"slug":"a","slug":"b"})").status, 400u);
    EXPECT_EQ(audit_size(), before);
    EXPECT_TRUE(organisation("skog").is_null());
}

TEST_F(Admin, UpdatedTermsChangeWhatTheAnonymiserRemoves) {
    auto leaked = publish("alice", "Lures impersonated Kraftverket Nord staff.");
    EXPECT_NE(call("bob", "GET", "/v1/reports/" + leaked).body.find("Kraftverket Nord"), std::string::npos);

    json change{{"names", {"Nordkraft Energi AS", "Nordkraft", "NKE", "Kraftverket Nord"}},
                {"domains", {"nordkraft.example", "nke-ot.example", "kvn.example"}}};
    auto r = call("oscar", "PATCH", "/v1/admin/organisations/nordkraft", change.dump());
    ASSERT_EQ(r.status, 200u) << r.body;
    auto updated = json::parse(r.body);
    EXPECT_EQ(updated["names"], change["names"]);
    EXPECT_EQ(updated["trusted"], true);  // absent fields are kept
    EXPECT_EQ(updated["ip_ranges"], json({"198.51.100.0/25", "2001:db8:4e4b::/48"}));

    auto id = publish("alice", "Lures impersonated Kraftverket Nord staff from it@kvn.example.");
    auto seen = call("bob", "GET", "/v1/reports/" + id);
    ASSERT_EQ(seen.status, 200u) << seen.body;
    EXPECT_EQ(seen.body.find("Kraftverket Nord"), std::string::npos) << seen.body;
    EXPECT_EQ(seen.body.find("kvn.example"), std::string::npos) << seen.body;

    auto entries = audit("?action=organisation.updated&subject_type=organisation&subject_id=nordkraft")["entries"];
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0]["actor"], fingerprint_of("oscar"));
    EXPECT_EQ(entries[0]["detail"]["before"]["names"], json({"Nordkraft Energi AS", "Nordkraft", "NKE"}));
    EXPECT_EQ(entries[0]["detail"]["after"]["names"], change["names"]);
}

TEST_F(Admin, TrustedFlagDecidesModeration) {
    auto r = call("oscar", "PATCH", "/v1/admin/organisations/fjordbank", R"({"trusted":true})");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto id = publish("bob", "A phishing wave against banks.");
    EXPECT_EQ(json::parse(call("bob", "GET", "/v1/reports/" + id).body)["status"], "published");
    auto before = audit_size();  // the same change again changes nothing and writes nothing
    EXPECT_EQ(call("oscar", "PATCH", "/v1/admin/organisations/fjordbank", R"({"trusted":true})").status, 200u);
    EXPECT_EQ(audit_size(), before);
}

TEST_F(Admin, BadUpdatesAreRefusedAndWriteNothing) {
    auto before = audit_size();
    auto fixed = call("oscar", "PATCH", "/v1/admin/organisations/havn",
                      R"({"slug":"harbour","country":"SE","ip_ranges":["10.0.0.0/33"],"names":[""]})");
    ASSERT_EQ(fixed.status, 400u) << fixed.body;
    EXPECT_EQ(fields_of(fixed), (std::set<std::string>{"slug", "country", "ip_ranges[0]", "names[0]"}));
    EXPECT_EQ(call("oscar", "PATCH", "/v1/admin/organisations/havn", "{}").status, 400u);
    auto unknown = call("oscar", "PATCH", "/v1/admin/organisations/nowhere", R"({"trusted":true})");
    EXPECT_EQ(unknown.status, 404u) << unknown.body;
    EXPECT_EQ(audit_size(), before);
    EXPECT_EQ(organisation("havn")["ip_ranges"], json::array());
}

TEST_F(Admin, EnrolThenRevokeTakesEffectOnAnOpenConnection) {
    json enrol{{"org", "havn"}, {"name", "havn-ops"}, {"role", "member"}, {"kind", "person"},
               {"certificate", read_file(pki_dir() + "/unenrolled.pem")}};
    auto r = call("oscar", "POST", "/v1/admin/principals", enrol.dump());
    ASSERT_EQ(r.status, 201u) << r.body;
    auto fp = fingerprint_of("unenrolled");
    auto principal = json::parse(r.body);
    EXPECT_EQ(principal["fingerprint"], fp);
    EXPECT_EQ(principal["status"], "active");
    EXPECT_EQ(principal["org"], "havn");

    auto c = node_->connect("unenrolled");
    auto me = c->request("GET", "/v1/whoami");
    ASSERT_EQ(me.status, 200u) << me.body;
    EXPECT_EQ(json::parse(me.body)["organisation"]["slug"], "havn");

    auto twice = call("oscar", "POST", "/v1/admin/principals", enrol.dump());
    EXPECT_EQ(twice.status, 409u);
    EXPECT_EQ(fields_of(twice), std::set<std::string>{"certificate"});

    auto revoked = call("oscar", "POST", "/v1/admin/principals/" + fp + "/revoke");
    ASSERT_EQ(revoked.status, 200u) << revoked.body;
    EXPECT_EQ(json::parse(revoked.body)["status"], "revoked");
    EXPECT_EQ(json::parse(revoked.body)["name"], "havn-ops");
    EXPECT_EQ(c->request("GET", "/v1/whoami").status, 403u);  // the same, still open, connection
    EXPECT_EQ(call("oscar", "POST", "/v1/admin/principals/" + fp + "/revoke").status, 404u);

    auto mine = audit("?subject_type=principal&subject_id=" + fp)["entries"];
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(mine[0]["action"], "principal.enrolled");
    EXPECT_EQ(mine[1]["action"], "principal.revoked");
    for (auto const& e : mine) EXPECT_EQ(e["actor"], fingerprint_of("oscar"));
}

TEST_F(Admin, BadEnrolmentsAreRefusedAndWriteNothing) {
    auto before = audit_size();
    auto pem = read_file(pki_dir() + "/unenrolled.pem");
    json base{{"org", "havn"}, {"name", "x"}, {"role", "member"}, {"kind", "service"}, {"certificate", pem}};
    auto no_org = base;
    no_org["org"] = "nowhere";
    auto r = call("oscar", "POST", "/v1/admin/principals", no_org.dump());
    EXPECT_EQ(r.status, 404u) << r.body;
    EXPECT_EQ(fields_of(r), std::set<std::string>{"org"});

    auto shape = call("oscar", "POST", "/v1/admin/principals",
                      json{{"org", "havn"}, {"role", "boss"}, {"certificate", 1}, {"extra", 1}}.dump());
    ASSERT_EQ(shape.status, 400u);
    EXPECT_EQ(fields_of(shape), (std::set<std::string>{"name", "role", "kind", "certificate", "extra"}));

    auto garbage = base;
    garbage["certificate"] = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n";
    EXPECT_EQ(fields_of(call("oscar", "POST", "/v1/admin/principals", garbage.dump())), std::set<std::string>{"certificate"});
    auto with_key = base;
    with_key["certificate"] = pem + read_file(pki_dir() + "/unenrolled.key");
    EXPECT_EQ(call("oscar", "POST", "/v1/admin/principals", with_key.dump()).status, 400u);
    EXPECT_EQ(call("oscar", "POST", "/v1/admin/principals/not-a-fingerprint/revoke").status, 400u);
    EXPECT_EQ(call("oscar", "POST", "/v1/admin/principals/" + std::string(64, 'a') + "/revoke").status, 404u);
    EXPECT_EQ(audit_size(), before);
    EXPECT_EQ(node_->connect("unenrolled")->request("GET", "/v1/whoami").status, 401u);
}

TEST_F(Admin, AuditListsWithFiltersAndPages) {
    auto all = audit("?limit=1000")["entries"];
    ASSERT_EQ(all.size(), static_cast<std::size_t>(audit_size()));  // the seeding: 4 orgs, 5 principals
    ASSERT_EQ(all.size(), 9u);
    EXPECT_EQ(all[0]["seq"], 1);
    EXPECT_EQ(all[1]["prev_hash"], all[0]["hash"]);
    EXPECT_EQ(all[0]["actor"], "test-setup");

    std::vector<json> paged;
    std::string query = "?limit=4";
    for (int i = 0; i < 5; ++i) {
        auto page = audit(query);
        for (auto const& e : page["entries"]) paged.push_back(e);
        if (page["next_after"].is_null()) break;
        query = "?limit=4&after=" + std::to_string(page["next_after"].get<std::int64_t>());
    }
    EXPECT_EQ(json(paged), all);

    EXPECT_EQ(audit("?action=principal.enrolled")["entries"].size(), 5u);
    EXPECT_EQ(audit("?subject_type=organisation&after=2")["entries"].size(), 2u);
    auto oscar = audit("?subject_id=" + fingerprint_of("oscar"))["entries"];
    ASSERT_EQ(oscar.size(), 1u);
    EXPECT_EQ(oscar[0]["detail"]["after"]["role"], "operator");
    EXPECT_TRUE(audit("?actor=" + fingerprint_of("oscar"))["entries"].empty());
    EXPECT_TRUE(audit("?action=x'%20OR%20'1'='1")["entries"].empty());  // parameters, not SQL

    auto bad = call("oscar", "GET", "/v1/admin/audit?limit=0&after=minus&colour=blue");
    ASSERT_EQ(bad.status, 400u);
    EXPECT_EQ(fields_of(bad), (std::set<std::string>{"limit", "after", "colour"}));
}

// A node that logs the audit chain's head at start and on a timer; the log is captured.
TEST_F(Admin, ChainHeadIsLoggedAtStartAndOnTheInterval) {
    auto config = node_config_for(db_->url());
    config.audit_head_interval = std::chrono::seconds(1);
    testing::internal::CaptureStderr();
    {
        test_node logging(config);
        std::this_thread::sleep_for(std::chrono::milliseconds(2300));
    }
    std::string log = testing::internal::GetCapturedStderr();
    auto head = verify_chain();
    std::string line = R"("event":"audit.head","seq":)" + std::to_string(head.checked) + R"(,"hash":")" + head.head;
    std::size_t count = 0;
    for (auto at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++count;
    EXPECT_GE(count, 2u) << log;
}

}  // namespace
}  // namespace varde::test
