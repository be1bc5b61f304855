// TLS session resumption end to end: a real node over loopback, the client library (a client
// context shared by connections, a session saved from one connection and offered on the next),
// a real PostgreSQL. The node keeps sessions in its own process (SSL_SESS_CACHE_SERVER); with
// SSL_OP_NO_TICKET a TLS 1.3 ticket is only a session id into that cache, and TLS 1.2
// resumes by session id. A resumed handshake verifies no certificate: what these tests hold
// the node to is that the principal behind the session is still looked up, and that the
// identity it answers with is the session's.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cert_factory.hpp"
#include "node_suite.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

std::string protocol_name(int version) { return version == TLS1_3_VERSION ? "tls13" : "tls12"; }

// `tls` restricted to TLS 1.2, or left as it is (the client then agrees TLS 1.3 with the node).
client::tls_options over(client::tls_options tls, int version) {
    if (version == TLS1_2_VERSION) tls.max_protocol_version = version;
    return tls;
}

json principal_in(client::reply const& whoami) { return json::parse(whoami.body)["principal"]; }
std::string fingerprint_in(client::reply const& whoami) { return principal_in(whoami)["fingerprint"]; }

// Counts the sessions a client context's connections are given: with TLS 1.3, one for each
// NewSessionTicket the node sends. OpenSSL calls the new-session callback only with client
// session caching on; NO_INTERNAL_STORE keeps it from storing them as well.
class ticket_counter {
public:
    explicit ticket_counter(SSL_CTX* ctx) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_set_ex_data(ctx, index(), &count_);
        SSL_CTX_sess_set_new_cb(ctx, [](SSL* ssl, SSL_SESSION*) {
            ++*static_cast<int*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), index()));
            return 0;  // not kept: OpenSSL frees its reference
        });
    }
    ticket_counter(ticket_counter const&) = delete;
    ticket_counter& operator=(ticket_counter const&) = delete;
    int count() const { return count_; }

private:
    static int index() {
        static int const i = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
        return i;
    }
    int count_ = 0;
};

// One connection's whoami.
struct visit {
    client::reply reply;
    bool resumed = false;
    client::tls_session session;  // taken after the reply: TLS 1.3's ticket has come by then
};

class Resumption : public node_suite<Resumption> {
protected:
    static client::target at(test_node const& node) { return {"127.0.0.1", node.port()}; }

    // A new connection (offering `resume` if set) asks whoami once, with "Connection: close":
    // the node then ends the connection with a close_notify.
    static visit whoami(test_node const& node, client::tls_options const& tls, client::shared_context const& ctx,
                        client::tls_session resume = {}) {
        client::connection c(at(node), tls, ctx, std::move(resume));
        visit v;
        v.reply = c.request("GET", "/v1/whoami", {}, {{"Connection", "close"}});
        v.resumed = c.resumed();
        v.session = c.session();
        return v;
    }
};

// The same tests over TLS 1.3 (a ticket naming a cached session) and TLS 1.2 (a session id).
class ResumptionOverEachProtocol : public Resumption, public ::testing::WithParamInterface<int> {
protected:
    // A principal of fjordbank enrolled for this test through the admin API (as oscar), with
    // its own certificate, so that the test may revoke it. One name per protocol: a suite
    // run as one process shares its database between tests.
    static client_certificate enrolled(std::string const& name) {
        auto cert = make_client_certificate(name + "-" + protocol_name(GetParam()), "Fjordbank ASA");
        auto r = call("oscar", "POST", "/v1/admin/principals",
                      json{{"org", "fjordbank"}, {"name", cert.name}, {"role", "member"}, {"kind", "person"},
                           {"certificate", cert.certificate_pem}}.dump());
        EXPECT_EQ(r.status, 201u) << r.body;
        return cert;
    }

    // The principal behind a session changes (`assignment`, an SQL SET clause) out of the
    // node's hearing, as when another node or `varde-node admin` changed it and the NOTIFY has
    // not arrived yet, so its membership cache still says "ok". A resumed connection must be
    // answered `status`, as a new one with a full handshake is: the first request on any
    // connection reads the principal from the database.
    static void expect_resumed_answered_like_fresh(std::string const& name, std::string const& assignment,
                                                   unsigned status) {
        auto cert = enrolled(name);
        std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the hub listens: cache on
        auto tls = over(tls_for(cert), GetParam());
        auto ctx = client::make_shared_context(tls);
        client::connection open(at(*node_), tls, ctx);  // kept open: its session stays cached
        ASSERT_EQ(open.request("GET", "/v1/whoami").status, 200u);
        auto session = open.session();
        ASSERT_TRUE(session);
        db_->exec("ALTER TABLE principal DISABLE TRIGGER principal_notify; "
                  "UPDATE principal SET " + assignment + " WHERE fingerprint = '" + cert.fingerprint + "'; "
                  "ALTER TABLE principal ENABLE TRIGGER principal_notify;");
        // Precondition: the node still judges the open connection from memory.
        ASSERT_EQ(open.request("GET", "/v1/whoami").status, 200u) << "cache not on; test inconclusive";

        client::connection resumed(at(*node_), tls, ctx, session);
        ASSERT_TRUE(resumed.resumed()) << "the node did not resume the session; test inconclusive";
        auto r = resumed.request("GET", "/v1/whoami");
        client::connection fresh(at(*node_), tls, ctx);
        EXPECT_FALSE(fresh.resumed());
        auto f = fresh.request("GET", "/v1/whoami");
        EXPECT_EQ(r.status, status) << "served on a resumed session: " << r.body;
        EXPECT_EQ(f.status, status) << f.body;
        EXPECT_EQ(r.header("connection"), "close");  // and the node ends the connection
        EXPECT_EQ(json::parse(r.body)["detail"], json::parse(f.body)["detail"]);
    }
};

INSTANTIATE_TEST_SUITE_P(Protocols, ResumptionOverEachProtocol, ::testing::Values(TLS1_3_VERSION, TLS1_2_VERSION),
                         [](::testing::TestParamInfo<int> const& p) { return protocol_name(p.param); });

TEST_P(ResumptionOverEachProtocol, ResumedConnectionAnswersAsTheSamePrincipal) {
    auto tls = over(tls_for("bob"), GetParam());
    auto ctx = client::make_shared_context(tls);
    auto full = whoami(*node_, tls, ctx);
    ASSERT_EQ(full.reply.status, 200u) << full.reply.body;
    EXPECT_FALSE(full.resumed);
    ASSERT_TRUE(full.session);
    EXPECT_EQ(SSL_SESSION_get_protocol_version(full.session.get()), GetParam());

    auto again = whoami(*node_, tls, ctx, full.session);
    EXPECT_TRUE(again.resumed) << "the node did not resume a session it issued";
    ASSERT_EQ(again.reply.status, 200u) << again.reply.body;
    EXPECT_EQ(principal_in(again.reply), principal_in(full.reply));
    EXPECT_EQ(fingerprint_in(again.reply), fingerprint_of("bob"));

    // A client that keeps reconnecting goes on resuming with the session it was last given.
    auto third = whoami(*node_, tls, ctx, again.session);
    EXPECT_TRUE(third.resumed);
    ASSERT_EQ(third.reply.status, 200u) << third.reply.body;
    EXPECT_EQ(principal_in(third.reply), principal_in(full.reply));
}

// What the client holds names a session in the node's memory; it is not the session itself,
// encrypted (a stateless ticket would be some hundred bytes).
TEST_P(ResumptionOverEachProtocol, ClientHoldsOnlyAnIdOfTheSessionTheNodeCaches) {
    auto tls = over(tls_for("bob"), GetParam());
    auto full = whoami(*node_, tls, client::make_shared_context(tls));
    ASSERT_EQ(full.reply.status, 200u) << full.reply.body;
    ASSERT_TRUE(full.session);
    unsigned char const* ticket = nullptr;
    std::size_t ticket_length = 0;
    SSL_SESSION_get0_ticket(full.session.get(), &ticket, &ticket_length);
    unsigned id_length = 0;
    SSL_SESSION_get_id(full.session.get(), &id_length);
    if (GetParam() == TLS1_3_VERSION) {
        EXPECT_EQ(ticket_length, std::size_t{SSL_MAX_SSL_SESSION_ID_LENGTH});  // a stateful ticket
    } else {
        EXPECT_EQ(SSL_SESSION_has_ticket(full.session.get()), 0);  // SSL_OP_NO_TICKET: no RFC 5077 ticket
        EXPECT_EQ(id_length, unsigned{SSL_MAX_SSL_SESSION_ID_LENGTH});
    }
}

TEST_P(ResumptionOverEachProtocol, RevokedPrincipalIsRefusedOnAResumedConnectionAsOnAFreshOne) {
    expect_resumed_answered_like_fresh("revokee", "status = 'revoked', revoked_at = now()", 403u);
}

// A resumed handshake checks no certificate, so not its expiry either: the node's own check
// of the enrolled certificate's expiry (the database's not_after) is what refuses it.
TEST_P(ResumptionOverEachProtocol, CertificateExpiredSinceTheHandshakeIsRefusedOnAResumedConnection) {
    expect_resumed_answered_like_fresh("expiree", "not_after = now() - interval '1 minute'", 401u);
}

// Bob's session offered by a client configured with alice's certificate and key. Only bob's
// client can hold that session (it carries the secret of bob's handshake), so a resumption
// proves bob's handshake, and in it the node asks for no certificate (TLS 1.3 forbids a
// CertificateRequest with a PSK; TLS 1.2 resumption has none): alice's certificate is never
// sent. What matters, and is asserted first, is that the node's answer is never a mix: it is
// bob when the session was resumed (the identity of the session's handshake, SSL_get0_peer_
// certificate of the session the node resumed) and alice when it was not (a full handshake
// with her certificate). OpenSSL 3 resumes here; that is asserted second, so that a change of
// behaviour shows, and the test below covers the other branch for real.
TEST_P(ResumptionOverEachProtocol, IdentityIsTheResumedSessionsNotTheConfiguredCertificates) {
    auto bob_tls = over(tls_for("bob"), GetParam());
    auto bob = whoami(*node_, bob_tls, client::make_shared_context(bob_tls));
    ASSERT_EQ(bob.reply.status, 200u) << bob.reply.body;
    ASSERT_TRUE(bob.session);

    auto alice_tls = over(tls_for("alice"), GetParam());
    auto alice_ctx = client::make_shared_context(alice_tls);
    auto offered = whoami(*node_, alice_tls, alice_ctx, bob.session);
    ASSERT_EQ(offered.reply.status, 200u) << offered.reply.body;
    EXPECT_EQ(fingerprint_in(offered.reply), offered.resumed ? fingerprint_of("bob") : fingerprint_of("alice"));
    EXPECT_TRUE(offered.resumed);

    auto plain = whoami(*node_, alice_tls, alice_ctx);
    EXPECT_FALSE(plain.resumed);
    EXPECT_EQ(fingerprint_in(plain.reply), fingerprint_of("alice"));
}

// Each node caches its own sessions: a session from another node (another process, or a
// restarted one) is not resumed, and the full handshake that follows identifies the
// certificate presented, alice's, not the session's owner, bob.
TEST_P(ResumptionOverEachProtocol, SessionFromAnotherNodeIsNotResumed) {
    test_node other(node_config_for(db_->url()));
    auto bob_tls = over(tls_for("bob"), GetParam());
    auto bob = whoami(*node_, bob_tls, client::make_shared_context(bob_tls));
    ASSERT_EQ(bob.reply.status, 200u) << bob.reply.body;
    ASSERT_TRUE(bob.session);

    auto alice_tls = over(tls_for("alice"), GetParam());
    auto offered = whoami(other, alice_tls, client::make_shared_context(alice_tls), bob.session);
    EXPECT_FALSE(offered.resumed);
    ASSERT_EQ(offered.reply.status, 200u) << offered.reply.body;
    EXPECT_EQ(fingerprint_in(offered.reply), fingerprint_of("alice"));

    // The session itself is good: its own node resumes it.
    EXPECT_TRUE(whoami(*node_, bob_tls, client::make_shared_context(bob_tls), bob.session).resumed);
}

// SSL_CTX_set_num_tickets(1): one NewSessionTicket after a full handshake (OpenSSL's default
// is two), none later in the connection, and one after a resumed handshake (OpenSSL never sends
// more there). Its lifetime hint is the node's session lifetime.
TEST_F(Resumption, Tls13IssuesOneTicketPerConnection) {
    auto tls = tls_for("bob");
    auto ctx = client::make_shared_context(tls);
    ticket_counter tickets(ctx->native_handle());
    client::tls_session session;
    {
        client::connection full(at(*node_), tls, ctx);
        ASSERT_EQ(full.request("GET", "/v1/whoami").status, 200u);
        EXPECT_EQ(tickets.count(), 1);
        ASSERT_EQ(full.request("GET", "/v1/whoami", {}, {{"Connection", "close"}}).status, 200u);
        EXPECT_EQ(tickets.count(), 1) << "another ticket came later in the connection";
        session = full.session();
    }
    ASSERT_TRUE(session);
    EXPECT_EQ(SSL_SESSION_get_protocol_version(session.get()), TLS1_3_VERSION);
    EXPECT_EQ(SSL_SESSION_get_ticket_lifetime_hint(session.get()), 300u);

    client::connection resumed(at(*node_), tls, ctx, session);
    EXPECT_TRUE(resumed.resumed());
    ASSERT_EQ(resumed.request("GET", "/v1/whoami").status, 200u);
    ASSERT_EQ(resumed.request("GET", "/v1/whoami").status, 200u);
    EXPECT_EQ(tickets.count(), 2);
}

// A client that leaves its idle connection for the node to close (most HTTP connection pools
// do) resumes afterwards: the node closes at its idle deadline without a close_notify, and the
// session stays in its cache. (A client that drops its socket mid-connection is not resumed:
// OpenSSL treats the unexpected end of file as a fatal error, which takes the session out.)
TEST_P(ResumptionOverEachProtocol, SessionSurvivesTheNodesIdleClose) {
    auto config = node_config_for(db_->url());
    config.limits.idle_timeout = std::chrono::seconds(1);
    test_node quick(config);
    auto tls = over(tls_for("bob"), GetParam());
    auto ctx = client::make_shared_context(tls);

    client::tls_session session;
    {
        client::connection c(at(quick), tls, ctx);
        ASSERT_EQ(c.request("GET", "/v1/whoami").status, 200u);
        session = c.session();
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the node closes it
        EXPECT_ANY_THROW(c.request("GET", "/v1/whoami")) << "the node kept the idle connection open";
    }
    ASSERT_TRUE(session);
    client::connection after(at(quick), tls, ctx, session);
    EXPECT_TRUE(after.resumed()) << "the session was lost when the node closed the idle connection";
    auto r = after.request("GET", "/v1/whoami");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(fingerprint_in(r), fingerprint_of("bob"));
}

}  // namespace
}  // namespace varde::test
