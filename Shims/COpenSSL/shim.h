/* The system OpenSSL (Debian libssl-dev) for the AMI TLS transport. SSL_set_tlsext_host_name and
 * SSL_CTX_set_min_proto_version are macros over SSL_ctrl/SSL_CTX_ctrl, which Swift cannot import: the two inline
 * wrappers below are the only code here. No policy. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static inline long COpenSSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline int COpenSSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
