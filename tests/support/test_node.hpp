#pragma once
// A real varde node, in this process, on 127.0.0.1 and a free port, with the test PKI.
#include <functional>
#include <memory>
#include <string>

#include "app/node.hpp"
#include "lib/connection.hpp"

namespace varde::test {

std::string pki_dir();
std::string source_dir();
// TLS options for a certificate of the test PKI ("alice", "stranger", "expired", ...).
client::tls_options tls_for(std::string const& name);
// A configuration for tests: port 0, the test PKI, short timeouts.
app::node_config node_config_for(std::string const& database_url);
// Enrols examples/members.json with certificates from the test PKI.
void seed_examples(std::string const& database_url);
// The whole content of a file (PEM files, example reports).
std::string read_file(std::string const& path);
// SHA-256 fingerprint of a test PKI certificate.
std::string fingerprint_of(std::string const& name);

class test_node {
public:
    explicit test_node(app::node_config config);
    ~test_node();

    unsigned short port() const { return port_; }
    app::node& node() { return *node_; }
    std::unique_ptr<client::connection> connect(std::string const& principal) const;
    std::unique_ptr<client::connection> connect(client::tls_options const& tls) const;

private:
    std::unique_ptr<app::node> node_;
    unsigned short port_ = 0;
};

}  // namespace varde::test
