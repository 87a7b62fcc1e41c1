/*
 * Backsight corpus architecture-coverage sample: arch/hello  (benign, compiled only)
 *
 * A small shared library built for every architecture, for comparing Backsight's
 * counts with readelf: a few exported functions, a versioned symbol with two
 * versions (.gnu.version_d), an IFUNC where the target supports it, a constructor
 * and a destructor (.init_array/.fini_array).
 */
#include <stddef.h>
#include <stdio.h>

static int initialised;
static unsigned long calls;

__attribute__((constructor))
static void hello_init(void)
{
	initialised = 1;
}

__attribute__((destructor))
static void hello_fini(void)
{
	initialised = 0;
}

int hello_greet(const char *name, char *out, size_t len)
{
	calls++;
	return snprintf(out, len, "hello, %s", name ? name : "world");
}

int hello_add(int a, int b)
{
	calls++;
	return a + b;
}

unsigned long hello_calls(void)
{
	return initialised ? calls : 0;
}

/* Two versions of one symbol: hello_version@HELLO_1.0 and hello_version@@HELLO_2.0. */
__attribute__((symver("hello_version@HELLO_1.0")))
int hello_version_v1(void)
{
	return 1;
}

__attribute__((symver("hello_version@@HELLO_2.0")))
int hello_version_v2(void)
{
	return 2;
}

#ifndef BS_NO_IFUNC
static unsigned int sum_bytes_plain(const unsigned char *p, size_t n)
{
	unsigned int s = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

static unsigned int sum_bytes_pairs(const unsigned char *p, size_t n)
{
	unsigned int a = 0, b = 0;
	size_t i = 0;
	for (; i + 2 <= n; i += 2) {
		a += p[i];
		b += p[i + 1];
	}
	if (i < n)
		a += p[i];
	return a + b;
}

typedef unsigned int (*sum_fn)(const unsigned char *, size_t);

#if defined(__x86_64__) || defined(__i386__)
static sum_fn hello_sum_resolve(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("sse2") ? sum_bytes_pairs : sum_bytes_plain;
}
#else
static sum_fn hello_sum_resolve(unsigned long hwcap)
{
	return (hwcap & 1ul) ? sum_bytes_pairs : sum_bytes_plain;
}
#endif

unsigned int hello_sum(const unsigned char *p, size_t n) __attribute__((ifunc("hello_sum_resolve")));
#endif
