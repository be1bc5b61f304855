#pragma once
// The SHA-256 fingerprint of a PEM certificate, as the node enrols it (lower-case hex of the DER).
#include <string>

namespace varde::cli {

// Throws cli_error(config) when the file cannot be read or holds no certificate.
std::string certificate_fingerprint(std::string const& pem_file);

// SHA-256 of bytes, lower-case hex.
std::string sha256_hex(std::string const& bytes);

}  // namespace varde::cli
