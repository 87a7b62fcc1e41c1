/*
 * Backsight corpus hard negative: crypto/minicrypto  (compiled only)
 *
 * A small crypto library that legitimately exports RSA_public_decrypt among a
 * full set of RSA_* and BN_* functions (SONAME libminicrypto.so.1). The math is
 * toy textbook RSA on 64-bit numbers: it is a shape sample, not cryptography.
 */
#include "bs_api.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct bignum_st { uint64_t v; } BIGNUM;
typedef struct rsa_st { BIGNUM *n, *e, *d; int refs; } RSA;

/* ---- BN ------------------------------------------------------------------- */

BS_API BIGNUM *BN_new(void) { return calloc(1, sizeof(BIGNUM)); }
BS_API void BN_free(BIGNUM *a) { free(a); }
BS_API int BN_set_word(BIGNUM *a, uint64_t w) { a->v = w; return 1; }
BS_API uint64_t BN_get_word(const BIGNUM *a) { return a->v; }
BS_API int BN_num_bits(const BIGNUM *a) { return a->v ? 64 - __builtin_clzll(a->v) : 0; }
BS_API int BN_num_bytes(const BIGNUM *a) { return (BN_num_bits(a) + 7) / 8; }

BS_API BIGNUM *BN_bin2bn(const unsigned char *s, int len, BIGNUM *ret)
{
	if (!ret && !(ret = BN_new()))
		return NULL;
	ret->v = 0;
	for (int i = 0; i < len && i < 8; i++)
		ret->v = (ret->v << 8) | s[i];
	return ret;
}

BS_API int BN_bn2bin(const BIGNUM *a, unsigned char *to)
{
	int n = BN_num_bytes(a);
	for (int i = 0; i < n; i++)
		to[i] = (unsigned char)(a->v >> (8 * (n - 1 - i)));
	return n;
}

/* Shift-and-add modular multiply: portable to 32-bit targets. */
static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	uint64_t r = 0;
	a %= m;
	while (b) {
		if (b & 1)
			r = (r >= m - a) ? r - (m - a) : r + a;
		a = (a >= m - a) ? a - (m - a) : a + a;
		b >>= 1;
	}
	return r;
}

BS_API int BN_mod_exp(BIGNUM *r, const BIGNUM *a, const BIGNUM *p, const BIGNUM *m, void *ctx)
{
	(void)ctx;
	if (!m->v)
		return 0;
	uint64_t base = a->v % m->v, e = p->v, acc = 1 % m->v;
	while (e) {
		if (e & 1)
			acc = mulmod(acc, base, m->v);
		base = mulmod(base, base, m->v);
		e >>= 1;
	}
	r->v = acc;
	return 1;
}

/* ---- RSA ------------------------------------------------------------------ */

BS_API RSA *RSA_new(void)
{
	RSA *r = calloc(1, sizeof(RSA));
	if (r)
		r->refs = 1;
	return r;
}

BS_API void RSA_free(RSA *r)
{
	if (!r || --r->refs > 0)
		return;
	BN_free(r->n);
	BN_free(r->e);
	BN_free(r->d);
	free(r);
}

BS_API int RSA_up_ref(RSA *r) { r->refs++; return 1; }
BS_API int RSA_size(const RSA *r) { return r->n ? BN_num_bytes(r->n) : 0; }
BS_API int RSA_bits(const RSA *r) { return r->n ? BN_num_bits(r->n) : 0; }

BS_API void RSA_get0_key(const RSA *r, const BIGNUM **n, const BIGNUM **e, const BIGNUM **d)
{
	if (n) *n = r->n;
	if (e) *e = r->e;
	if (d) *d = r->d;
}

BS_API int RSA_set0_key(RSA *r, BIGNUM *n, BIGNUM *e, BIGNUM *d)
{
	if ((!r->n && !n) || (!r->e && !e))
		return 0;
	if (n) { BN_free(r->n); r->n = n; }
	if (e) { BN_free(r->e); r->e = e; }
	if (d) { BN_free(r->d); r->d = d; }
	return 1;
}

static int rsa_apply(int flen, const unsigned char *from, unsigned char *to,
                     const BIGNUM *exp, const BIGNUM *mod)
{
	BIGNUM in, out;
	if (!exp || !mod || flen <= 0)
		return -1;
	BN_bin2bn(from, flen, &in);
	if (!BN_mod_exp(&out, &in, exp, mod, NULL))
		return -1;
	int n = BN_num_bytes(mod);
	memset(to, 0, (size_t)n);
	BN_bn2bin(&out, to + (n - BN_num_bytes(&out)));
	return n;
}

BS_API int RSA_public_encrypt(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding)
{
	(void)padding;
	return rsa_apply(flen, from, to, rsa->e, rsa->n);
}

BS_API int RSA_private_decrypt(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding)
{
	(void)padding;
	return rsa_apply(flen, from, to, rsa->d, rsa->n);
}

BS_API int RSA_private_encrypt(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding)
{
	(void)padding;
	return rsa_apply(flen, from, to, rsa->d, rsa->n);
}

BS_API int RSA_public_decrypt(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding)
{
	(void)padding;
	return rsa_apply(flen, from, to, rsa->e, rsa->n);
}

BS_API int RSA_sign(int type, const unsigned char *m, unsigned int m_len,
             unsigned char *sigret, unsigned int *siglen, RSA *rsa)
{
	(void)type;
	int n = RSA_private_encrypt((int)m_len, m, sigret, rsa, 1);
	if (n < 0)
		return 0;
	*siglen = (unsigned int)n;
	return 1;
}

BS_API int RSA_verify(int type, const unsigned char *m, unsigned int m_len,
               const unsigned char *sigbuf, unsigned int siglen, RSA *rsa)
{
	unsigned char buf[16];
	(void)type;
	if (RSA_size(rsa) > (int)sizeof buf)
		return 0;
	int n = RSA_public_decrypt((int)siglen, sigbuf, buf, rsa, 1);
	if (n < 0 || (unsigned int)n < m_len)
		return 0;
	return memcmp(buf + (n - (int)m_len), m, m_len) == 0;
}
