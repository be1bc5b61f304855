#include "cli/certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <array>
#include <cstdio>
#include <memory>

#include "cli/exit_code.hpp"

namespace varde::cli {

std::string sha256_hex(std::string const& bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string certificate_fingerprint(std::string const& pem_file) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(pem_file.c_str(), "r"), std::fclose);
    if (!file) throw cli_error(exit_code::config, "cannot read the certificate " + pem_file);
    std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr), X509_free);
    if (!cert) throw cli_error(exit_code::config, pem_file + " holds no PEM certificate");
    unsigned char* der = nullptr;
    int length = i2d_X509(cert.get(), &der);
    if (length <= 0) throw cli_error(exit_code::config, "cannot encode the certificate " + pem_file);
    std::string bytes(reinterpret_cast<char const*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return sha256_hex(bytes);
}

}  // namespace varde::cli
