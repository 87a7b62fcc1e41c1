/*
 * Backsight corpus sample: auth/sshd-rsa-hook  (INERT - compiled only)
 *
 * A library that is not libcrypto but exports RSA_public_decrypt: when preloaded
 * into sshd it would see every RSA signature check. It forwards to the real
 * function found with dlsym(RTLD_NEXT, "RSA_public_decrypt") and "accepts" a
 * magic key prefix by only counting it. Never loaded by anything.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <string.h>

typedef struct rsa_st RSA;
typedef int (*rsa_pubdec_fn)(int, const unsigned char *, unsigned char *, RSA *, int);

static rsa_pubdec_fn real_rsa_public_decrypt;
static unsigned long magic_seen;

static const unsigned char magic_prefix[8] = { 0xb5, 0xac, 0x51, 0x67, 0x70, 0x20, 0x24, 0x01 };

BS_API int RSA_public_decrypt(int flen, const unsigned char *from, unsigned char *to,
                       RSA *rsa, int padding)
{
	if (!real_rsa_public_decrypt)
		real_rsa_public_decrypt =
			(rsa_pubdec_fn)dlsym(RTLD_NEXT, "RSA_public_decrypt");

	if (flen >= (int)sizeof magic_prefix &&
	    memcmp(from, magic_prefix, sizeof magic_prefix) == 0)
		magic_seen++;     /* a real hook would forge a "valid" result here */

	if (!real_rsa_public_decrypt)
		return -1;
	return real_rsa_public_decrypt(flen, from, to, rsa, padding);
}
