// Mutual TLS end to end: a real node over loopback, the client library, a real PostgreSQL.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "service/identity_service.hpp"
#include "store/pg_pool.hpp"
#include "test_database.hpp"
#include "node_suite.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using json = nlohmann::json;

class MutualTls : public node_suite<MutualTls> {
protected:

    // Every way a refused certificate can surface on the client: a failed handshake, or
    // (TLS 1.3, where the server checks the client's certificate after the client's
    // handshake is done) a connection closed on the first request.
    static void expect_refused(client::tls_options const& tls) {
        try {
            auto c = node_->connect(tls);
            auto r = c->request("GET", "/v1/whoami");
            ADD_FAILURE() << "request was answered with status " << r.status << ": " << r.body;
        } catch (client::error const& e) {
            EXPECT_EQ(e.which(), client::error::kind::tls) << e.what();
        }
    }

};


struct example_principal {
    char const* name;
    char const* org;
    char const* role;
    char const* kind;
};

TEST_F(MutualTls, WhoamiNamesEachExamplePrincipal) {
    for (auto p : {example_principal{"alice", "nordkraft", "member", "person"},
                   example_principal{"bob", "fjordbank", "member", "person"},
                   example_principal{"carol", "havn", "member", "person"},
                   example_principal{"havn-feed", "havn", "member", "service"},
                   example_principal{"oscar", "cert", "operator", "person"}}) {
        auto c = node_->connect(p.name);
        auto r = c->request("GET", "/v1/whoami");
        ASSERT_EQ(r.status, 200u) << p.name << ": " << r.body;
        auto body = json::parse(r.body);
        EXPECT_EQ(body["principal"]["name"], p.name);
        EXPECT_EQ(body["principal"]["role"], p.role);
        EXPECT_EQ(body["principal"]["kind"], p.kind);
        EXPECT_EQ(body["principal"]["fingerprint"], fingerprint_of(p.name));
        EXPECT_EQ(body["organisation"]["slug"], p.org);
    }
}

TEST_F(MutualTls, KeepAliveServesManyRequestsOnOneConnection) {
    auto c = node_->connect("bob");
    for (int i = 0; i < 20; ++i) {
        auto r = c->request("GET", "/v1/whoami");
        ASSERT_EQ(r.status, 200u);
        EXPECT_EQ(r.header("connection"), "");  // HTTP/1.1 keep-alive is implicit
    }
}

TEST_F(MutualTls, HealthReportsDatabase) {
    auto r = node_->connect("alice")->request("GET", "/v1/health");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(json::parse(r.body)["database"], "ok");
}

TEST_F(MutualTls, RefusesConnectionWithoutCertificate) {
    auto tls = tls_for("alice");
    tls.certificate_file.clear();
    tls.private_key_file.clear();
    expect_refused(tls);
}

TEST_F(MutualTls, RefusesCertificateFromAnotherCa) { expect_refused(tls_for("stranger")); }

TEST_F(MutualTls, RefusesExpiredCertificate) { expect_refused(tls_for("expired")); }

TEST_F(MutualTls, RefusesTls11) {
    auto tls = tls_for("alice");
    tls.max_protocol_version = TLS1_1_VERSION;
    EXPECT_THROW(node_->connect(tls), client::error);
}

TEST_F(MutualTls, UnenrolledCertificateFromRightCaGets401AndIsClosed) {
    auto c = node_->connect("unenrolled");
    auto r = c->request("GET", "/v1/whoami");
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_NE(json::parse(r.body)["detail"].get<std::string>().find("not enrolled"), std::string::npos);
    EXPECT_THROW(c->request("GET", "/v1/whoami"), client::error);  // the node closed it
}

// A pipelining client has sent its next requests before it reads that this connection ends.
// The node answers the first, ends TLS and TCP, and reads the rest to the client's end: had it
// closed with bytes still coming, the kernel would answer them with a reset, and the client's
// next write (or its read of the answer) would fail.
TEST_F(MutualTls, AClientStillSendingAfterAConnectionCloseAnswerStillGetsTheAnswer) {
    auto c = node_->connect("alice");
    c->raw_write("GET /v1/whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    auto answer = c->raw_read_some();  // the node has answered, so what follows comes after its close
    for (int i = 0; i < 4; ++i) {
        ASSERT_NO_THROW(c->raw_write("GET /v1/whoami HTTP/1.1\r\nHost: localhost\r\n\r\n")) << "request " << i;
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    std::string end;
    answer += c->raw_read_to_end(&end);
    EXPECT_EQ(end, "close_notify") << "the connection did not end cleanly";
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\"alice\""), std::string::npos) << answer;
    EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << "a request after the close was answered: " << answer;
}

TEST_F(MutualTls, RevocationTakesEffectOnAnOpenConnection) {
    store::pg_pool pool({db_->url(), 1});
    service::identity_service ids(pool);
    auto pem_facts = fingerprint_of("revokee");
    auto org = ids.find_organisation("fjordbank");
    ASSERT_TRUE(org && org.value());
    // Enrol 'revokee', use it, then revoke it while its keep-alive connection is open.
    service::certificate_facts facts{pem_facts, "CN=revokee", "2030-01-01T00:00:00Z",
                                     read_file(pki_dir() + "/revokee.pem")};
    ASSERT_TRUE(ids.enrol("test", {"fjordbank", "revokee", domain::principal_role::member,
                                   domain::principal_kind::person, facts}));
    auto c = node_->connect("revokee");
    ASSERT_EQ(c->request("GET", "/v1/whoami").status, 200u);
    ASSERT_EQ(c->request("GET", "/v1/whoami").status, 200u);  // now from the principal cache
    // Revoked by another process (as `varde-node admin` or a second node would): a new
    // connection reads the database, so it is refused at once ...
    ASSERT_TRUE(ids.revoke("test", pem_facts));
    EXPECT_EQ(node_->connect("revokee")->request("GET", "/v1/whoami").status, 403u);
    // ... and the open one as soon as the node hears the change (NOTIFY; the cache's 2 s
    // age limit is the bound should the notification be lost).
    auto began = std::chrono::steady_clock::now();
    client::reply r;
    do {
        r = c->request("GET", "/v1/whoami");
    } while (r.status == 200 && std::chrono::steady_clock::now() - began < std::chrono::seconds(3));
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(json::parse(r.body)["status"], 403);
    EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(1000));  // heard, not aged out
}

TEST_F(MutualTls, OversizedBodyIs413) {
    auto c = node_->connect("alice");
    std::string body(128 * 1024, 'x');  // the test node accepts 64 KiB
    auto r = c->request("POST", "/v1/whoami", body);
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST_F(MutualTls, OversizedHeaderIs431) {
    auto c = node_->connect("alice");
    auto r = c->request("GET", "/v1/whoami", "", {{"X-Padding", std::string(16 * 1024, 'a')}});
    EXPECT_EQ(r.status, 431u);
}

TEST_F(MutualTls, MalformedRequestLineIs400) {
    auto c = node_->connect("alice");
    auto answer = c->raw_exchange("THIS IS NOT HTTP\r\n\r\n");
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
    EXPECT_NE(answer.find("application/problem+json"), std::string::npos);
}

TEST_F(MutualTls, UnknownPathIs404Problem) {
    auto r = node_->connect("alice")->request("GET", "/v1/nothing-here");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
}

TEST_F(MutualTls, WrongMethodIs405) {
    auto r = node_->connect("alice")->request("DELETE", "/v1/whoami");
    EXPECT_EQ(r.status, 405u);
}

}  // namespace
}  // namespace varde::test
