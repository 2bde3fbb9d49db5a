/* COpenSSL: the system OpenSSL (Debian libssl3; headers from libssl-dev) for the TLS transport of the AMI client and
 * the gateway web client, loaded on first use with dlopen(3) instead of linked: only a TLS connection needs it, and
 * loading libssl and libcrypto (relocating libcrypto) at every start of every command was measurable under QEMU
 * TCG (docs/benchmarks.md, "process start"). The wrappers below call OpenSSL through pointers resolved by
 * COpenSSL_load(); Swift calls only these (it never links against libssl, so a direct call fails to link).
 * SSL_set_tlsext_host_name and SSL_CTX_set_min_proto_version are macros over SSL_ctrl/SSL_CTX_ctrl. No policy. */
#ifndef COPENSSL_H
#define COPENSSL_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

/* Loads libssl (and with it libcrypto) once, thread-safe; 1 when every function below is resolved, else 0 and
 * COpenSSL_loadError() names what failed. No wrapper may be called before COpenSSL_load() returned 1. */
int COpenSSL_load(void);
const char *COpenSSL_loadError(void);

const SSL_METHOD *COpenSSL_TLS_client_method(void);
SSL_CTX *COpenSSL_SSL_CTX_new(const SSL_METHOD *method);
void COpenSSL_SSL_CTX_free(SSL_CTX *ctx);
int COpenSSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
void COpenSSL_SSL_CTX_set_verify(SSL_CTX *ctx, int mode);
int COpenSSL_SSL_CTX_load_verify_locations(SSL_CTX *ctx, const char *file, const char *directory);
int COpenSSL_SSL_CTX_set_default_verify_paths(SSL_CTX *ctx);
SSL *COpenSSL_SSL_new(SSL_CTX *ctx);
void COpenSSL_SSL_free(SSL *ssl);
BIO *COpenSSL_BIO_new_mem(void);
void COpenSSL_SSL_set_bio(SSL *ssl, BIO *rbio, BIO *wbio);
int COpenSSL_set1_ip_asc(SSL *ssl, const char *ip);
long COpenSSL_set_tlsext_host_name(SSL *ssl, const char *name);
int COpenSSL_SSL_set1_host(SSL *ssl, const char *name);
void COpenSSL_SSL_set_connect_state(SSL *ssl);
int COpenSSL_SSL_is_init_finished(const SSL *ssl);
void COpenSSL_ERR_clear_error(void);
unsigned long COpenSSL_ERR_get_error(void);
void COpenSSL_ERR_error_string_n(unsigned long code, char *buffer, size_t length);
int COpenSSL_SSL_do_handshake(SSL *ssl);
int COpenSSL_SSL_get_error(const SSL *ssl, int result);
int COpenSSL_SSL_write(SSL *ssl, const void *bytes, int count);
int COpenSSL_SSL_read(SSL *ssl, void *bytes, int count);
int COpenSSL_SSL_shutdown(SSL *ssl);
size_t COpenSSL_BIO_ctrl_pending(BIO *bio);
int COpenSSL_BIO_read(BIO *bio, void *bytes, int count);
int COpenSSL_BIO_write(BIO *bio, const void *bytes, int count);
/* SHA-256 of the peer certificate's DER bytes into digest (32 bytes): 1, or 0 (no certificate, digest failed). */
int COpenSSL_peer_certificate_sha256(const SSL *ssl, unsigned char *digest);
long COpenSSL_SSL_get_verify_result(const SSL *ssl);
const char *COpenSSL_X509_verify_cert_error_string(long result);

#endif
