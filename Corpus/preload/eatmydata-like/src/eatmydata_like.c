/*
 * Backsight corpus hard negative: preload/eatmydata-like  (compiled only)
 *
 * An eatmydata-style preload library: it makes fsync and friends return at once (tests and
 * package builds do not need durability) and strips O_SYNC from open. Originals come from
 * dlsym(RTLD_NEXT) in a constructor. Hides nothing; says what it is.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

const char eatmydata_like_ident[] = "libeatmydata-like: disables fsync (Backsight corpus hard negative)";

static int (*next_open)(const char *, int, ...);
static int (*next_open64)(const char *, int, ...);
static int active = 1;

__attribute__((constructor)) static void eat_init(void)
{
	*(void **)&next_open = dlsym(RTLD_NEXT, "open");
	*(void **)&next_open64 = dlsym(RTLD_NEXT, "open64");
	const char *off = getenv("EATMYDATA_SAMPLE_OFF");
	active = !(off && *off == '1');
}

BS_API int fsync(int fd) { (void)fd; return 0; }
BS_API int fdatasync(int fd) { (void)fd; return 0; }
BS_API void sync(void) { }
BS_API int syncfs(int fd) { (void)fd; return 0; }
BS_API int msync(void *addr, size_t length, int flags) { (void)addr; (void)length; (void)flags; return 0; }
BS_API int sync_file_range(int fd, __off64_t offset, __off64_t nbytes, unsigned int flags)
{
	(void)fd; (void)offset; (void)nbytes; (void)flags;
	return 0;
}

static int strip(int flags) { return active ? flags & ~(O_SYNC | O_DSYNC) : flags; }

BS_API int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = va_arg(ap, int);
	va_end(ap);
	return next_open ? next_open(path, strip(flags), mode) : -1;
}

BS_API int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = va_arg(ap, int);
	va_end(ap);
	return next_open64 ? next_open64(path, strip(flags), mode) : -1;
}
