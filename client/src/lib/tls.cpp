#include "lib/tls.hpp"

#include <openssl/ssl.h>

namespace varde::client {

namespace ssl = boost::asio::ssl;

ssl::context make_client_context(tls_options const& o) {
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    if (o.max_protocol_version) {
        // Old protocol versions need OpenSSL security level 0 to be offered at all.
        SSL_CTX_set_security_level(ctx.native_handle(), 0);
        SSL_CTX_set_max_proto_version(ctx.native_handle(), *o.max_protocol_version);
    } else {
        SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    }
    ctx.load_verify_file(o.ca_file);
    ctx.set_verify_mode(ssl::verify_peer);
    if (!o.certificate_file.empty()) {
        ctx.use_certificate_chain_file(o.certificate_file);
        ctx.use_private_key_file(o.private_key_file, ssl::context::pem);
    }
    return ctx;
}

void expect_server_name(boost::beast::ssl_stream<boost::beast::tcp_stream>& s, std::string const& name) {
    // SSL_set_tlsext_host_name is a macro with a C cast; this is the same call.
    SSL_ctrl(s.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(name.c_str()));
    s.set_verify_callback(ssl::host_name_verification(name));
}

}  // namespace varde::client
