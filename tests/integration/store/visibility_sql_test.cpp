// The SQL function report_access (migrations/0002) against the same table as the domain
// rule: the two encodings of SPEC §4 must never disagree.
#include <gtest/gtest.h>

#include "store/pg_pool.hpp"
#include "store/tx.hpp"
#include "test_database.hpp"
#include "visibility_cases.hpp"

namespace varde::store {
namespace {

std::string sql_access(pg_pool& pool, test::visibility_case const& c) {
    static constexpr statement probe{"visibility_probe",
        "SELECT report_access($1, $2, $3::text[], $4::text[], $5, $6, $7::text[], $8, $9::boolean)"};
    static constexpr char const* statuses[] = {"pending", "published", "rejected", "retracted"};
    std::string out;
    pool.transact([&](tx& t) {
        out = t.exec_one(probe, {c.meta.origin_org, std::string(domain::to_string(c.meta.level)),
                                 to_pg_array(c.meta.to.orgs), to_pg_array(c.meta.to.sectors),
                                 statuses[static_cast<int>(c.meta.status)], c.who.org_slug,
                                 to_pg_array(c.who.org_sectors), std::string(domain::to_string(c.who.kind)),
                                 c.who.is_operator() ? "true" : "false"})
                  .text(0);
    });
    return out;
}

char const* expected_text(domain::access a) {
    switch (a) {
    case domain::access::full: return "full";
    case domain::access::gone: return "gone";
    case domain::access::none: return "none";
    }
    return "?";
}

TEST(VisibilitySql, AgreesWithTheDomainRuleOnEveryCase) {
    test::test_database db;
    pg_pool pool({db.url(), 1});
    for (auto const& c : test::visibility_cases()) {
        EXPECT_EQ(sql_access(pool, c), expected_text(c.expected)) << c.what;
        EXPECT_EQ(domain::access_to(c.who, c.meta), c.expected) << c.what;
    }
}

}  // namespace
}  // namespace varde::store
