/*
 * Backsight corpus hard negative: preload/faketime-like  (compiled only)
 *
 * A faketime-style preload library: time, gettimeofday and clock_gettime report a shifted
 * clock, and the stat family shifts file timestamps to match. Originals come from
 * dlsym(RTLD_NEXT), and clock_gettime from dlvsym with an explicit version, as such tools do
 * to pick the right one of several versions. The offset is read from the environment by the
 * constructor. Plain strings; hides nothing.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

const char faketime_like_ident[] = "libfaketime-like: reports a shifted clock (Backsight corpus hard negative)";

static long offset_seconds;
static time_t (*real_time)(time_t *);
static int (*real_gettimeofday)(struct timeval *, void *);
static int (*real_clock_gettime)(clockid_t, struct timespec *);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_fstat)(int, struct stat *);

__attribute__((constructor)) static void faketime_init(void)
{
	const char *spec = getenv("FAKETIME_SAMPLE");
	offset_seconds = spec ? strtol(spec, NULL, 10) : 0;
	*(void **)&real_time = dlsym(RTLD_NEXT, "time");
	*(void **)&real_gettimeofday = dlsym(RTLD_NEXT, "gettimeofday");
	*(void **)&real_clock_gettime = dlvsym(RTLD_NEXT, "clock_gettime", "GLIBC_2.17");
	if (!real_clock_gettime)
		*(void **)&real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
	*(void **)&real_stat = dlsym(RTLD_NEXT, "stat");
	*(void **)&real_lstat = dlsym(RTLD_NEXT, "lstat");
	*(void **)&real_fstat = dlsym(RTLD_NEXT, "fstat");
}

BS_API time_t time(time_t *out)
{
	time_t now = real_time ? real_time(NULL) + offset_seconds : 0;
	if (out)
		*out = now;
	return now;
}

BS_API int gettimeofday(struct timeval *tv, void *tz)
{
	int r = real_gettimeofday ? real_gettimeofday(tv, tz) : -1;
	if (r == 0 && tv)
		tv->tv_sec += offset_seconds;
	return r;
}

BS_API int clock_gettime(clockid_t id, struct timespec *ts)
{
	int r = real_clock_gettime ? real_clock_gettime(id, ts) : -1;
	if (r == 0 && id == CLOCK_REALTIME)
		ts->tv_sec += offset_seconds;
	return r;
}

static void shift(struct stat *st)
{
	st->st_mtim.tv_sec += offset_seconds;
	st->st_atim.tv_sec += offset_seconds;
	st->st_ctim.tv_sec += offset_seconds;
}

BS_API int stat(const char *restrict path, struct stat *restrict st)
{
	int r = real_stat ? real_stat(path, st) : -1;
	if (r == 0)
		shift(st);
	return r;
}

BS_API int lstat(const char *restrict path, struct stat *restrict st)
{
	int r = real_lstat ? real_lstat(path, st) : -1;
	if (r == 0)
		shift(st);
	return r;
}

BS_API int fstat(int fd, struct stat *st)
{
	int r = real_fstat ? real_fstat(fd, st) : -1;
	if (r == 0)
		shift(st);
	return r;
}
