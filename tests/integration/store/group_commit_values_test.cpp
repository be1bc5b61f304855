// Array-literal escaping of insert_many / audit_append_many against a real PostgreSQL.
// Every awkward text must come back byte for byte, exactly as the one-row insert stores it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "service/audit_service.hpp"
#include "service/identity_service.hpp"
#include "service/publish_batcher.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::service {
namespace {

using json = nlohmann::json;

class GroupCommitValues : public ::testing::Test {
protected:
    void SetUp() override { test::seed_examples(db.url()); }

    domain::principal principal(std::string const& name) {
        auto r = ids.authenticate(test::fingerprint_of(name), lookup::fresh);
        EXPECT_TRUE(r && r.value().status == auth_status::ok);
        return r.value().who;
    }

    std::vector<std::string> row_of(std::string const& id) {
        std::vector<std::string> out;
        pool.transact([&](store::tx& t) {
            auto r = t.exec_one({"review_row",
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
    store::pg_pool pool{{db.url(), 4}};
    identity_service ids{pool};
};

TEST_F(GroupCommitValues, AwkwardTextsRoundTripThroughBatchesLikeSingleInserts) {
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

}  // namespace
}  // namespace varde::service
