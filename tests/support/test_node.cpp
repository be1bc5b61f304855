#include "test_node.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "app/seed.hpp"
#include "net/x509.hpp"
#include "store/pg_pool.hpp"

namespace varde::test {

std::string pki_dir() {
    char const* env = std::getenv("VARDE_TEST_PKI");
    return env ? env : VARDE_TEST_PKI_DIR;
}

std::string source_dir() { return VARDE_SOURCE_DIR; }

client::tls_options tls_for(std::string const& name) {
    auto dir = pki_dir();
    return {dir + "/member-ca.pem", dir + "/" + name + ".pem", dir + "/" + name + ".key", std::nullopt, "localhost"};
}

app::node_config node_config_for(std::string const& database_url) {
    app::node_config c;
    c.port = 0;
    c.database_url = database_url;
    auto dir = pki_dir();
    c.tls = {dir + "/server.pem", dir + "/server.key", dir + "/member-ca.pem"};
    c.io_threads = 2;
    c.db_connections = 2;
    c.limits.body_limit = 64 * 1024;
    c.limits.header_limit = 8 * 1024;
    c.limits.handshake_timeout = std::chrono::seconds(2);
    c.limits.idle_timeout = std::chrono::seconds(5);
    c.shutdown_grace = std::chrono::seconds(5);
    c.pseudonym_secret = "test-pseudonym-secret-0123456789abcdef";
    c.rate_per_s = 0;  // the suites send bursts on purpose; RateLimit tests turn it on
    return c;
}

void seed_examples(std::string const& database_url) {
    store::pg_pool pool({database_url, 1});
    service::identity_service ids(pool);
    auto r = app::seed_members(ids, "test-setup", source_dir() + "/examples/members.json", pki_dir());
    if (!r.errors.empty()) throw std::runtime_error("seeding examples failed: " + r.errors.front());
}

std::string read_file(std::string const& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string fingerprint_of(std::string const& name) {
    auto r = net::read_certificate_pem(read_file(pki_dir() + "/" + name + ".pem"));
    if (!r.facts) throw std::runtime_error("cannot read test certificate " + name);
    return r.facts->fingerprint;
}

test_node::test_node(app::node_config config) : node_(std::make_unique<app::node>(std::move(config))) {
    port_ = node_->start();
}

test_node::~test_node() {
    node_->stop();
    node_->wait();
}

std::unique_ptr<client::connection> test_node::connect(std::string const& principal) const {
    return connect(tls_for(principal));
}

std::unique_ptr<client::connection> test_node::connect(client::tls_options const& tls) const {
    return std::make_unique<client::connection>(client::target{"127.0.0.1", port_}, tls);
}

}  // namespace varde::test
