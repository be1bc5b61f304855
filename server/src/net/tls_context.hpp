#pragma once
// The server's mutual-TLS context.
#include <string>

#include "net/net.hpp"

namespace varde::net {

struct tls_files {
    std::string certificate;  // server certificate chain, PEM
    std::string private_key;  // PEM
    std::string client_ca;    // the member CA: client certificates must chain to it
};

// TLS 1.2 minimum (1.3 preferred by OpenSSL's negotiation), AEAD-only ECDHE suites,
// renegotiation off, a client certificate required and verified, an in-process session
// cache (no tickets). Throws on unreadable or mismatched files.
ssl::context make_server_tls_context(tls_files const& files);

}  // namespace varde::net
