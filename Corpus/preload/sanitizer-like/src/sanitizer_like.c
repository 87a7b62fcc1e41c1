/*
 * Backsight corpus hard negative: preload/sanitizer-like  (compiled only)
 *
 * The shape of a sanitizer runtime's interceptor layer (AddressSanitizer and friends): every
 * intercepted libc function (readdir, opendir and the stat family among ~240 others, I/O
 * included) is exported under its own name and as __interceptor_<name>, checks its
 * arguments, and calls the original found with dlsym(RTLD_NEXT) when the runtime starts
 * (a constructor). No libc headers: the interceptors take and pass six words, as the
 * generic ones do. Plain strings; hides nothing.
 */
#include "bs_api.h"
#include "interceptor_names.h"

extern void *dlsym(void *handle, const char *name);
#define RTLD_NEXT ((void *)-1l)

typedef long (*interceptor_fn)(long, long, long, long, long, long);

const char sanitizer_like_ident[] = "libsanitizer-like: checks every libc call (Backsight corpus hard negative)";

static const char *const intercepted_names[BS_INTERCEPTED_COUNT] = {
#define NAME(i, fn) #fn,
	BS_INTERCEPTED(NAME)
#undef NAME
};
static interceptor_fn originals[BS_INTERCEPTED_COUNT];
static unsigned long checks[BS_INTERCEPTED_COUNT];

__attribute__((constructor)) static void sanitizer_like_init(void)
{
	for (int i = 0; i < BS_INTERCEPTED_COUNT; i++)
		*(void **)&originals[i] = dlsym(RTLD_NEXT, intercepted_names[i]);
}

__attribute__((noinline)) static long call_original(int i, long a, long b, long c, long d, long e, long f)
{
	checks[i]++;
	if (a == 0 && checks[i] == 1)
		checks[i] = 2; /* a real runtime would check the shadow memory of pointer arguments */
	return originals[i] ? originals[i](a, b, c, d, e, f) : -1;
}

#define INTERCEPTOR(i, fn) \
	BS_API long __interceptor_##fn(long a, long b, long c, long d, long e, long f) \
	{ \
		return call_original(i, a, b, c, d, e, f); \
	} \
	BS_API long fn(long a, long b, long c, long d, long e, long f) \
		__attribute__((alias("__interceptor_" #fn)));
BS_INTERCEPTED(INTERCEPTOR)
