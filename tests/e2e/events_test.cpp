// Polling the event log (SPEC §7): every principal gets exactly the events it may see, in
// order, with a cursor to resume from; withdrawals reach only those who lost the report.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node_suite.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

class Events : public node_suite<Events> {
protected:
    // Where `who` stands now: the cursor of a poll without `since`.
    static std::string now_for(std::string const& who) {
        auto r = call(who, "GET", "/v1/events");
        EXPECT_EQ(r.status, 200u) << r.body;
        auto body = json::parse(r.body);
        EXPECT_TRUE(body["events"].empty());  // "from now"
        return body["next"];
    }
    // Every event after `since`, following the cursor, as "kind id" strings.
    static std::vector<std::string> events_since(std::string const& who, std::string since) {
        std::vector<std::string> out;
        for (int page = 0; page < 50; ++page) {
            auto r = call(who, "GET", "/v1/events?limit=2&since=" + since);
            EXPECT_EQ(r.status, 200u) << r.body;
            auto body = json::parse(r.body);
            for (auto const& e : body["events"])
                out.push_back(e["event"].get<std::string>() + " " + e["report"]["id"].get<std::string>());
            if (body["next"] == since) break;
            since = body["next"];
        }
        return out;
    }
    static std::string publish(std::string const& who, json report) {
        auto r = call(who, "POST", "/v1/reports", report.dump());
        EXPECT_EQ(r.status, 201u) << r.body;
        return json::parse(r.body).value("id", "");
    }
    static json report(std::string const& tlp, json recipients = nullptr) {
        json r{{"title", "Event test"}, {"summary", "s"}, {"tlp", tlp}};
        if (!recipients.is_null()) r["recipients"] = recipients;
        return r;
    }
};

TEST_F(Events, EachPrincipalGetsWhatItMaySeeInOrder) {
    auto bob = now_for("bob"), carol = now_for("carol"), feed = now_for("havn-feed");
    auto green = publish("alice", report("GREEN"));
    auto red = publish("alice", report("RED", {"org:havn"}));
    publish("bob", report("GREEN"));  // untrusted: pending, no event yet

    EXPECT_EQ(events_since("bob", bob), (std::vector<std::string>{"report.published " + green}));
    EXPECT_EQ(events_since("carol", carol),
              (std::vector<std::string>{"report.published " + green, "report.published " + red}));
    EXPECT_EQ(events_since("havn-feed", feed),  // never RED for a service
              (std::vector<std::string>{"report.published " + green}));

    // Bodies are what GET answers at the time of the poll: once retracted, the published
    // event is skipped and the retraction (id only) is what a late reader receives.
    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + green + "/retract").status, 200u);
    EXPECT_EQ(events_since("bob", bob), (std::vector<std::string>{"report.retracted " + green}));
    EXPECT_EQ(events_since("carol", carol),
              (std::vector<std::string>{"report.published " + red, "report.retracted " + green}));
}

TEST_F(Events, WithdrawalReachesOnlyThoseWhoLostTheReport) {
    auto id = publish("alice", report("AMBER+STRICT", {"org:fjordbank"}));
    auto bob = now_for("bob"), carol = now_for("carol");
    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + id + "/tlp", R"({"tlp":"AMBER+STRICT","recipients":["org:havn"]})").status, 200u);
    EXPECT_EQ(events_since("bob", bob), (std::vector<std::string>{"report.withdrawn " + id}));
    EXPECT_EQ(events_since("carol", carol), (std::vector<std::string>{"report.updated " + id}));
}

TEST_F(Events, BadCursorOrParameterIs400) {
    EXPECT_EQ(call("bob", "GET", "/v1/events?since=made-up").status, 400u);
    EXPECT_EQ(call("bob", "GET", "/v1/events?limit=0").status, 400u);
    EXPECT_EQ(call("bob", "GET", "/v1/events?from=1").status, 400u);
}

}  // namespace
}  // namespace varde::test
