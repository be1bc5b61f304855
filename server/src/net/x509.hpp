#pragma once
// Facts about X.509 certificates: the SHA-256 fingerprint that identifies a principal.
#include <openssl/types.h>

#include <optional>
#include <string>

#include "service/identity_service.hpp"

namespace varde::net {

// SHA-256 of the certificate's DER encoding, lower-case hex.
std::string fingerprint_of(X509* cert);

// The verified peer certificate's fingerprint of a finished handshake, if it sent one.
std::optional<std::string> peer_fingerprint(SSL* ssl);

// Reads one PEM certificate; nullopt with a reason if it is not one.
struct pem_result {
    std::optional<service::certificate_facts> facts;
    std::string error;
};
pem_result read_certificate_pem(std::string const& pem);

}  // namespace varde::net
