// The list through its index path (migrations/0006: report_reader and the candidate streams in
// report_store::list) returns exactly what report_access lets each principal see in full, and
// what the domain rule says, page by page, after inserts (one by one and in a group commit),
// TLP and recipient changes, retraction and moderation.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "store/audit_store.hpp"
#include "store/moderation_store.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "test_database.hpp"
#include "test_node.hpp"
#include "visibility_cases.hpp"

namespace varde::store {
namespace {

namespace rs = report_store;
using domain::tlp;
using st = domain::report_status;
using seqs = std::vector<std::int64_t>;

char const* status_text(st s) {
    static constexpr char const* names[] = {"pending", "published", "rejected", "retracted"};
    return names[static_cast<int>(s)];
}

// Every principal of the shared visibility table, and two more: an organisation in four sectors
// (more than the list's sector streams: it lists by the plain walk) and one that names nobody.
std::vector<domain::principal> readers() {
    std::vector<domain::principal> out;
    for (auto const& c : test::visibility_cases()) {
        bool known = std::any_of(out.begin(), out.end(), [&](auto const& p) {
            return p.org_slug == c.who.org_slug && p.org_sectors == c.who.org_sectors && p.kind == c.who.kind &&
                   p.role == c.who.role;
        });
        if (!known) out.push_back(c.who);
    }
    out.push_back(test::make_principal("havn", {"transport", "finance", "it-services", "energy"}));
    out.push_back(test::make_principal("cert", {}));
    return out;
}

class ListVisibility : public ::testing::Test {
protected:
    void SetUp() override { test::seed_examples(db.url()); }

    std::string submitter(std::string const& org) {
        static constexpr statement first_principal{"test_first_principal",
            "SELECT p.id FROM principal p JOIN organisation o ON o.id = p.org_id WHERE o.slug = $1 "
            "ORDER BY p.name LIMIT 1"};
        std::string id;
        pool.transact([&](tx& t) { id = t.exec_one(first_principal, {org}).text(0); });
        return id;
    }

    rs::new_report make(domain::report_meta const& m) {
        rs::new_report r;
        r.origin_org = m.origin_org;
        r.submitted_by = submitter(m.origin_org);
        r.tlp = std::string(domain::to_string(m.level));
        r.to = m.to;
        r.status = m.status == st::pending || m.status == st::rejected ? "pending" : "published";
        r.attribution = "anonymous";
        r.shared_json = R"({"title":"t"})";
        r.redactions_json = r.warnings_json = "[]";
        r.original_body = "{}";
        return r;
    }

    // Brings an inserted report to the status its meta names, through the moderation store.
    void settle(std::string const& id, st status) {
        if (status != st::rejected && status != st::retracted) return;
        auto operator_id = submitter("cert");
        pool.transact([&](tx& t) {
            if (status == st::rejected) {
                EXPECT_TRUE(moderation_store::reject(t, id, operator_id, "no"));
            } else if (status == st::retracted) {
                EXPECT_TRUE(moderation_store::retract(t, id));
            }
        });
    }

    // Every report of the visibility table, from three origins, three times over, half of them
    // in one group commit: the streams interleave in seq order, so pages cross them.
    void insert_world() {
        std::vector<domain::report_meta> metas;
        for (int round = 0; round < 3; ++round)
            for (auto const& c : test::visibility_cases())
                for (auto const* origin : {"nordkraft", "fjordbank", "havn"}) {
                    auto m = c.meta;
                    m.origin_org = origin;
                    metas.push_back(m);
                }
        std::vector<rs::new_report> batch;
        for (std::size_t i = 0; i < metas.size(); ++i) {
            auto r = make(metas[i]);
            if (i % 2 == 0) {
                std::string id;
                pool.transact([&](tx& t) { id = rs::insert(t, r); });
                record(id, metas[i]);
            } else {
                batch.push_back(std::move(r));
            }
        }
        std::vector<rs::new_report const*> ptrs;
        std::vector<audit_store::entry> audits(batch.size(), {"test", "report.published", "report", "", "{}"});
        std::vector<audit_store::entry const*> audit_ptrs;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ptrs.push_back(&batch[i]);
            audit_ptrs.push_back(&audits[i]);
        }
        std::vector<rs::inserted> added;
        pool.write_one([&](tx& t) { added = rs::publish_batch(t, ptrs, audit_ptrs); });  // as the batcher
        for (std::size_t i = 0; i < added.size(); ++i) record(added[i].id, metas[2 * i + 1]);
    }

    void record(std::string const& id, domain::report_meta const& m) {
        settle(id, m.status);
        static constexpr statement seq_of{"test_seq_of", "SELECT seq FROM report WHERE id = $1::uuid"};
        pool.transact([&](tx& t) { world[id] = {t.exec_one(seq_of, {id}).int64(0), m}; });
    }

    // The whole list, walked in pages of `page` rows (newest first).
    seqs walk(domain::principal const& who, rs::list_filter const& f, std::size_t page) {
        seqs out;
        std::optional<std::int64_t> before;
        for (;;) {
            std::vector<rs::stored_report> rows;
            pool.read([&](tx& t) { rows = rs::list(t, who, f, before, page); });
            for (auto const& r : rows) {
                EXPECT_EQ(r.access, "full") << r.id;
                out.push_back(r.seq);
            }
            if (rows.size() < page) return out;
            before = rows.back().seq;
        }
    }

    // The reports report_access lets `who` see in full, judged row by row over the table.
    seqs by_sql(domain::principal const& who, rs::list_filter const& f) {
        static constexpr statement oracle{"test_oracle",
            "SELECT seq FROM report WHERE report_access(origin_org, tlp, recipient_orgs, recipient_sectors, "
            "status, $1, $2::text[], $3, $4::boolean) = 'full' AND ($5::text IS NULL OR tlp = $5) "
            "AND ($6::text IS NULL OR status = $6) ORDER BY seq DESC"};
        seqs out;
        pool.transact([&](tx& t) {
            auto params = std::vector<param>{who.org_slug, to_pg_array(who.org_sectors),
                                             std::string(domain::to_string(who.kind)),
                                             who.is_operator() ? "true" : "false"};
            params.push_back(f.tlp ? param(*f.tlp) : std::nullopt);
            params.push_back(f.status ? param(*f.status) : std::nullopt);
            for (auto const& r : t.exec(oracle, params)) out.push_back(r.int64(0));
        });
        return out;
    }

    // The same by the domain rule over the metas this test keeps in step with the table.
    seqs by_domain(domain::principal const& who, rs::list_filter const& f) {
        seqs out;
        for (auto const& [id, entry] : world) {
            auto const& m = entry.second;
            if (f.tlp && *f.tlp != domain::to_string(m.level)) continue;
            if (f.status && *f.status != status_text(m.status)) continue;
            if (domain::access_to(who, m) == domain::access::full) out.push_back(entry.first);
        }
        std::sort(out.rbegin(), out.rend());
        return out;
    }

    std::vector<rs::list_filter> filters() {
        std::vector<rs::list_filter> out(1);
        for (auto level : {tlp::clear, tlp::green, tlp::amber, tlp::amber_strict, tlp::red})
            out.emplace_back().tlp = std::string(domain::to_string(level));
        for (auto s : {st::pending, st::published, st::rejected, st::retracted})
            out.emplace_back().status = std::string(status_text(s));
        return out;
    }

    // The list equals both judges for every reader, every filter and three page sizes.
    void expect_lists_agree(char const* when) {
        SCOPED_TRACE(when);
        for (auto const& who : readers())
            for (auto const& f : filters()) {
                auto expected = by_sql(who, f);
                SCOPED_TRACE(who.org_slug + " " + std::string(domain::to_string(who.kind)) +
                             (who.is_operator() ? " operator" : "") + " tlp=" + f.tlp.value_or("-") +
                             " status=" + f.status.value_or("-"));
                EXPECT_EQ(by_domain(who, f), expected);
                for (std::size_t page : {2u, 7u, 100u}) EXPECT_EQ(walk(who, f, page), expected) << "page " << page;
            }
    }

    // report_reader holds exactly the reader keys of every report.
    void expect_reader_index_exact() {
        static constexpr statement drift{"test_reader_drift", R"(
            SELECT (SELECT count(*) FROM (SELECT reader, seq FROM report_reader
                                          EXCEPT SELECT k, seq FROM report,
                                          report_reader_keys(origin_org, tlp, recipient_orgs, recipient_sectors) AS k) x),
                   (SELECT count(*) FROM (SELECT k, seq FROM report,
                                          report_reader_keys(origin_org, tlp, recipient_orgs, recipient_sectors) AS k
                                          EXCEPT SELECT reader, seq FROM report_reader) y),
                   (SELECT count(*) FROM report_reader))"};
        pool.transact([&](tx& t) {
            auto r = t.exec_one(drift);
            EXPECT_EQ(r.int64(0), 0) << "rows no report has";
            EXPECT_EQ(r.int64(1), 0) << "keys missing";
            EXPECT_GT(r.int64(2), 0);
        });
    }

    std::string id_where(std::function<bool(domain::report_meta const&)> const& pick) {
        for (auto const& [id, entry] : world)
            if (pick(entry.second)) return id;
        ADD_FAILURE() << "no such report in the world";
        return {};
    }

    std::string id_of(tlp level, st status, std::string const& origin = "") {
        return id_where([&](auto const& m) {
            return m.level == level && m.status == status && (origin.empty() || m.origin_org == origin);
        });
    }

    void change_tlp(std::string const& id, tlp level, domain::recipients to) {
        pool.transact([&](tx& t) { moderation_store::set_tlp(t, id, std::string(domain::to_string(level)), to); });
        world[id].second.level = level;
        world[id].second.to = std::move(to);
    }

    test::test_database db;
    pool_options options{db.url(), 1};  // one connection: its prepared statements go generic
    pg_pool pool{options};
    std::map<std::string, std::pair<std::int64_t, domain::report_meta>> world;
};

TEST_F(ListVisibility, ListEqualsReportAccessForEveryReaderFilterAndPageSize) {
    insert_world();
    expect_reader_index_exact();
    expect_lists_agree("as inserted");
}

TEST_F(ListVisibility, FollowsTlpAndRecipientChanges) {
    insert_world();
    auto amber = id_of(tlp::amber, st::published, "nordkraft");
    auto strict = id_of(tlp::amber_strict, st::published, "havn");
    auto red = id_of(tlp::red, st::published, "fjordbank");
    auto green = id_of(tlp::green, st::published, "nordkraft");
    change_tlp(amber, tlp::red, {{"havn"}, {}});            // tightened: fjordbank and the sector lose it
    change_tlp(strict, tlp::amber_strict, {{"cert"}, {}});  // recipients narrowed to another org
    change_tlp(red, tlp::green, {});                        // loosened to everyone
    change_tlp(green, tlp::amber, {{}, {"finance"}});       // a sector only
    expect_reader_index_exact();
    expect_lists_agree("after TLP and recipient changes");
}

TEST_F(ListVisibility, FollowsRetractionAndModeration) {
    insert_world();
    auto published = id_of(tlp::amber, st::published, "havn");
    auto to_approve = id_of(tlp::red, st::pending);
    auto to_reject = id_of(tlp::green, st::pending);
    auto operator_id = submitter("cert");
    pool.transact([&](tx& t) {
        ASSERT_TRUE(moderation_store::retract(t, published));
        ASSERT_TRUE(moderation_store::approve(t, to_approve, operator_id, std::nullopt));
        ASSERT_TRUE(moderation_store::reject(t, to_reject, operator_id, "no"));
    });
    world[published].second.status = st::retracted;
    world[to_approve].second.status = st::published;
    world[to_reject].second.status = st::rejected;
    expect_reader_index_exact();
    expect_lists_agree("after retraction and moderation");
}

}  // namespace
}  // namespace varde::store
