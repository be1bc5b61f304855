#pragma once
// Client certificates made at run time (OpenSSL 3 C API), signed by the test PKI's member
// CA: for tests that need more principals than certs/make-dev-pki.sh makes.
#include "lib/connection.hpp"

#include <string>

namespace varde::test {

struct client_certificate {
    std::string name;             // the subject's CN
    std::string certificate_file; // PEM, in ::testing::TempDir()
    std::string private_key_file; // PEM, unencrypted, mode 0600
    std::string certificate_pem;
    std::string fingerprint; // SHA-256 of the DER, lower-case hex (as the node enrols it)
};

// An EC P-256 key and an X.509 v3 client certificate (clientAuth, valid for one day) for
// "/O=<organisation>/CN=<name>", signed by pki_dir()/member-ca.{pem,key}. Throws
// std::runtime_error naming the step that failed.
client_certificate make_client_certificate(std::string const& name,
                                           std::string const& organisation = "Varde Test");

// TLS options that present `cert` and trust the test PKI's CA for the node.
client::tls_options tls_for(client_certificate const& cert);

} // namespace varde::test
