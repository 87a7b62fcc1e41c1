/*
 * Backsight corpus hard negative: ifunc/dispatch-cpuid-helper  (compiled only, never run)
 *
 * Legitimate CPU-feature dispatch written the long way: the resolver calls a
 * non-inlined helper and hands it the addresses of its own locals (&eax..&edx on x86,
 * two capability words elsewhere), caches the answer in a static once it is known,
 * and is meant to be built at -O0 with -fstack-protector-all as well. It passes stack
 * addresses to a local function and carries a canary, like the xz-utils resolvers,
 * but keeps no counter, writes no GOT slot, never calls mprotect and never reaches
 * into the loader.
 */
#include "bs_api.h"
#include <stddef.h>
#include <stdint.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#else
#include <sys/auxv.h>
#endif

typedef uint32_t (*checksum_fn)(const unsigned char *, size_t);

static int cached_level = -1;    /* set once, never counted */

static uint32_t checksum_bytewise(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521u;
		b = (b + a) % 65521u;
	}
	return (b << 16) | a;
}

static uint32_t checksum_blocked(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;
	while (n > 0) {
		size_t chunk = n < 3800 ? n : 3800;
		n -= chunk;
		while (chunk--) {
			a += *p++;
			b += a;
		}
		a %= 65521u;
		b %= 65521u;
	}
	return (b << 16) | a;
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((noinline))
static int query_cpu(unsigned int leaf, unsigned int *eax, unsigned int *ebx,
                     unsigned int *ecx, unsigned int *edx)
{
	if (__get_cpuid_max(0, 0) < leaf)
		return 0;
	__cpuid(leaf, *eax, *ebx, *ecx, *edx);
	return 1;
}

static checksum_fn checksum_resolve(void)
{
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
	if (cached_level < 0)
		cached_level = query_cpu(1, &eax, &ebx, &ecx, &edx) && (edx & bit_SSE2) ? 1 : 0;
	return cached_level ? checksum_blocked : checksum_bytewise;
}
#else
__attribute__((noinline))
static void query_caps(unsigned long hwcap, unsigned long *caps, unsigned long *caps2)
{
	*caps = hwcap ? hwcap : getauxval(AT_HWCAP);
	*caps2 = getauxval(AT_HWCAP2);
}

static checksum_fn checksum_resolve(unsigned long hwcap)
{
	unsigned long caps = 0, caps2 = 0;
	if (cached_level < 0) {
		query_caps(hwcap, &caps, &caps2);
		cached_level = (caps | caps2) & 0x2ul ? 1 : 0;
	}
	return cached_level ? checksum_blocked : checksum_bytewise;
}
#endif

BS_API uint32_t data_checksum(const unsigned char *p, size_t n) __attribute__((ifunc("checksum_resolve")));
