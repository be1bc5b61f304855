// Faults and lifecycle: the database down at start and later, the connection cap, the
// handshake deadline, and a graceful stop of the real varde-node process on SIGTERM.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "tcp_proxy.hpp"
#include "test_database.hpp"
#include "test_node.hpp"

namespace varde::test {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

unsigned short cluster_port() {
    auto url = admin_url();
    auto colon = url.rfind(':');
    return static_cast<unsigned short>(std::stoi(url.substr(colon + 1)));
}

std::string via_proxy(tcp_proxy const& proxy, test_database const& db) {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(proxy.port()) + "/" + db.name();
}

// Polls until the node answers `path` with `status`, or the deadline passes.
bool eventually_status(test_node& node, std::string const& path, unsigned status,
                       std::chrono::seconds within = 10s) {
    auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (node.connect("alice")->request("GET", path).status == status) return true;
        } catch (client::error const&) {
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

TEST(Resilience, DatabaseDownAtStartThen503ThenRecovers) {
    test_database db;
    seed_examples(db.url());
    tcp_proxy proxy(cluster_port());
    proxy.cut();
    test_node node(node_config_for(via_proxy(proxy, db)));
    EXPECT_FALSE(node.node().schema_ready());
    auto c = node.connect("alice");
    auto health = c->request("GET", "/v1/health");
    EXPECT_EQ(health.status, 503u);
    EXPECT_EQ(json::parse(health.body)["database"], "unavailable");
    auto who = c->request("GET", "/v1/whoami");
    EXPECT_EQ(who.status, 503u);
    EXPECT_EQ(who.header("content-type"), "application/problem+json");

    proxy.restore();
    EXPECT_TRUE(eventually_status(node, "/v1/whoami", 200));
    EXPECT_TRUE(node.node().schema_ready());
}

TEST(Resilience, DatabaseLostLaterThen503ThenReconnects) {
    test_database db;
    seed_examples(db.url());
    tcp_proxy proxy(cluster_port());
    test_node node(node_config_for(via_proxy(proxy, db)));
    ASSERT_EQ(node.connect("alice")->request("GET", "/v1/whoami").status, 200u);

    proxy.cut();
    EXPECT_TRUE(eventually_status(node, "/v1/whoami", 503));
    EXPECT_EQ(node.connect("alice")->request("GET", "/v1/health").status, 503u);

    proxy.restore();
    EXPECT_TRUE(eventually_status(node, "/v1/whoami", 200));
    EXPECT_TRUE(eventually_status(node, "/v1/health", 200));
}

TEST(Resilience, ConnectionCapRefusesTheConnectionOverIt) {
    test_database db;
    seed_examples(db.url());
    auto config = node_config_for(db.url());
    config.limits.max_connections = 2;
    test_node node(config);
    auto first = node.connect("alice");
    auto second = node.connect("bob");
    ASSERT_EQ(first->request("GET", "/v1/whoami").status, 200u);
    ASSERT_EQ(second->request("GET", "/v1/whoami").status, 200u);
    EXPECT_THROW(node.connect("carol")->request("GET", "/v1/whoami"), client::error);
    first.reset();  // a place frees up once the node sees the close
    EXPECT_TRUE(eventually_status(node, "/v1/whoami", 200));
}

TEST(Resilience, RequestRateIsLimitedPerPrincipalWith429) {
    test_database db;
    seed_examples(db.url());
    auto config = node_config_for(db.url());
    config.rate_per_s = 1;
    config.rate_burst = 3;
    test_node node(config);
    auto alice = node.connect("alice");
    for (int i = 0; i < 3; ++i) ASSERT_EQ(alice->request("GET", "/v1/whoami").status, 200u);
    auto refused = alice->request("GET", "/v1/whoami");
    EXPECT_EQ(refused.status, 429u);
    EXPECT_EQ(refused.header("retry-after"), "1");
    EXPECT_EQ(refused.header("content-type"), "application/problem+json");
    EXPECT_EQ(node.connect("bob")->request("GET", "/v1/whoami").status, 200u);  // others are not affected
}

TEST(Resilience, SilentClientIsDroppedAfterHandshakeTimeout) {
    test_database db;
    auto config = node_config_for(db.url());
    config.limits.handshake_timeout = 1s;
    test_node node(config);
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), node.port()});
    auto start = std::chrono::steady_clock::now();
    char byte;
    boost::system::error_code ec;
    s.read_some(boost::asio::buffer(&byte, 1), ec);  // blocks until the node gives up
    auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
    EXPECT_GE(waited, 900ms);
    EXPECT_LT(waited, 5s);
}

// The real binary: SIGTERM stops accepting, closes idle connections and exits 0.
class NodeProcess : public ::testing::Test {
protected:
    void SetUp() override { seed_examples(db_.url()); }
    void TearDown() override {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }

    unsigned short start_node() {
        log_ = ::testing::TempDir() + "/varde-node-" + std::to_string(getpid()) + ".log";
        // Everything the child needs is prepared before fork(): after it, only
        // async-signal-safe calls (this process has threads).
        auto dir = pki_dir();
        std::vector<std::string> words{"varde-node", "serve", "--port", "0", "--database-url", db_.url(),
                                       "--pseudonym-secret", "test-pseudonym-secret-0123456789abcdef",
                                       "--tls-certificate", dir + "/server.pem", "--tls-private-key",
                                       dir + "/server.key", "--tls-client-ca", dir + "/member-ca.pem"};
        std::vector<char*> argv;
        for (auto& w : words) argv.push_back(w.data());
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            int fd = ::open(log_.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
            dup2(fd, 2);
            execv(VARDE_NODE_BINARY, argv.data());
            _exit(127);
        }
        return wait_for_port();
    }

    unsigned short wait_for_port() {
        std::regex started(R"re("event":"node.started".*"port":(\d+))re");
        for (int i = 0; i < 100; ++i) {
            std::ifstream in(log_);
            std::string line;
            std::smatch m;
            while (std::getline(in, line))
                if (std::regex_search(line, m, started)) return static_cast<unsigned short>(std::stoi(m[1]));
            std::this_thread::sleep_for(100ms);
        }
        ADD_FAILURE() << "the node did not start";
        return 0;
    }

    int wait_exit(std::chrono::seconds within) {
        auto deadline = std::chrono::steady_clock::now() + within;
        int status = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            std::this_thread::sleep_for(50ms);
        }
        return -1;
    }

    test_database db_;
    pid_t pid_ = -1;
    std::string log_;
};

TEST_F(NodeProcess, SigtermClosesIdleConnectionsAndExitsZero) {
    auto port = start_node();
    ASSERT_NE(port, 0);
    client::connection idle({"127.0.0.1", port}, tls_for("alice"));
    ASSERT_EQ(idle.request("GET", "/v1/whoami").status, 200u);
    ASSERT_EQ(kill(pid_, SIGTERM), 0);
    EXPECT_EQ(wait_exit(10s), 0);
    EXPECT_THROW(client::connection({"127.0.0.1", port}, tls_for("alice")), client::error);
}

TEST_F(NodeProcess, SigintExitsZeroToo) {
    ASSERT_NE(start_node(), 0);
    ASSERT_EQ(kill(pid_, SIGINT), 0);
    EXPECT_EQ(wait_exit(10s), 0);
}

}  // namespace
}  // namespace varde::test
