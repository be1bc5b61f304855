#include "net/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace varde::net {

namespace {

// TLS 1.2 suites with forward secrecy and AEAD only; TLS 1.3 suites are all acceptable.
constexpr char const* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Binds resumed sessions to this service, which OpenSSL requires when it verifies client
// certificates and caches sessions.
constexpr unsigned char session_id_context[] = "varde-node";

constexpr long session_lifetime_s = 300;

void require(bool ok, std::string const& what) {
    if (!ok) throw std::runtime_error("TLS setup failed: " + what);
}

}  // namespace

ssl::context make_server_tls_context(tls_files const& files) {
    ssl::context ctx(ssl::context::tls_server);
    SSL_CTX* native = ctx.native_handle();
    require(SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) == 1, "minimum protocol");
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                    SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION);
    require(SSL_CTX_set_cipher_list(native, tls12_ciphers) == 1, "cipher list");
    // An idle connection (most stream subscribers, most of the time) gives its ~34 KiB of
    // OpenSSL record buffers back until it next reads or writes.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    ctx.use_certificate_chain_file(files.certificate);
    ctx.use_private_key_file(files.private_key, ssl::context::pem);
    require(SSL_CTX_check_private_key(native) == 1, "the private key does not match the certificate");
    ctx.load_verify_file(files.client_ca);
    // Send the member CA's name in the CertificateRequest so clients pick the right cert.
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
    require(names != nullptr, "cannot read client CA names from " + files.client_ca);
    SSL_CTX_set_client_CA_list(native, names);
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    SSL_CTX_set_verify_depth(native, 2);
    SSL_CTX_set_session_id_context(native, session_id_context, sizeof session_id_context - 1);
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);
    // A resumed session skips certificate verification, expiry included: keep sessions short.
    // (The principal, and its certificate's expiry, are checked on every request anyway.)
    SSL_CTX_set_timeout(native, session_lifetime_s);
    // TLS 1.3: one ticket (a cached session) per connection, not OpenSSL's default two: a client
    // resumes with one, and each ticket holds a session in the cache (1.1 KiB per connection).
    SSL_CTX_set_num_tickets(native, 1);
    return ctx;
}

}  // namespace varde::net
