// The main failures every command shares: a certificate the node does not accept, a node that
// is not there, a report file that is missing or bad. Each has its exit code and says what to do.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_suite.hpp"

namespace varde::test {
namespace {

class CliFailures : public cli_suite<CliFailures> {};

// A port on 127.0.0.1 that nothing listens on.
unsigned short closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

TEST_F(CliFailures, UnenrolledCertificateIsExit5WithAHint) {
    auto r = varde("unenrolled", {"whoami"});
    EXPECT_EQ(r.exit_code, 5) << show(r);
    EXPECT_TRUE(contains(r.err, "certificate not accepted by the node")) << r.err;
    EXPECT_TRUE(contains(r.err, "see varde whoami")) << r.err;
    EXPECT_EQ(varde("unenrolled", {"list"}).exit_code, 5);
}

TEST_F(CliFailures, CertificateOfAnotherCaOrExpiredIsRefused) {
    for (std::string who : {"stranger", "expired"}) {
        auto r = varde(who, {"list"});
        EXPECT_TRUE(r.exit_code == 5 || r.exit_code == 4) << who << ": " << show(r);
        EXPECT_TRUE(contains(r.err, "certificate")) << who << ": " << r.err;
    }
}

TEST_F(CliFailures, NodeDownIsExit4) {
    auto env = env_for("bob");
    env["VARDE_URL"] = "https://127.0.0.1:" + std::to_string(closed_port());
    auto r = varde_with(env, {"list"});
    EXPECT_EQ(r.exit_code, 4) << show(r);
    EXPECT_TRUE(contains(r.err, "cannot reach the node")) << r.err;
    EXPECT_TRUE(contains(r.err, "is the node running?")) << r.err;
}

TEST_F(CliFailures, WrongNodeNameInTheCertificateIsExit4) {
    auto r = varde("bob", {"whoami", "--server-name", "not-the-node.example"});
    EXPECT_EQ(r.exit_code, 4) << show(r);
    EXPECT_TRUE(contains(r.err, "TLS handshake")) << r.err;
}

TEST_F(CliFailures, BadReportFiles) {
    auto missing = varde("alice", {"publish", home() + "/no-such-report.json"});
    EXPECT_EQ(missing.exit_code, 3) << show(missing);
    EXPECT_TRUE(contains(missing.err, "cannot read the report file")) << missing.err;

    auto not_json = varde("alice", {"publish", write_file("broken.json", "{\"title\": ")});
    EXPECT_EQ(not_json.exit_code, 7) << show(not_json);
    EXPECT_TRUE(contains(not_json.err, "is not a JSON report")) << not_json.err;

    // The node's field errors, each on its own line; nothing is stored.
    auto invalid = varde("alice", {"publish", "-"}, R"({"title":"x","summary":"y","tlp":"PURPLE","bogus":1})");
    EXPECT_EQ(invalid.exit_code, 7) << show(invalid);
    EXPECT_TRUE(contains(invalid.err, "\n  tlp: ")) << invalid.err;
    EXPECT_TRUE(contains(invalid.err, "\n  bogus: ")) << invalid.err;
    auto list = varde("alice", {"list", "--json"});
    EXPECT_TRUE(json::parse(list.out)["items"].empty()) << list.out;
}

}  // namespace
}  // namespace varde::test
