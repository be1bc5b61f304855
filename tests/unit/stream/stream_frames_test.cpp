// What a subscriber receives for an event (stream/feed_event): the visibility table of SPEC §4
// (tests/support/visibility_cases.hpp, shared with the domain and SQL tests) decides, then the
// subscriber's filter narrows; frames are encoded once per view. Also the stream's query.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/hmac_keyed_hash.hpp"
#include "stream/feed_event.hpp"
#include "stream/stream_query.hpp"
#include "visibility_cases.hpp"

namespace varde::stream {
namespace {

using domain::access;
using domain::tlp;
using test::visibility_case;

std::string status_text(domain::report_status s) {
    switch (s) {
    case domain::report_status::published: return "published";
    case domain::report_status::retracted: return "retracted";
    case domain::report_status::rejected: return "rejected";
    default: return "pending";
    }
}

// An event about a report with this audience, as the feed reads it.
std::shared_ptr<feed_event> event_about(domain::report_meta const& meta, std::string kind = "report.published") {
    auto e = std::make_shared<feed_event>();
    e->id = 42;
    e->kind = std::move(kind);
    e->report_id = "00000000-0000-4000-8000-000000000042";
    e->cursor = "c42";
    store::report_store::feed_report r;
    r.report.id = e->report_id;
    r.report.status = status_text(meta.status);
    r.report.tlp = std::string(domain::to_string(meta.level));
    r.report.origin_org = meta.origin_org;
    r.report.to = meta.to;
    r.report.attribution = "pseudonymous";
    r.report.created_at = "2026-11-27T00:00:00.000Z";
    r.report.shared_json = R"({"title":"t","summary":"s"})";
    r.report.redactions_json = r.report.warnings_json = "[]";
    r.report.original_body = R"({"title":"original"})";
    r.category = "intrusion";
    r.sector = "energy";
    r.indicator_types = {"ipv4", "domain"};
    e->state = std::make_shared<report_state>(std::make_shared<store::report_store::feed_report const>(std::move(r)));
    return e;
}

class StreamVisibility : public ::testing::TestWithParam<visibility_case> {};

TEST_P(StreamVisibility, PublishedAndUpdatedOnlyWithFullAccess) {
    auto const& c = GetParam();
    for (auto kind : {"report.published", "report.updated"}) {
        auto f = frame_for(*event_about(c.meta, kind), c.who, {});
        EXPECT_EQ(f != nullptr, c.expected == access::full) << c.what << " " << kind;
        if (f) {
            EXPECT_EQ(nlohmann::json::parse(*f)["event"], kind);
        }
    }
}

TEST_P(StreamVisibility, RetractedToThoseWhoCouldSeeIt) {
    auto const& c = GetParam();
    auto f = frame_for(*event_about(c.meta, "report.retracted"), c.who, {});
    EXPECT_EQ(f != nullptr, c.expected != access::none) << c.what;
    if (f) {
        EXPECT_EQ(nlohmann::json::parse(*f)["report"], nlohmann::json({{"id", "00000000-0000-4000-8000-000000000042"}}));
    }
}

TEST_P(StreamVisibility, WithdrawnOnlyToThoseWhoHadItAndLostIt) {
    auto const& c = GetParam();
    // Before: the case's audience. After: RED to nobody, so everyone but owners lost it.
    auto after = c.meta;
    after.level = tlp::red;
    after.to = {{"nobody"}, {}};
    auto e = event_about(after, "report.withdrawn");
    e->before = c.meta;
    bool had = c.expected == access::full;
    bool has = domain::access_to(c.who, after) == access::full;
    EXPECT_EQ(frame_for(*e, c.who, {}) != nullptr, had && !has) << c.what;
}

INSTANTIATE_TEST_SUITE_P(Spec, StreamVisibility, ::testing::ValuesIn(test::visibility_cases()));

TEST(StreamFrames, MembersShareOneFrameOwnersAndOperatorsGetTheirOwn) {
    auto e = event_about(test::make_report(tlp::green));
    auto bob = test::make_principal("fjordbank", {"finance"});
    auto carol = test::make_principal("havn", {"transport"});
    auto alice = test::make_principal("nordkraft", {"energy"});
    auto oscar = test::make_principal("cert", {"government"}, domain::principal_role::operator_);
    auto for_bob = frame_for(*e, bob, {}), for_carol = frame_for(*e, carol, {});
    EXPECT_EQ(for_bob.get(), for_carol.get());  // encoded once, shared
    EXPECT_EQ(for_bob->find("original"), std::string::npos);
    EXPECT_EQ(for_bob->find("nordkraft"), std::string::npos);  // never the source to members
    auto for_alice = frame_for(*e, alice, {}), for_oscar = frame_for(*e, oscar, {});
    EXPECT_NE(for_alice.get(), for_bob.get());
    EXPECT_NE(for_oscar.get(), for_alice.get());
    EXPECT_NE(for_oscar->find("original"), std::string::npos);  // operators see the original
    EXPECT_EQ(for_alice->find("\"original"), std::string::npos);
}

TEST(StreamFrames, FiltersNarrowAndAnUpdateOutsideTheFilterIsAWithdrawal) {
    auto bob = test::make_principal("fjordbank", {"finance"});
    auto green = event_about(test::make_report(tlp::green));
    auto amber_update = event_about(test::make_report(tlp::amber), "report.updated");
    filter upto_green{tlp::green, {}, {}, {}};
    EXPECT_TRUE(frame_for(*green, bob, upto_green));
    auto f = frame_for(*amber_update, bob, upto_green);
    ASSERT_TRUE(f);
    EXPECT_EQ(nlohmann::json::parse(*f)["event"], "report.withdrawn");
    EXPECT_FALSE(frame_for(*event_about(test::make_report(tlp::amber)), bob, upto_green));

    EXPECT_TRUE(frame_for(*green, bob, {std::nullopt, {"phishing", "intrusion"}, {}, {}}));
    EXPECT_FALSE(frame_for(*green, bob, {std::nullopt, {"phishing"}, {}, {}}));
    EXPECT_TRUE(frame_for(*green, bob, {std::nullopt, {}, {"energy"}, {}}));
    EXPECT_FALSE(frame_for(*green, bob, {std::nullopt, {}, {"finance"}, {}}));
    EXPECT_TRUE(frame_for(*green, bob, {std::nullopt, {}, {}, {"sha256", "domain"}}));
    EXPECT_FALSE(frame_for(*green, bob, {std::nullopt, {}, {}, {"url"}}));
}

TEST(StreamFrames, AReportGoneFromTheDatabaseReachesNobody) {
    auto e = event_about(test::make_report(tlp::clear));
    e->state->replace(nullptr);
    auto oscar = test::make_principal("cert", {"government"}, domain::principal_role::operator_);
    EXPECT_FALSE(frame_for(*e, oscar, {}));
}

TEST(StreamFrames, AReaderServedLaterIsJudgedAgainstTheReportAsItIsNow) {
    auto bob = test::make_principal("fjordbank", {"finance"});
    auto e = event_about(test::make_report(tlp::green));
    auto before = frame_for(*e, bob, {});
    ASSERT_TRUE(before);
    // A later event tightened it to RED for havn only; the hub replaced the shared state.
    auto tightened = event_about(test::make_report(tlp::red));
    auto now = *tightened->state->get().first;
    now.report.to = {{"havn"}, {}};
    e->state->replace(std::make_shared<store::report_store::feed_report const>(now));
    EXPECT_FALSE(frame_for(*e, bob, {}));  // no stale GREEN copy from the cache
    auto carol = test::make_principal("havn", {"transport"});
    auto for_carol = frame_for(*e, carol, {});
    ASSERT_TRUE(for_carol);
    EXPECT_NE(for_carol->find("\"RED\""), std::string::npos);
}

TEST(StreamQuery, ParsesFiltersAndNamesEveryBadParameter) {
    app::hmac_keyed_hash key("unit-test-secret-0123456789abcdef0123");
    auto ok = parse_stream_query({{"max_tlp", "amber"}, {"category", "phishing,ransomware"}, {"indicator_type", "ipv4,url"}},
                                 false, 200, key);
    ASSERT_TRUE(ok.errors.empty());
    EXPECT_EQ(ok.query.filter.max_tlp, tlp::amber);
    EXPECT_EQ(ok.query.filter.categories, (std::vector<std::string>{"phishing", "ransomware"}));
    EXPECT_EQ(ok.query.filter.indicator_types, (std::vector<std::string>{"ipv4", "url"}));
    EXPECT_FALSE(ok.query.since);

    auto bad = parse_stream_query({{"max_tlp", "PURPLE"}, {"since", "forged"}, {"indicator_type", "ipv4,colour"},
                                   {"limit", "5"}, {"colour", "red"}},
                                  false, 200, key);
    std::set<std::string> fields;
    for (auto const& e : bad.errors) fields.insert(e.field);
    EXPECT_EQ(fields, (std::set<std::string>{"max_tlp", "since", "indicator_type", "limit", "colour"}));

    auto poll = parse_stream_query({{"limit", "500"}}, true, 200, key);
    ASSERT_EQ(poll.errors.size(), 1u);
    EXPECT_EQ(poll.errors[0].field, "limit");
}

}  // namespace
}  // namespace varde::stream
