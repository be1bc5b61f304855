/* LD_PRELOAD shim that makes wrk present a TLS client certificate.
 *
 * wrk has no option for a client certificate: it makes one SSL_CTX with SSL_CTX_new and
 * never loads a certificate into it. This library wraps SSL_CTX_new (the real one found
 * with dlsym(RTLD_NEXT)) and loads the certificate chain and key named by the environment:
 *
 *   WRK_CLIENT_CERT=bob.pem WRK_CLIENT_KEY=bob.key LD_PRELOAD=./wrk_client_cert.so wrk ...
 *
 * Without both variables it changes nothing. A certificate or key that cannot be loaded
 * stops the program (exit 1): a benchmark that silently ran without one would only measure
 * refusals.
 *
 *   cc -shared -fPIC -O2 -o wrk_client_cert.so wrk_client_cert.c -lssl -lcrypto -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>

typedef SSL_CTX *(*ssl_ctx_new_fn)(const SSL_METHOD *);

SSL_CTX *SSL_CTX_new(const SSL_METHOD *method) {
    static ssl_ctx_new_fn real;
    if (!real) {
        real = (ssl_ctx_new_fn)dlsym(RTLD_NEXT, "SSL_CTX_new");
        if (!real) {
            fprintf(stderr, "wrk_client_cert: SSL_CTX_new not found: %s\n", dlerror());
            exit(1);
        }
    }
    SSL_CTX *ctx = real(method);
    const char *cert = getenv("WRK_CLIENT_CERT");
    const char *key = getenv("WRK_CLIENT_KEY");
    if (!ctx || !cert || !key || !*cert || !*key) return ctx;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        fprintf(stderr, "wrk_client_cert: cannot load %s / %s:\n", cert, key);
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    return ctx;
}
