#ifndef BACKSIGHT_CCRYPTO_SHIM_H
#define BACKSIGHT_CCRYPTO_SHIM_H
// OpenSSL's libcrypto: SHA-256 through the EVP interface (EVP_MD_fetch once, EVP_Digest per file).
#include <openssl/evp.h>
#endif
