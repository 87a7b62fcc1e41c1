/*
 * Backsight corpus hard negative: preload/malloc-tracer  (compiled only)
 *
 * A memusage-style allocation profiler: malloc, free, calloc and realloc count calls and
 * bytes and forward to the next definitions (dlsym(RTLD_NEXT) from a constructor); a
 * destructor writes the totals to stderr. Plain strings; hides nothing.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char malloc_tracer_ident[] = "libmalloc-tracer: counts allocations (Backsight corpus hard negative)";

static void *(*next_malloc)(size_t);
static void (*next_free)(void *);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static unsigned long calls, bytes;

__attribute__((constructor)) static void tracer_init(void)
{
	*(void **)&next_malloc = dlsym(RTLD_NEXT, "malloc");
	*(void **)&next_free = dlsym(RTLD_NEXT, "free");
	*(void **)&next_calloc = dlsym(RTLD_NEXT, "calloc");
	*(void **)&next_realloc = dlsym(RTLD_NEXT, "realloc");
}

__attribute__((destructor)) static void tracer_report(void)
{
	char line[96];
	int n = snprintf(line, sizeof line, "malloc-tracer: %lu calls, %lu bytes\n", calls, bytes);
	if (n > 0)
		(void)!write(2, line, (size_t)n);
}

BS_API void *malloc(size_t size)
{
	calls++;
	bytes += size;
	return next_malloc ? next_malloc(size) : NULL;
}

BS_API void free(void *p)
{
	if (next_free)
		next_free(p);
}

BS_API void *calloc(size_t n, size_t size)
{
	calls++;
	bytes += n * size;
	return next_calloc ? next_calloc(n, size) : NULL;
}

BS_API void *realloc(void *p, size_t size)
{
	calls++;
	bytes += size;
	return next_realloc ? next_realloc(p, size) : NULL;
}
