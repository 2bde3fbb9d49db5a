/* COpenSSL: OpenSSL resolved with dlopen/dlsym on first use (see include/COpenSSL.h). Forwarding only. */
#include "COpenSSL.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define COPENSSL_STR2(x) #x
#define COPENSSL_STR(x) COPENSSL_STR2(x)
/* The soname of the libssl these headers describe (libssl.so.3 for OpenSSL 3): the ABI the wrappers were built for. */
#define COPENSSL_SONAME "libssl.so." COPENSSL_STR(OPENSSL_VERSION_MAJOR)

/* Every OpenSSL function used, as a pointer of its own declared type. */
#define COPENSSL_FUNCTIONS(X) \
    X(TLS_client_method) X(SSL_CTX_new) X(SSL_CTX_free) X(SSL_CTX_ctrl) X(SSL_CTX_set_verify) \
    X(SSL_CTX_load_verify_locations) X(SSL_CTX_set_default_verify_paths) X(SSL_new) X(SSL_free) X(BIO_new) \
    X(BIO_s_mem) X(SSL_set_bio) X(SSL_get0_param) X(X509_VERIFY_PARAM_set1_ip_asc) X(SSL_ctrl) X(SSL_set1_host) \
    X(SSL_set_connect_state) X(SSL_is_init_finished) X(ERR_clear_error) X(ERR_get_error) X(ERR_error_string_n) \
    X(SSL_do_handshake) X(SSL_get_error) X(SSL_write) X(SSL_read) X(SSL_shutdown) X(BIO_ctrl_pending) X(BIO_read) \
    X(BIO_write) X(SSL_get1_peer_certificate) X(X509_free) X(X509_digest) X(EVP_sha256) X(SSL_get_verify_result) \
    X(X509_verify_cert_error_string)

#define COPENSSL_POINTER(name) static __typeof__(name) *p_##name;
COPENSSL_FUNCTIONS(COPENSSL_POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char loadError[512];

static void load(void) {
    void *handle = dlopen(COPENSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(loadError, sizeof loadError, "cannot load %s: %s", COPENSSL_SONAME, reason ? reason : "unknown error");
        return;
    }
#define COPENSSL_RESOLVE(name) \
    p_##name = (__typeof__(name) *)dlsym(handle, #name); \
    if (p_##name == NULL) { \
        snprintf(loadError, sizeof loadError, "%s has no %s", COPENSSL_SONAME, #name); \
        return; \
    }
    COPENSSL_FUNCTIONS(COPENSSL_RESOLVE)
    loaded = 1;   /* the handle stays open for the life of the process */
}

int COpenSSL_load(void) {
    pthread_once(&once, load);
    return loaded;
}

const char *COpenSSL_loadError(void) { return loadError; }

const SSL_METHOD *COpenSSL_TLS_client_method(void) { return p_TLS_client_method(); }
SSL_CTX *COpenSSL_SSL_CTX_new(const SSL_METHOD *method) { return p_SSL_CTX_new(method); }
void COpenSSL_SSL_CTX_free(SSL_CTX *ctx) { p_SSL_CTX_free(ctx); }
int COpenSSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)p_SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL);
}
void COpenSSL_SSL_CTX_set_verify(SSL_CTX *ctx, int mode) { p_SSL_CTX_set_verify(ctx, mode, NULL); }
int COpenSSL_SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *file, const char *directory) {
    return p_SSL_CTX_load_verify_locations(ctx, file, directory);
}
int COpenSSL_SSL_CTX_set_default_verify_paths(SSL_CTX *ctx) { return p_SSL_CTX_set_default_verify_paths(ctx); }
SSL *COpenSSL_SSL_new(SSL_CTX *ctx) { return p_SSL_new(ctx); }
void COpenSSL_SSL_free(SSL *ssl) { p_SSL_free(ssl); }
BIO *COpenSSL_BIO_new_mem(void) { return p_BIO_new(p_BIO_s_mem()); }
void COpenSSL_SSL_set_bio(SSL *ssl, BIO *rbio, BIO *wbio) { p_SSL_set_bio(ssl, rbio, wbio); }
int COpenSSL_set1_ip_asc(SSL *ssl, const char *ip) { return p_X509_VERIFY_PARAM_set1_ip_asc(p_SSL_get0_param(ssl), ip); }
long COpenSSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return p_SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)name);
}
int COpenSSL_SSL_set1_host(SSL *ssl, const char *name) { return p_SSL_set1_host(ssl, name); }
void COpenSSL_SSL_set_connect_state(SSL *ssl) { p_SSL_set_connect_state(ssl); }
int COpenSSL_SSL_is_init_finished(const SSL *ssl) { return p_SSL_is_init_finished(ssl); }
void COpenSSL_ERR_clear_error(void) { p_ERR_clear_error(); }
unsigned long COpenSSL_ERR_get_error(void) { return p_ERR_get_error(); }
void COpenSSL_ERR_error_string_n(unsigned long code, char *buffer, size_t length) {
    p_ERR_error_string_n(code, buffer, length);
}
int COpenSSL_SSL_do_handshake(SSL *ssl) { return p_SSL_do_handshake(ssl); }
int COpenSSL_SSL_get_error(const SSL *ssl, int result) { return p_SSL_get_error(ssl, result); }
int COpenSSL_SSL_write(SSL *ssl, const void *bytes, int count) { return p_SSL_write(ssl, bytes, count); }
int COpenSSL_SSL_read(SSL *ssl, void *bytes, int count) { return p_SSL_read(ssl, bytes, count); }
int COpenSSL_SSL_shutdown(SSL *ssl) { return p_SSL_shutdown(ssl); }
size_t COpenSSL_BIO_ctrl_pending(BIO *bio) { return p_BIO_ctrl_pending(bio); }
int COpenSSL_BIO_read(BIO *bio, void *bytes, int count) { return p_BIO_read(bio, bytes, count); }
int COpenSSL_BIO_write(BIO *bio, const void *bytes, int count) { return p_BIO_write(bio, bytes, count); }
int COpenSSL_peer_certificate_sha256(const SSL *ssl, unsigned char *digest) {
    X509 *certificate = p_SSL_get1_peer_certificate(ssl);
    if (certificate == NULL) return 0;
    unsigned int length = 0;
    int ok = p_X509_digest(certificate, p_EVP_sha256(), digest, &length) == 1 && length == 32;
    p_X509_free(certificate);
    return ok;
}
long COpenSSL_SSL_get_verify_result(const SSL *ssl) { return p_SSL_get_verify_result(ssl); }
const char *COpenSSL_X509_verify_cert_error_string(long result) { return p_X509_verify_cert_error_string(result); }
