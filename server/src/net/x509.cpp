#include "net/x509.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace varde::net {

namespace {

struct x509_free { void operator()(X509* x) const { X509_free(x); } };
struct bio_free { void operator()(BIO* b) const { BIO_free(b); } };

std::string to_hex(unsigned char const* data, unsigned len) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xf];
    }
    return out;
}

std::string subject_of(X509* cert) {
    std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string not_after_of(X509* cert) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return "1970-01-01T00:00:00Z";
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

std::string fingerprint_of(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    return to_hex(md, len);
}

std::optional<std::string> peer_fingerprint(SSL* ssl) {
    X509* cert = SSL_get0_peer_certificate(ssl);  // also set on a resumed session
    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
    return fingerprint_of(cert);
}

pem_result read_certificate_pem(std::string const& pem) {
    std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return {std::nullopt, "not a PEM X.509 certificate"};
    return {service::certificate_facts{fingerprint_of(cert.get()), subject_of(cert.get()),
                                       not_after_of(cert.get()), pem},
            {}};
}

}  // namespace varde::net
