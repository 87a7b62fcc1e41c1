/*
 * Backsight corpus hard negative: ifunc/glibc-dispatch  (compiled only)
 *
 * Ordinary CPU-feature dispatch, the way glibc and most libraries use IFUNC: small
 * resolvers that look at cpuid (x86) or at the hwcap argument / getauxval(AT_HWCAP)
 * (ARM, AArch64, others) and return one of two implementations. No loader walking,
 * no stack handoff, no GOT writes.
 */
#include "bs_api.h"
#include <stddef.h>
#include <stdint.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#else
#include <sys/auxv.h>
#endif

typedef size_t (*count_fn)(const unsigned char *, size_t);
typedef uint32_t (*sum_fn)(const uint32_t *, size_t);

static size_t popcount_generic(const unsigned char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		for (unsigned char b = p[i]; b; b &= (unsigned char)(b - 1))
			c++;
	return c;
}

static size_t popcount_builtin(const unsigned char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += (size_t)__builtin_popcount(p[i]);
	return c;
}

static uint32_t sum_generic(const uint32_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

static uint32_t sum_unrolled(const uint32_t *p, size_t n)
{
	uint32_t a = 0, b = 0;
	size_t i = 0;
	for (; i + 2 <= n; i += 2) {
		a += p[i];
		b += p[i + 1];
	}
	if (i < n)
		a += p[i];
	return a + b;
}

#if defined(__x86_64__) || defined(__i386__)
static count_fn popcount_resolve(void)
{
	unsigned int eax, ebx, ecx, edx;
	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_POPCNT))
		return popcount_builtin;
	return popcount_generic;
}

static sum_fn sum_resolve(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") ? sum_unrolled : sum_generic;
}
#else
static count_fn popcount_resolve(unsigned long hwcap)
{
	/* Any non-zero feature bit selects the "fast" variant. */
	return (hwcap & 0x2ul) ? popcount_builtin : popcount_generic;
}

static sum_fn sum_resolve(unsigned long hwcap)
{
	(void)hwcap;
	return (getauxval(AT_HWCAP) & 0x1ul) ? sum_unrolled : sum_generic;
}
#endif

BS_API size_t bit_count(const unsigned char *p, size_t n) __attribute__((ifunc("popcount_resolve")));
BS_API uint32_t word_sum(const uint32_t *p, size_t n) __attribute__((ifunc("sum_resolve")));
