#ifndef BACKSIGHT_CCRYPT_SHIM_H
#define BACKSIGHT_CCRYPT_SHIM_H
#include <crypt.h>
#include <stddef.h>

/// The size of libxcrypt's per-call state, which crypt_rn fills: callers allocate it once and
/// reuse it, so hashing is thread-safe without crypt(3)'s static buffer.
static inline size_t backsight_crypt_data_size(void) { return sizeof(struct crypt_data); }
#endif
