#pragma once
// A blocking mutual-TLS HTTPS connection to a Varde node, with keep-alive and a deadline on
// every operation. Used by the end-to-end tests, the benchmarks and the `varde` CLI.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

struct ssl_session_st;  // OpenSSL's SSL_SESSION
namespace boost::asio::ssl {
class context;
}

namespace varde::client {

struct tls_options {
    std::string ca_file;           // CA that signed the node's certificate
    std::string certificate_file;  // this principal's certificate, PEM
    std::string private_key_file;
    // For tests of the node's refusals: cap the protocol version (e.g. TLS1_1_VERSION).
    std::optional<int> max_protocol_version;
    std::string server_name = "localhost";
};

struct target {
    std::string host = "127.0.0.1";
    unsigned short port = 8443;
};

struct reply {
    unsigned status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string header(std::string const& name) const;
};

// A client TLS context (CA, certificate and key read once) that many connections share,
// e.g. in a load generator; a TLS session saved from one connection to resume on the next.
using shared_context = std::shared_ptr<boost::asio::ssl::context>;
using tls_session = std::shared_ptr<ssl_session_st>;
shared_context make_shared_context(tls_options const& o);

class error : public std::runtime_error {
public:
    enum class kind { connect, tls, protocol, timeout };
    error(kind k, std::string const& what) : std::runtime_error(what), kind_(k) {}
    kind which() const { return kind_; }

private:
    kind kind_;
};

class connection {
public:
    // Connects and completes the TLS handshake; throws client::error.
    connection(target where, tls_options tls, std::chrono::seconds timeout = std::chrono::seconds(10));
    // The same with a shared context (make_shared_context; `tls` gives only the server name),
    // offering `resume` (if set) for session resumption.
    connection(target where, tls_options tls, shared_context ctx, tls_session resume = {},
               std::chrono::seconds timeout = std::chrono::seconds(10));
    ~connection();
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    // Sends one request on this connection and reads the reply; throws client::error.
    reply request(std::string const& method, std::string const& path, std::string const& body = {},
                  std::map<std::string, std::string> const& headers = {});

    // Whether the handshake resumed the offered session (SSL_session_reused).
    bool resumed() const;
    // A copy of the current session, to offer on a later connection (empty if none). With
    // TLS 1.3 the resumable session comes in a NewSessionTicket after the handshake: take it
    // after reading a reply. The node keeps it when it ends the connection (with "Connection:
    // close" or at its idle deadline), not when the client drops the socket mid-connection.
    tls_session session() const;

    // Sends raw bytes and returns whatever the node answers until it closes (tests only).
    std::string raw_exchange(std::string const& bytes);
    // The parts of raw_exchange (tests only). raw_write and raw_read_some (one read's bytes,
    // at least one) throw client::error when they fail; raw_read_to_end returns what the node
    // sent until it closed, and says in `end` how: "close_notify", or the error that ended it.
    void raw_write(std::string const& bytes);
    std::string raw_read_some();
    std::string raw_read_to_end(std::string* end = nullptr);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace varde::client
