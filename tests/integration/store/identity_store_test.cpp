// Organisations, principals and the audit chain on a real PostgreSQL.
#include <gtest/gtest.h>

#include <thread>

#include "service/identity_service.hpp"
#include "store/audit_store.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"

namespace varde::store {
namespace {

domain::organisation example_org(std::string slug) {
    return {slug, "Org " + slug, {"energy", "it-services"}, "NO",
            {{"Org " + slug, "O,\"quoted\""}, {slug + ".example"}, {"198.51.100.0/24", "2001:db8::/32"}}, false};
}

service::enrolment example_enrolment(std::string org, std::string name, char fp_digit) {
    return {org, name, domain::principal_role::member, domain::principal_kind::service,
            {std::string(64, fp_digit), "CN=" + name, "2030-01-01T00:00:00Z", "-----BEGIN CERTIFICATE-----"}};
}

audit_store::verify_result verify(pg_pool& pool) {
    audit_store::verify_result r;
    pool.transact([&](tx& t) { r = audit_store::verify(t); });
    return r;
}

class IdentityStore : public ::testing::Test {
protected:
    test::test_database db;
    pg_pool pool{{db.url(), 2}};
    service::identity_service ids{pool};
};

TEST_F(IdentityStore, OrganisationRoundTripsWithAllTerms) {
    auto org = example_org("acme");
    ASSERT_TRUE(ids.add_organisation("test", org));
    auto found = ids.find_organisation("acme");
    ASSERT_TRUE(found && found.value());
    auto const& o = *found.value();
    EXPECT_EQ(o.name, org.name);
    EXPECT_EQ(o.sectors, org.sectors);
    EXPECT_EQ(o.terms.names, org.terms.names);
    EXPECT_EQ(o.terms.domains, org.terms.domains);
    EXPECT_EQ(o.terms.ip_ranges, org.terms.ip_ranges);
    EXPECT_FALSE(o.trusted);
}

TEST_F(IdentityStore, DuplicateSlugIsConflictAndWritesNoAudit) {
    ASSERT_TRUE(ids.add_organisation("test", example_org("acme")));
    auto again = ids.add_organisation("test", example_org("acme"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.err().code, service::error_code::conflict);
    EXPECT_EQ(verify(pool).checked, 1);  // only the first act was audited
}

TEST_F(IdentityStore, InvalidOrganisationIsRefused) {
    auto org = example_org("acme");
    org.country = "Norway";
    auto r = ids.add_organisation("test", org);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, service::error_code::invalid);
}

TEST_F(IdentityStore, EnrolAuthenticateRevoke) {
    ASSERT_TRUE(ids.add_organisation("test", example_org("acme")));
    auto e = example_enrolment("acme", "feed", 'a');
    ASSERT_TRUE(ids.enrol("test", e));
    auto auth = ids.authenticate(e.certificate.fingerprint);
    ASSERT_TRUE(auth);
    EXPECT_EQ(auth.value().status, service::auth_status::ok);
    EXPECT_EQ(auth.value().who.org_slug, "acme");
    EXPECT_EQ(auth.value().who.kind, domain::principal_kind::service);
    EXPECT_EQ(auth.value().who.org_sectors, (std::vector<std::string>{"energy", "it-services"}));

    ASSERT_TRUE(ids.revoke("test", e.certificate.fingerprint));
    EXPECT_EQ(ids.authenticate(e.certificate.fingerprint).value().status, service::auth_status::revoked);
    auto twice = ids.revoke("test", e.certificate.fingerprint);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.err().code, service::error_code::not_found);
    EXPECT_EQ(ids.authenticate(std::string(64, 'f')).value().status, service::auth_status::unknown_certificate);
}

TEST_F(IdentityStore, ExpiredCertificateIsRefusedEvenWhenEnrolled) {
    ASSERT_TRUE(ids.add_organisation("test", example_org("acme")));
    auto e = example_enrolment("acme", "old", 'c');
    e.certificate.not_after = "2020-01-01T00:00:00Z";
    ASSERT_TRUE(ids.enrol("test", e));
    EXPECT_EQ(ids.authenticate(e.certificate.fingerprint).value().status, service::auth_status::expired);
}

TEST_F(IdentityStore, EnrolInUnknownOrganisationIsNotFound) {
    auto r = ids.enrol("test", example_enrolment("nobody", "x", 'b'));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, service::error_code::not_found);
}

TEST_F(IdentityStore, EveryActIsAuditedInAChain) {
    ASSERT_TRUE(ids.add_organisation("op-1", example_org("acme")));
    ASSERT_TRUE(ids.enrol("op-1", example_enrolment("acme", "feed", 'a')));
    ASSERT_TRUE(ids.revoke("op-2", std::string(64, 'a')));
    std::vector<audit_store::stored_entry> entries;
    pool.transact([&](tx& t) { entries = audit_store::list(t, 0, 100); });
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].action, "organisation.created");
    EXPECT_EQ(entries[1].action, "principal.enrolled");
    EXPECT_EQ(entries[2].action, "principal.revoked");
    EXPECT_EQ(entries[2].actor, "op-2");
    EXPECT_EQ(entries[1].prev_hash, entries[0].hash);
    EXPECT_EQ(entries[2].prev_hash, entries[1].hash);
    auto v = verify(pool);
    EXPECT_FALSE(v.first_broken);
    EXPECT_EQ(v.head, entries[2].hash);
}

TEST_F(IdentityStore, ConcurrentAppendsNeverForkTheChain) {
    constexpr int threads = 4, per_thread = 25;
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back([&, i] {
            pg_pool own({db.url(), 1});
            for (int k = 0; k < per_thread; ++k)
                own.transact([&](tx& t) { audit_store::append(t, {"t" + std::to_string(i), "test.act", "x", std::to_string(k)}); });
        });
    for (auto& w : workers) w.join();
    auto v = verify(pool);
    EXPECT_FALSE(v.first_broken);
    EXPECT_EQ(v.checked, threads * per_thread);
}

TEST_F(IdentityStore, AuditLogRefusesUpdatesAndDeletes) {
    ASSERT_TRUE(ids.add_organisation("test", example_org("acme")));
    EXPECT_ANY_THROW(db.exec("UPDATE audit_log SET actor = 'someone else'"));
    EXPECT_ANY_THROW(db.exec("DELETE FROM audit_log"));
    EXPECT_ANY_THROW(db.exec("TRUNCATE audit_log"));
}

TEST_F(IdentityStore, VerifyNamesTheFirstTamperedEntry) {
    for (char c : {'a', 'b', 'c', 'd'}) ASSERT_TRUE(ids.add_organisation("test", example_org(std::string("org") + c)));
    // A superuser can switch the append-only trigger off; the chain still tells.
    db.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
            "UPDATE audit_log SET actor = 'forged' WHERE seq = 3;"
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
    auto v = verify(pool);
    ASSERT_TRUE(v.first_broken);
    EXPECT_EQ(*v.first_broken, 3);
    EXPECT_EQ(v.checked, 2);
}

TEST_F(IdentityStore, VerifyNamesTheEntryAfterADeletedOne) {
    for (char c : {'a', 'b', 'c'}) ASSERT_TRUE(ids.add_organisation("test", example_org(std::string("org") + c)));
    db.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
            "DELETE FROM audit_log WHERE seq = 2;"
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
    auto v = verify(pool);
    ASSERT_TRUE(v.first_broken);
    EXPECT_EQ(*v.first_broken, 3);
}

TEST_F(IdentityStore, VerifyNamesTheFirstOfTwoReorderedEntries) {
    for (char c : {'a', 'b', 'c', 'd'}) ASSERT_TRUE(ids.add_organisation("test", example_org(std::string("org") + c)));
    // Swap entries 2 and 3 whole (fields, hashes and all): each still hashes correctly on its
    // own, but no longer chains to its predecessor.
    db.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;"
            "UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3);"
            "UPDATE audit_log SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq IN (-2, -3);"
            "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;");
    auto v = verify(pool);
    ASSERT_TRUE(v.first_broken);
    EXPECT_EQ(*v.first_broken, 2);
}

}  // namespace
}  // namespace varde::store
