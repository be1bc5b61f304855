// Live subscriptions over WebSocket (SPEC §7, issue 5), over mutual TLS on a real
// PostgreSQL: no event missing under concurrent publishers and reconnecting subscribers,
// commit order with a transaction held open, two node processes on one database, a stalled
// reader, revocation, and withdrawal after a TLP tightening.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "cert_factory.hpp"
#include "net/x509.hpp"
#include "node_suite.hpp"
#include "service/identity_service.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "stream_reader.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// ------------------------------------------------------------ the oracle (SPEC §4, written here)

struct member {
    std::string name, org;
    bool person, operator_;
};

std::vector<member> const members{{"alice", "nordkraft", true, false}, {"bob", "fjordbank", true, false},
                                  {"carol", "havn", true, false},      {"havn-feed", "havn", false, false},
                                  {"oscar", "cert", true, true},       {"fjord-feed", "fjordbank", false, false}};
std::map<std::string, std::vector<std::string>> const sectors_of{
    {"nordkraft", {"energy"}}, {"fjordbank", {"finance"}}, {"havn", {"transport", "it-services"}}, {"cert", {"government"}}};

struct sent_report {
    std::string id, origin, tlp;
    std::vector<std::string> recipients;  // "org:x" / "sector:y"
};

bool may_see(member const& m, sent_report const& r) {
    if (m.operator_ || m.org == r.origin) return true;
    auto named = [&](std::string const& entry) { return std::find(r.recipients.begin(), r.recipients.end(), entry) != r.recipients.end(); };
    bool by_org = named("org:" + m.org);
    bool by_sector = std::any_of(sectors_of.at(m.org).begin(), sectors_of.at(m.org).end(),
                                 [&](std::string const& s) { return named("sector:" + s); });
    if (r.tlp == "CLEAR" || r.tlp == "GREEN") return true;
    if (r.tlp == "AMBER") return by_org || by_sector;
    if (r.tlp == "AMBER+STRICT") return by_org;
    return by_org && m.person;  // RED
}

member const& member_named(std::string const& name) {
    return *std::find_if(members.begin(), members.end(), [&](member const& m) { return m.name == name; });
}

// ------------------------------------------------------------ the suite

class Stream : public node_suite<Stream> {
protected:
    static stream_reader subscribe(std::string const& who, std::string const& query = {}) {
        return stream_reader(node_->port(), tls_for(who), query);
    }
    // The position "now", as a poll without `since` gives it.
    static std::string now_cursor() {
        auto r = call("oscar", "GET", "/v1/events");
        EXPECT_EQ(r.status, 200u) << r.body;
        return json::parse(r.body).at("next");
    }
    static std::string publish(std::string const& who, std::string const& tlp, std::vector<std::string> recipients = {},
                               std::string summary = "s", client::connection* c = nullptr) {
        json body{{"title", "Stream test " + tlp}, {"summary", summary}, {"tlp", tlp}};
        if (!recipients.empty()) body["recipients"] = recipients;
        auto r = c ? c->request("POST", "/v1/reports", body.dump(), {{"Content-Type", "application/json"}})
                   : call(who, "POST", "/v1/reports", body.dump());
        EXPECT_EQ(r.status, 201u) << r.body;
        return json::parse(r.body).value("id", "");
    }
    // Every event after `since` in commit order, as an operator polls them: the canonical order.
    static std::vector<std::string> all_ids_since(std::string since) {
        std::vector<std::string> out;
        for (;;) {
            auto body = json::parse(call("oscar", "GET", "/v1/events?limit=200&since=" + since).body);
            if (body["events"].empty()) return out;  // cursors are masked afresh each time: compare no text
            for (auto const& e : body["events"]) out.push_back(e["report"]["id"]);
            since = body["next"];
        }
    }
    // A principal enrolled by the test itself, with a certificate made on the spot.
    static client_certificate enrol_extra(std::string const& name, std::string const& org, domain::principal_kind kind) {
        auto cert = make_client_certificate(name, org);
        store::pg_pool pool({db_->url(), 1});
        service::identity_service ids(pool);
        auto facts = net::read_certificate_pem(cert.certificate_pem);
        if (!facts.facts) throw std::runtime_error(facts.error);
        auto enrolled = ids.enrol("stream-test", {org, name, domain::principal_role::member, kind, *facts.facts});
        if (!enrolled) throw std::runtime_error("enrolling " + name + ": " + enrolled.err().detail);
        return cert;
    }
    // Publishes a CLEAR report that every principal sees, after everything the test did.
    static std::string sentinel() { return publish("alice", "CLEAR"); }
    // "kind id" of every event before the sentinel's: no quiet period to guess.
    static std::vector<std::string> until(stream_reader& r, std::string const& sentinel_id) {
        std::vector<std::string> out;
        while (auto e = r.next(20s)) {
            if (e->id == sentinel_id) return out;
            out.push_back(e->kind + " " + e->id);
        }
        ADD_FAILURE() << "the sentinel never arrived";
        return out;
    }
    static std::vector<std::string> ids_of(std::vector<stream_event> const& events) {
        std::vector<std::string> out;
        for (auto const& e : events) out.push_back(e.id);
        return out;
    }
};

// The TLP levels and audiences the publishers cycle through.
std::vector<std::pair<std::string, std::vector<std::string>>> const audiences{
    {"CLEAR", {}},
    {"GREEN", {}},
    {"AMBER", {"org:fjordbank"}},
    {"AMBER", {"sector:transport"}},
    {"AMBER+STRICT", {"org:havn"}},
    {"RED", {"org:havn"}},
    {"RED", {"org:fjordbank", "org:havn"}},
};

int reports_per_publisher() {
    auto* v = std::getenv("VARDE_STREAM_REPORTS_PER_PUBLISHER");
    return v ? std::atoi(v) : 500;
}

// One subscriber that disconnects at random points and resumes from the last cursor it
// processed, until it has seen the sentinel report.
std::vector<stream_event> follow_with_reconnects(unsigned short port, std::string const& who,
                                                 client::tls_options const& tls, std::string cursor,
                                                 std::string const& sentinel_title, unsigned seed, int& reconnects) {
    std::mt19937 rng(seed);
    std::vector<stream_event> got;
    for (;;) {
        stream_reader s(port, tls, "since=" + cursor);
        auto budget = std::uniform_int_distribution<int>(1, 400)(rng);
        for (int n = 0; n < budget; ++n) {
            auto e = s.next(60s);
            // A node may close a stream that falls behind (4000) or is stopping (1001): a
            // client resumes from the last cursor it processed, as after any disconnect.
            bool resumable = !e && s.closed() && (s.closed()->code == 4000 || s.closed()->code == 1001);
            if (resumable) break;
            if (!e) throw std::runtime_error(who + ": stream ended or stalled: " + (s.closed() ? s.closed()->reason : "timeout"));
            cursor = e->cursor;
            got.push_back(*e);
            if (e->frame.find(sentinel_title) != std::string::npos) return got;
        }
        ++reconnects;  // drop the connection without a word, as a crashed client would
    }
}

TEST_F(Stream, ConcurrentPublishersAndReconnectingSubscribersMissNothing) {
    std::vector<std::string> subscribers{"alice", "bob", "carol", "havn-feed", "oscar", "fjord-feed"};
    std::map<std::string, client::tls_options> tls;
    for (auto const& name : subscribers) tls[name] = tls_for(name);
    tls["fjord-feed"] = tls_for(enrol_extra("fjord-feed", "fjordbank", domain::principal_kind::service));
    auto start = now_cursor();
    std::vector<std::vector<stream_event>> received(subscribers.size());
    std::vector<int> reconnects(subscribers.size());
    std::string const sentinel = "Stream sentinel 7f3a";
    std::vector<std::thread> readers;
    for (std::size_t i = 0; i < subscribers.size(); ++i)
        readers.emplace_back([&, i] {
            try {
                received[i] = follow_with_reconnects(node_->port(), subscribers[i], tls[subscribers[i]], start, sentinel,
                                                     20261127u + static_cast<unsigned>(i), reconnects[i]);
            } catch (std::exception const& e) {
                ADD_FAILURE() << e.what();
            }
        });

    std::mutex sent_mutex;
    std::vector<sent_report> sent;
    std::vector<std::thread> publishers;
    for (int p = 0; p < 8; ++p)
        publishers.emplace_back([&, p] {
            auto who = p % 2 ? "oscar" : "alice";  // both organisations are trusted: published at once
            auto c = node_->connect(who);
            for (int k = 0; k < reports_per_publisher(); ++k) {
                auto const& [tlp, to] = audiences[static_cast<std::size_t>(p + k) % audiences.size()];
                auto id = publish(who, tlp, to, "s", c.get());
                std::lock_guard lock(sent_mutex);
                sent.push_back({id, member_named(who).org, tlp, to});
            }
        });
    for (auto& t : publishers) t.join();
    json last{{"title", sentinel}, {"summary", "s"}, {"tlp", "CLEAR"}};
    auto sentinel_id = json::parse(call("alice", "POST", "/v1/reports", last.dump()).body).at("id").get<std::string>();
    sent.push_back({sentinel_id, "nordkraft", "CLEAR", {}});
    for (auto& t : readers) t.join();

    auto canonical = all_ids_since(start);
    ASSERT_EQ(canonical.size(), sent.size());
    std::map<std::string, std::size_t> rank;
    for (std::size_t i = 0; i < canonical.size(); ++i) rank[canonical[i]] = i;
    for (std::size_t i = 0; i < subscribers.size(); ++i) {
        auto const& m = member_named(subscribers[i]);
        std::vector<std::string> want;
        for (auto const& id : canonical) {
            auto it = std::find_if(sent.begin(), sent.end(), [&](sent_report const& r) { return r.id == id; });
            if (may_see(m, *it)) want.push_back(id);
        }
        // Exactly what the oracle allows, each once, in commit order.
        EXPECT_EQ(ids_of(received[i]), want) << subscribers[i] << " after " << reconnects[i] << " reconnects";
        for (auto const& e : received[i]) EXPECT_EQ(e.kind, "report.published");
        EXPECT_GT(reconnects[i], 0) << subscribers[i];
    }
}

TEST_F(Stream, TransactionHeldOpenIsNotSkipped) {
    auto carol = subscribe("carol", "since=" + now_cursor());
    store::pg_pool pool({db_->url(), 1});
    service::identity_service ids(pool);
    auto alice = ids.authenticate(fingerprint_of("alice")).value().who;
    std::atomic<bool> inserted{false};
    std::string held_id;
    std::thread held([&] {
        pool.transact([&](store::tx& t) {
            store::report_store::new_report r;
            r.origin_org = alice.org_slug;
            r.submitted_by = alice.id;
            r.tlp = "GREEN";
            r.status = "published";
            r.attribution = "pseudonymous";
            r.shared_json = R"({"title":"Held open","summary":"s"})";
            r.redactions_json = r.warnings_json = "[]";
            r.original_body = "{}";
            held_id = store::report_store::insert(t, r);  // its event is appended here
            inserted = true;
            std::this_thread::sleep_for(1500ms);  // ... and commits only after the others tried
        });
    });
    while (!inserted) std::this_thread::sleep_for(5ms);
    std::vector<std::thread> later;
    std::vector<std::string> later_ids(4);
    for (std::size_t i = 0; i < later_ids.size(); ++i)
        later.emplace_back([&, i] { later_ids[i] = publish("alice", "GREEN"); });
    held.join();
    for (auto& t : later) t.join();

    auto got = until(carol, sentinel());
    ASSERT_EQ(got.size(), 5u);
    EXPECT_EQ(got.front(), "report.published " + held_id);  // appended first, so delivered first
    for (auto const& id : later_ids)
        EXPECT_NE(std::find(got.begin(), got.end(), "report.published " + id), got.end());
}

TEST_F(Stream, TwoNodesOnOneDatabaseServeEachOther) {
    auto config = node_config_for(db_->url());
    config.stream_poll_interval = 60s;  // so only NOTIFY can deliver in time
    test_node other(config);
    stream_reader bob(other.port(), tls_for("bob"), "since=" + now_cursor());
    auto sent_at = std::chrono::steady_clock::now();
    auto id = publish("alice", "GREEN");
    auto e = bob.next(10s);
    ASSERT_TRUE(e) << "no event on the other node: is LISTEN/NOTIFY working?";
    EXPECT_EQ(e->id, id);
    std::cout << "[ info ] publish on node A to delivery on node B: "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent_at).count()
              << " ms\n";
}

TEST_F(Stream, StalledReaderIsClosedWithItsResumeCursorAndResumesWithoutLoss) {
    auto config = node_config_for(db_->url());
    config.stream.queue_events = 8;
    config.stream.queue_bytes = 64 * 1024;
    config.stream.send_buffer = 16 * 1024;
    test_node small(config);
    stream_reader bob(small.port(), tls_for("bob"), "since=" + now_cursor(), 4096);
    std::vector<std::string> sent;
    auto c = node_->connect("alice");
    // One event first, so the stream is live (caught up) before the flood.
    sent.push_back(publish("alice", "GREEN", {}, "first", c.get()));
    auto first = bob.next(10s);
    ASSERT_TRUE(first);
    std::vector<stream_event> got{*first};
    for (int i = 0; i < 40; ++i) sent.push_back(publish("alice", "GREEN", {}, std::string(8000, 'x'), c.get()));
    // Stalled for longer than the closing handshake's deadline (the test node's 2 s): a reader
    // that is slow, not gone, still gets its close and resume cursor once it reads again.
    std::this_thread::sleep_for(3s);

    for (auto& e : bob.drain(3s)) got.push_back(std::move(e));  // what reached the socket before the node gave up
    ASSERT_TRUE(bob.closed());
    EXPECT_EQ(bob.closed()->code, 4000) << bob.closed()->reason;
    auto resume = resume_cursor_of(bob.closed()->reason);
    ASSERT_FALSE(resume.empty()) << bob.closed()->reason;
    EXPECT_LT(got.size(), sent.size());

    stream_reader again(small.port(), tls_for("bob"), "since=" + resume);
    auto end = sentinel();
    while (auto e = again.next(20s)) {
        if (e->id == end) break;
        got.push_back(std::move(*e));
    }
    EXPECT_EQ(ids_of(got), sent);  // every report once, in order, across the two connections
}

TEST_F(Stream, RevocationClosesALiveStream) {
    auto cert = enrol_extra("stream-revokee", "fjordbank", domain::principal_kind::service);
    stream_reader s(node_->port(), tls_for(cert));
    store::pg_pool pool({db_->url(), 1});
    service::identity_service ids(pool);
    auto revoked_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(ids.revoke("test", cert.fingerprint));
    EXPECT_FALSE(s.next(5s));
    auto took = std::chrono::steady_clock::now() - revoked_at;
    ASSERT_TRUE(s.closed());
    EXPECT_EQ(s.closed()->code, 4030) << s.closed()->reason;
    EXPECT_LT(took, 2s);
    // And it cannot come back.
    EXPECT_THROW(stream_reader(node_->port(), tls_for(cert)), client::upgrade_refused);
}

TEST_F(Stream, TighteningWithdrawsFromThoseWhoLostItAndNobodyElse) {
    auto id = publish("alice", "RED", {"org:fjordbank", "org:havn"});
    auto since = "since=" + now_cursor();
    auto bob = subscribe("bob", since), carol = subscribe("carol", since), feed = subscribe("havn-feed", since),
         oscar = subscribe("oscar", since);
    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + id + "/tlp", R"({"tlp":"RED","recipients":["org:havn"]})").status,
              200u);
    auto end = sentinel();
    EXPECT_EQ(until(bob, end), std::vector<std::string>{"report.withdrawn " + id});
    EXPECT_EQ(until(carol, end), std::vector<std::string>{"report.updated " + id});
    EXPECT_EQ(until(feed, end), std::vector<std::string>{});  // a service never had a RED report
    EXPECT_EQ(until(oscar, end), std::vector<std::string>{"report.updated " + id});
}

TEST_F(Stream, FiltersNarrowWhatArrives) {
    auto since = "since=" + now_cursor();
    auto green_only = subscribe("carol", since + "&max_tlp=GREEN");
    auto everything = subscribe("carol", since);
    auto green = publish("alice", "GREEN");
    auto amber = publish("alice", "AMBER", {"org:havn"});
    // Tightening past the filter: the copy it holds must go.
    ASSERT_EQ(call("alice", "POST", "/v1/reports/" + green + "/tlp", R"({"tlp":"AMBER","recipients":["org:havn"]})").status,
              200u);
    auto end = sentinel();
    EXPECT_EQ(until(green_only, end), (std::vector<std::string>{"report.published " + green, "report.withdrawn " + green}));
    EXPECT_EQ(until(everything, end), (std::vector<std::string>{"report.published " + green, "report.published " + amber,
                                                                "report.updated " + green}));
}

TEST_F(Stream, IdleStreamGetsHeartbeatsWithItsCursor) {
    auto config = node_config_for(db_->url());
    config.stream.heartbeat = 1s;
    test_node quick(config);
    stream_reader s(quick.port(), tls_for("bob"));
    EXPECT_FALSE(s.next(2500ms));  // no events: only heartbeats
    ASSERT_FALSE(s.cursor().empty());
    auto id = publish("alice", "GREEN");
    stream_reader resumed(quick.port(), tls_for("bob"), "since=" + s.cursor());
    auto e = resumed.next(5s);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->id, id);
    // The idle stream itself (its queues given back at each heartbeat) still delivers.
    auto live = s.next(5s);
    ASSERT_TRUE(live) << (s.closed() ? s.closed()->reason : "nothing arrived");
    EXPECT_EQ(live->id, id);
}

// The node pings a subscriber that has sent nothing for half its idle timeout, and ends the
// connection of one that answers nothing for another half. A stream_reader answers pings only
// while it reads (next()).
TEST_F(Stream, SubscribersThatAnswerPingsStayAndSilentOnesAreDropped) {
    auto config = node_config_for(db_->url());
    config.stream.idle_timeout = 2s;
    test_node quick(config);
    stream_reader answering(quick.port(), tls_for("bob"));
    stream_reader silent(quick.port(), tls_for("carol"));
    EXPECT_FALSE(answering.next(4s));  // ~4 pings, each answered
    ASSERT_FALSE(answering.closed()) << answering.closed()->reason;
    EXPECT_FALSE(silent.next(2s));     // its pings were never answered: gone by now
    EXPECT_TRUE(silent.closed());
}

// Subscribers have nothing to say but control frames; a message is read and dropped, a few
// bytes at a time, however long (up to the message limit), and the stream goes on.
TEST_F(Stream, MessagesFromASubscriberAreDroppedAndTheStreamGoesOn) {
    stream_reader s(node_->port(), tls_for("bob"));
    s.send_text(std::string(4000, 'x'));  // under the node's stream_message_max (4096 by default)
    s.send_text("{\"hello\":1}");
    auto id = publish("alice", "GREEN");
    auto e = s.next(5s);
    ASSERT_TRUE(e) << (s.closed() ? s.closed()->reason : "nothing arrived");
    EXPECT_EQ(e->id, id);
}

// The node counts a message's bytes as they arrive and closes with 1009 once they pass its
// stream_message_max, however the client fragments them.
TEST_F(Stream, AMessageOverTheLimitClosesTheStreamWith1009) {
    stream_reader s(node_->port(), tls_for("bob"));
    s.send_text(std::string(10000, 'x'));
    EXPECT_FALSE(s.next(5s));
    ASSERT_TRUE(s.closed());
    EXPECT_EQ(s.closed()->code, 1009) << s.closed()->reason;
}

// A subscriber that goes on sending after its message broke the limit (it has not read the
// node's close yet) still gets the 1009: the node reads and drops what comes until the
// subscriber's end instead of closing on bytes in flight, which the kernel would answer with
// a reset that makes the subscriber's next write, or its own close, fail.
TEST_F(Stream, ASubscriberStillSendingAfterTheLimitStillGetsThe1009) {
    stream_reader s(node_->port(), tls_for("bob"));
    s.send_text(std::string(10000, 'x'));
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(150ms);  // the node has answered by now
        ASSERT_NO_THROW(s.send_text("still talking " + std::to_string(i))) << "message " << i;
    }
    EXPECT_FALSE(s.next(5s));
    ASSERT_TRUE(s.closed());
    EXPECT_EQ(s.closed()->code, 1009) << s.closed()->reason;
}

// What the WebSocket handshake itself needs (RFC 6455 §4.2.1) is checked before the stream
// takes the connection: the header at fault is named.
TEST_F(Stream, UpgradesOfAnotherVersionOrWithoutAKeyAreRefused) {
    std::map<std::string, std::string> upgrade{{"Upgrade", "websocket"}, {"Connection", "Upgrade"},
                                               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
    auto old_version = upgrade;
    old_version["Sec-WebSocket-Version"] = "8";
    auto r = call("bob", "GET", "/v1/stream", {}, old_version);
    EXPECT_EQ(r.status, 426u) << r.body;
    EXPECT_EQ(r.headers["sec-websocket-version"], "13");
    EXPECT_NE(r.body.find("Sec-WebSocket-Version"), std::string::npos) << r.body;

    auto bad_key = upgrade;
    bad_key["Sec-WebSocket-Version"] = "13";
    bad_key["Sec-WebSocket-Key"] = "not a key";
    r = call("bob", "GET", "/v1/stream", {}, bad_key);
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_NE(r.body.find("Sec-WebSocket-Key"), std::string::npos) << r.body;
}

TEST_F(Stream, RefusalsAreProblemsBeforeTheUpgrade) {
    EXPECT_EQ(call("bob", "GET", "/v1/stream").status, 426u);  // not an upgrade
    try {
        stream_reader bad(node_->port(), tls_for("bob"), "max_tlp=PURPLE&since=made-up");
        ADD_FAILURE() << "a bad query was accepted";
    } catch (client::upgrade_refused const& r) {
        EXPECT_EQ(r.status(), 400u);
        auto problem = json::parse(r.body());
        EXPECT_TRUE(problem.dump().find("max_tlp") != std::string::npos) << r.body();
        EXPECT_TRUE(problem.dump().find("since") != std::string::npos) << r.body();
    }
    EXPECT_THROW(stream_reader(node_->port(), tls_for("unenrolled")), client::upgrade_refused);
}

TEST_F(Stream, CursorOlderThanTheKeptHistoryIsClosedWithAReason) {
    auto old = now_cursor();
    publish("alice", "GREEN");
    struct horizon_reset {
        test_database* db;
        ~horizon_reset() { db->exec("UPDATE event_horizon SET purged_through = 0"); }
    } reset{db_};
    db_->exec("UPDATE event_horizon SET purged_through = (SELECT max(id) FROM report_event)");
    stream_reader s(node_->port(), tls_for("bob"), "since=" + old);
    EXPECT_FALSE(s.next(5s));
    ASSERT_TRUE(s.closed());
    EXPECT_EQ(s.closed()->code, 4010) << s.closed()->reason;
    EXPECT_EQ(call("bob", "GET", "/v1/events?since=" + old).status, 410u);
}

}  // namespace
}  // namespace varde::test
