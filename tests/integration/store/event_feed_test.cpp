// The event feed's one statement (report_store::events_after) against a real PostgreSQL: the
// horizon, the events after a position in id order and the report each is about, one report
// parsed once per page, and the same page as the feed's former repeatable-read transaction
// (rebuilt here as the reference); then stream::read_feed on it.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "app/hmac_keyed_hash.hpp"
#include "service/identity_service.hpp"
#include "service/report_service.hpp"
#include "store/event_store.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "stream/feed_event.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::store {
namespace {

using report_store::event_page;

// The feed's former reads of the events and of what each report adds to find's columns,
// for the reference transaction below.
constexpr statement former_events_sql{"former_event_after", R"(
    SELECT id, report_id, kind, detail::text FROM report_event
    WHERE id > $1::bigint ORDER BY id LIMIT $2::integer)"};
constexpr statement feed_extras_sql{"feed_extras", R"(
    SELECT coalesce(category, ''), coalesce(sector, ''),
           ARRAY(SELECT DISTINCT type FROM report_indicator WHERE report_id = $1::uuid)
    FROM report WHERE id = $1::uuid)"};

using fields = std::vector<std::optional<std::string>>;

// A feed report as the text of its fields, in the order of the statement's columns (the
// indicator types, a set, sorted).
fields fields_of(report_store::feed_report const& f) {
    auto const& s = f.report;
    auto types = f.indicator_types;
    std::sort(types.begin(), types.end());
    return {s.id, s.access, s.status, s.tlp, s.attribution, s.source_display, s.origin_org,
            to_pg_array(s.to.orgs), to_pg_array(s.to.sectors), s.created_at, s.published_at, s.shared_json,
            s.redactions_json, s.warnings_json, std::to_string(s.seq), s.reject_reason, s.original_body,
            f.category, f.sector, to_pg_array(types)};
}

// A page as comparable text: the horizon, then each event with its report's fields.
std::vector<fields> flat(event_page const& page) {
    std::vector<fields> out{{std::to_string(page.purged_through)}};
    for (auto const& [e, report] : page.events) {
        out.push_back({std::to_string(e.id), e.report_id, e.kind, e.detail_json});
        out.push_back(report ? fields_of(*report) : fields{});
    }
    return out;
}

class EventFeed : public ::testing::Test {
protected:
    void SetUp() override {
        test::seed_examples(db.url());
        alice = principal("alice");
        oscar = principal("oscar");  // an operator: find reads every report, with its original
    }

    domain::principal principal(std::string const& name) {
        auto r = ids.authenticate(test::fingerprint_of(name));
        EXPECT_TRUE(r && r.value().status == service::auth_status::ok);
        return r.value().who;
    }

    // Publishes as alice (trusted: published at once, so with its event); returns the id.
    std::string publish(std::string const& extra = "") {
        auto body = R"({"title":"t","summary":"mail jane@nordkraft.example","tlp":"GREEN",)"
                    R"("indicators":[{"type":"ipv4","value":"192.0.2.41"},{"type":"domain","value":"a.example.net"}])" +
                    extra + "}";
        auto created = reports.publish(alice, body, std::nullopt);
        EXPECT_TRUE(created);
        return nlohmann::json::parse(created.value().body)["id"].get<std::string>();
    }

    std::vector<std::int64_t> event_ids() {
        std::vector<std::int64_t> out;
        pool.read([&](tx& t) {
            for (auto const& r : t.exec({"test_event_ids", "SELECT id FROM report_event ORDER BY id"}))
                out.push_back(r.int64(0));
        });
        return out;
    }

    event_page read(std::int64_t position, std::size_t limit) {
        event_page page;
        pool.read([&](tx& t) { page = report_store::events_after(t, position, limit); });
        return page;
    }

    // The same page as the feed read it before, in one repeatable-read transaction: the
    // horizon, the events, then their reports (the columns an operator's find reads, which
    // are the feed's but for `access`, plus category, sector and indicator types).
    event_page read_as_before(std::int64_t position, std::size_t limit) {
        event_page page;
        pool.transact([&](tx& t) {
            page = {event_store::purged_through(t), {}};
            std::map<std::string, std::shared_ptr<report_store::feed_report const>> by_id;
            for (auto const& r : t.exec(former_events_sql, {std::to_string(position), std::to_string(limit)})) {
                auto& report = by_id[r.text(1)];
                auto found = report ? std::nullopt : report_store::find(t, r.text(1), oscar);
                if (found) {
                    auto extras = t.exec_one(feed_extras_sql, {r.text(1)});
                    found->access = "unjudged";
                    report = std::make_shared<report_store::feed_report const>(report_store::feed_report{
                        *found, extras.text(0), extras.text(1), extras.text_array(2)});
                }
                page.events.push_back({{r.int64(0), r.text(1), r.text(2), r.text(3)}, report});
            }
        }, isolation::repeatable_read);
        return page;
    }

    // events_after and the former transaction agree on this page.
    void expect_as_before(std::int64_t position, std::size_t limit) {
        EXPECT_EQ(flat(read(position, limit)), flat(read_as_before(position, limit)))
            << "after " << position << ", limit " << limit;
    }

    stream::feed_page read_feed(std::int64_t position, std::size_t limit) {
        stream::feed_page page;
        pool.read([&](tx& t) { page = stream::read_feed(t, position, limit, keys); });
        return page;
    }

    test::test_database db;
    pg_pool pool{{db.url(), 2}};
    service::identity_service ids{pool};
    app::hmac_keyed_hash keys{"integration-test-secret-0123456789abcdef"};
    service::report_service reports{pool, keys, {}};
    domain::principal alice, oscar;
};

TEST_F(EventFeed, EventsInOrderWithTheirReports) {
    auto first = publish(), second = publish(R"(,"attribution":"pseudonymous")");
    auto page = read(0, 10);
    EXPECT_EQ(page.purged_through, 0);
    ASSERT_EQ(page.events.size(), 2u);
    auto ids_in_table = event_ids();
    for (std::size_t i = 0; i < 2; ++i) {
        auto const& [e, report] = page.events[i];
        EXPECT_EQ(e.id, ids_in_table[i]);
        EXPECT_EQ(e.kind, "report.published");
        EXPECT_EQ(e.report_id, i == 0 ? first : second);
        ASSERT_TRUE(report);
        EXPECT_EQ(report->report.id, e.report_id);
        EXPECT_EQ(report->report.access, "unjudged");
        EXPECT_EQ(report->report.tlp, "GREEN");
        EXPECT_NE(report->report.original_body.value_or("").find("jane@nordkraft.example"), std::string::npos);
        auto types = report->indicator_types;
        std::sort(types.begin(), types.end());
        EXPECT_EQ(types, (std::vector<std::string>{"domain", "ipv4"}));
    }
    EXPECT_EQ(page.events[1].report->report.attribution, "pseudonymous");
    expect_as_before(0, 10);
}

TEST_F(EventFeed, LimitAndPositionPage) {
    for (int i = 0; i < 5; ++i) publish();
    auto all = event_ids();
    ASSERT_EQ(all.size(), 5u);
    std::vector<std::int64_t> seen;
    std::int64_t position = 0;
    for (auto page = read(position, 2); !page.events.empty(); page = read(position, 2)) {
        EXPECT_LE(page.events.size(), 2u);
        for (auto const& e : page.events) seen.push_back(e.event.id);
        position = seen.back();
    }
    EXPECT_EQ(seen, all);
    for (auto p : {std::int64_t{0}, all[1], all[3], all[4]}) expect_as_before(p, 2);
}

TEST_F(EventFeed, AnEmptyPageStillCarriesTheHorizon) {
    auto page = read(0, 10);
    EXPECT_TRUE(page.events.empty());
    EXPECT_EQ(page.purged_through, 0);
    publish();
    db.exec("UPDATE event_horizon SET purged_through = 7");
    page = read(event_ids().back(), 10);
    EXPECT_TRUE(page.events.empty());
    EXPECT_EQ(page.purged_through, 7);
    expect_as_before(event_ids().back(), 10);
}

TEST_F(EventFeed, EventsOfOneReportShareItsReport) {
    auto changed = publish(), other = publish();
    ASSERT_TRUE(reports.change_tlp(alice, changed, R"({"tlp":"RED","recipients":["org:havn"]})"));
    ASSERT_TRUE(reports.retract(alice, changed));
    auto page = read(0, 10);
    std::map<std::string, std::vector<report_store::feed_report const*>> by_report;
    for (auto const& [e, report] : page.events) by_report[e.report_id].push_back(report.get());
    ASSERT_GE(by_report[changed].size(), 3u);  // published, updated, (withdrawn,) retracted
    ASSERT_EQ(by_report[other].size(), 1u);
    for (auto const* r : by_report[changed]) EXPECT_EQ(r, by_report[changed].front());  // parsed once
    EXPECT_NE(by_report[changed].front(), by_report[other].front());
    // As the page's snapshot has it: retracted, RED, every event of it alike.
    EXPECT_EQ(by_report[changed].front()->report.status, "retracted");
    EXPECT_EQ(by_report[changed].front()->report.tlp, "RED");
    expect_as_before(0, 10);
    for (std::size_t limit = 1; limit < 5; ++limit) expect_as_before(event_ids().front(), limit);

    auto feed = read_feed(0, 10);
    ASSERT_EQ(feed.events.size(), page.events.size());
    for (auto const& e : feed.events)
        EXPECT_EQ(e->state, e->report_id == changed ? feed.events.front()->state : feed.events[1]->state) << e->id;
    for (auto const& e : feed.events) {
        if (e->kind == "report.withdrawn") {
            EXPECT_TRUE(e->before);  // read from the event's detail
        }
    }
}

TEST_F(EventFeed, APurgeMovesTheHorizonAndLosesHistoryBelowIt) {
    for (int i = 0; i < 4; ++i) publish();
    auto all = event_ids();
    db.exec("UPDATE report_event SET at = now() - interval '40 days' WHERE id <= " + std::to_string(all[1]));
    std::int64_t purged = 0;
    pool.transact([&](tx& t) { purged = event_store::purge_older_than(t, 30); });
    EXPECT_EQ(purged, 2);

    auto page = read(0, 10);
    EXPECT_EQ(page.purged_through, all[1]);
    ASSERT_EQ(page.events.size(), 2u);
    EXPECT_EQ(page.events[0].event.id, all[2]);
    expect_as_before(0, 10);
    expect_as_before(all[1], 10);

    EXPECT_TRUE(read_feed(0, 10).history_lost);
    EXPECT_TRUE(read_feed(0, 10).events.empty());
    EXPECT_TRUE(read_feed(all[1] - 1, 10).history_lost);
    auto kept = read_feed(all[1], 10);
    EXPECT_FALSE(kept.history_lost);
    EXPECT_EQ(kept.events.size(), 2u);
}

TEST_F(EventFeed, AnEventWithoutItsReportRowHasNoReport) {
    publish();
    // Only reachable without the foreign key, which keeps report rows whole today.
    db.exec("ALTER TABLE report_event DROP CONSTRAINT report_event_report_id_fkey");
    db.exec("INSERT INTO report_event (report_id, kind) VALUES ('00000000-0000-4000-8000-000000000001', 'report.retracted')");
    publish();
    auto page = read(0, 10);
    ASSERT_EQ(page.events.size(), 3u);
    EXPECT_TRUE(page.events[0].report && page.events[2].report);
    EXPECT_FALSE(page.events[1].report);
    expect_as_before(0, 10);
    auto feed = read_feed(0, 10);
    ASSERT_EQ(feed.events.size(), 3u);
    ASSERT_TRUE(feed.events[1]->state);
    EXPECT_FALSE(feed.events[1]->state->get().first);
}

TEST_F(EventFeed, EqualsTheFormerTransactionOverEveryKindOfReport) {
    auto plain = publish(), pseudonymous = publish(R"(,"attribution":"pseudonymous")");
    auto amber = reports.publish(alice, R"({"title":"t","summary":"s","tlp":"AMBER","recipients":["org:fjordbank","sector:transport"],)"
                                        R"("incident":{"category":"intrusion","sector":"energy"}})", std::nullopt);
    ASSERT_TRUE(amber);
    ASSERT_TRUE(reports.change_tlp(alice, plain, R"({"tlp":"AMBER","recipients":["org:havn"]})"));
    ASSERT_TRUE(reports.retract(alice, pseudonymous));
    db.exec("DELETE FROM report_original WHERE report_id = '" + plain + "'");  // purged original
    auto all = event_ids();
    all.insert(all.begin(), 0);
    for (auto position : all)
        for (std::size_t limit : {1u, 2u, 3u, 100u}) expect_as_before(position, limit);
}

}  // namespace
}  // namespace varde::store
