#include "cert_factory.hpp"

#include "net/x509.hpp"
#include "test_node.hpp"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>
#include <unistd.h>

namespace varde::test {

namespace {

struct x509_free {
    void operator()(X509* x) const { X509_free(x); }
};
struct pkey_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct bio_free {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct ext_free {
    void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};
struct bn_free {
    void operator()(BIGNUM* b) const { BN_free(b); }
};

using x509_ptr = std::unique_ptr<X509, x509_free>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;

void require(bool ok, std::string const& what) {
    if (!ok) throw std::runtime_error("make_client_certificate: " + what);
}

bio_ptr open_file(std::string const& path, char const* mode) {
    bio_ptr b(BIO_new_file(path.c_str(), mode));
    require(b != nullptr, "cannot open " + path);
    return b;
}

std::string pem_text(BIO* mem) {
    char* data = nullptr;
    long len = BIO_get_mem_data(mem, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

// The member CA of the test PKI: its certificate and its key.
struct issuer {
    x509_ptr cert;
    pkey_ptr key;
};

issuer load_member_ca() {
    auto dir = pki_dir();
    issuer ca;
    ca.cert.reset(
        PEM_read_bio_X509(open_file(dir + "/member-ca.pem", "r").get(), nullptr, nullptr, nullptr));
    require(ca.cert != nullptr, "cannot read " + dir + "/member-ca.pem");
    ca.key.reset(PEM_read_bio_PrivateKey(open_file(dir + "/member-ca.key", "r").get(), nullptr,
                                         nullptr, nullptr));
    require(ca.key != nullptr, "cannot read " + dir + "/member-ca.key");
    return ca;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, char const* value) {
    std::unique_ptr<X509_EXTENSION, ext_free> ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
    require(ext != nullptr && X509_add_ext(cert, ext.get(), -1) == 1,
            std::string("extension ") + value);
}

void set_random_serial(X509* cert) {
    std::unique_ptr<BIGNUM, bn_free> bn(BN_new());
    require(bn && BN_rand(bn.get(), 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1, "serial number");
    require(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr, "serial number");
}

void set_subject(X509* cert, std::string const& organisation, std::string const& name) {
    X509_NAME* subject = X509_get_subject_name(cert);
    auto add = [&](char const* field, std::string const& value) {
        require(X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                           reinterpret_cast<unsigned char const*>(value.c_str()),
                                           -1, -1, 0) == 1,
                std::string("subject ") + field);
    };
    add("O", organisation);
    add("CN", name);
}

x509_ptr sign_leaf(issuer const& ca, EVP_PKEY* key, std::string const& name,
                   std::string const& organisation) {
    x509_ptr cert(X509_new());
    require(cert != nullptr && X509_set_version(cert.get(), X509_VERSION_3) == 1, "version");
    set_random_serial(cert.get());
    require(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) != nullptr &&
                X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 60 * 60) != nullptr,
            "validity");
    set_subject(cert.get(), organisation, name);
    require(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.cert.get())) == 1, "issuer");
    require(X509_set_pubkey(cert.get(), key) == 1, "public key");
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, ca.cert.get(), cert.get(), nullptr, nullptr, 0);
    add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), &ctx, NID_ext_key_usage, "clientAuth");
    add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
    require(X509_sign(cert.get(), ca.key.get(), EVP_sha256()) > 0, "signature");
    return cert;
}

std::string output_dir() {
    static std::atomic<int> counter{0};
    auto dir = std::filesystem::path(::testing::TempDir()) /
               ("varde-certs-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    return dir.string();
}

void write_file(std::string const& path, std::string const& text) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    require(f != nullptr, "cannot write " + path);
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fclose(f) == 0 && ok;
    require(ok, "cannot write " + path);
}

} // namespace

client_certificate make_client_certificate(std::string const& name,
                                           std::string const& organisation) {
    static issuer const ca = load_member_ca();
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    require(key != nullptr, "EC P-256 key generation");
    x509_ptr cert = sign_leaf(ca, key.get(), name, organisation);

    bio_ptr cert_mem(BIO_new(BIO_s_mem()));
    bio_ptr key_mem(BIO_new(BIO_s_mem()));
    require(cert_mem && PEM_write_bio_X509(cert_mem.get(), cert.get()) == 1, "certificate PEM");
    require(key_mem && PEM_write_bio_PrivateKey(key_mem.get(), key.get(), nullptr, nullptr, 0,
                                                nullptr, nullptr) == 1,
            "key PEM");

    client_certificate out;
    out.name = name;
    auto dir = output_dir();
    out.certificate_file = dir + "/" + name + ".pem";
    out.private_key_file = dir + "/" + name + ".key";
    out.certificate_pem = pem_text(cert_mem.get());
    write_file(out.private_key_file, "");
    std::filesystem::permissions(out.private_key_file, std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write);
    write_file(out.private_key_file, pem_text(key_mem.get()));
    write_file(out.certificate_file, out.certificate_pem);
    auto facts = net::read_certificate_pem(out.certificate_pem);
    require(facts.facts.has_value(), "cannot read back the certificate: " + facts.error);
    out.fingerprint = facts.facts->fingerprint;
    return out;
}

client::tls_options tls_for(client_certificate const& cert) {
    return {pki_dir() + "/member-ca.pem", cert.certificate_file, cert.private_key_file,
            std::nullopt, "localhost"};
}

} // namespace varde::test
