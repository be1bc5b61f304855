// The report use cases against a real PostgreSQL, below HTTP: originals are operator-only
// and purged after their retention.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/hmac_keyed_hash.hpp"
#include "service/identity_service.hpp"
#include "service/report_service.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::service {
namespace {

using json = nlohmann::json;

class ReportStore : public ::testing::Test {
protected:
    void SetUp() override { test::seed_examples(db.url()); }

    domain::principal principal(std::string const& name) {
        auto r = ids.authenticate(test::fingerprint_of(name));
        EXPECT_TRUE(r && r.value().status == auth_status::ok);
        return r.value().who;
    }

    test::test_database db;
    store::pg_pool pool{{db.url(), 2}};
    identity_service ids{pool};
    app::hmac_keyed_hash keys{"integration-test-secret-0123456789abcdef"};
    report_service reports{pool, keys, {}};
};

TEST_F(ReportStore, OriginalIsForOperatorsOnlyAndPurgedAfterRetention) {
    auto alice = principal("alice"), oscar = principal("oscar");
    auto created = reports.publish(alice, R"({"title":"t","summary":"mail jane@nordkraft.example","tlp":"GREEN"})", std::nullopt);
    ASSERT_TRUE(created);
    auto id = json::parse(created.value().body)["id"].get<std::string>();
    EXPECT_FALSE(json::parse(created.value().body).contains("original"));  // not even the originator

    auto as_operator = json::parse(reports.get(oscar, id).value());
    ASSERT_TRUE(as_operator.contains("original"));
    EXPECT_EQ(as_operator["original"]["summary"], "mail jane@nordkraft.example");
    EXPECT_EQ(as_operator["origin_org"], "nordkraft");

    EXPECT_EQ(reports.purge_expired_originals().value(), 0);  // within retention
    db.exec("UPDATE report_original SET purge_after = now() - interval '1 second'");
    EXPECT_EQ(reports.purge_expired_originals().value(), 1);
    EXPECT_FALSE(json::parse(reports.get(oscar, id).value()).contains("original"));
}

TEST_F(ReportStore, PseudonymIsStablePerOrganisationAndHidesTheName) {
    auto alice = principal("alice"), bob = principal("bob");
    std::string body = R"({"title":"t","summary":"s","tlp":"GREEN","attribution":"pseudonymous"})";
    auto first = json::parse(reports.publish(alice, body, std::nullopt).value().body);
    auto second = json::parse(reports.publish(alice, body, std::nullopt).value().body);
    ASSERT_TRUE(first["source"].is_string());
    EXPECT_EQ(first["source"], second["source"]);
    auto seen = reports.get(bob, first["id"].get<std::string>()).value();
    EXPECT_EQ(seen.find("Nordkraft"), std::string::npos);
    EXPECT_EQ(seen.find("nordkraft"), std::string::npos);
    EXPECT_EQ(json::parse(seen)["source"], first["source"]);
}

TEST_F(ReportStore, RefusedReportWritesNothing) {
    auto carol = principal("carol");
    auto refused = reports.publish(carol, R"({"title":"t","summary":"s","tlp":"RED"})", std::string("k1"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.err().code, error_code::invalid);
    auto page = json::parse(reports.list(principal("oscar"), {}).value());
    EXPECT_TRUE(page["items"].empty());
    // The idempotency key was not consumed by the refusal either.
    EXPECT_TRUE(reports.publish(carol, R"({"title":"t","summary":"s","tlp":"GREEN"})", std::string("k1")));
}

TEST_F(ReportStore, WarnsWhenSectorAndCountryWouldSingleOutTheSource) {
    auto alice = principal("alice");
    std::string body = R"({"title":"t","summary":"s","tlp":"GREEN",
                           "incident":{"sector":"energy","country":"NO"}})";
    auto preview = json::parse(reports.preview(alice, body).value());
    ASSERT_EQ(preview["warnings"].size(), 1u);  // Nordkraft is the only energy member in NO
    EXPECT_NE(preview["warnings"][0].get<std::string>().find("energy"), std::string::npos);
    auto created = json::parse(reports.publish(alice, body, std::nullopt).value().body);
    EXPECT_EQ(created["warnings"], preview["warnings"]);
    auto vague = json::parse(reports.preview(alice, R"({"title":"t","summary":"s","tlp":"GREEN"})").value());
    EXPECT_TRUE(vague["warnings"].empty());
}

}  // namespace
}  // namespace varde::service
