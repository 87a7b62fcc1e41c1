/*
 * Backsight corpus hard negative: preload/fakeroot-like  (compiled only)
 *
 * A fakeroot-style preload library: it shadows stat/lstat/chown/open with
 * dlsym(RTLD_NEXT) wrappers so that files look owned by root and chown never
 * fails. It hides nothing (no readdir), uses plain strings, and says what it is.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

const char fakeroot_sample_ident[] =
	"libfakeroot-sample: pretends files are owned by root (Backsight corpus hard negative)";

#define NEXT(var, name) \
	do { if (!(var)) *(void **)&(var) = dlsym(RTLD_NEXT, name); } while (0)

static int (*next_stat)(const char *, struct stat *);
static int (*next_lstat)(const char *, struct stat *);
static int (*next_fstat)(int, struct stat *);
static int (*next_chown)(const char *, uid_t, gid_t);
static int (*next_lchown)(const char *, uid_t, gid_t);
static int (*next_fchown)(int, uid_t, gid_t);
static int (*next_open)(const char *, int, ...);
static int (*next_open64)(const char *, int, ...);

static void as_root(struct stat *st)
{
	st->st_uid = 0;
	st->st_gid = 0;
}

BS_API int stat(const char *restrict path, struct stat *restrict st)
{
	NEXT(next_stat, "stat");
	int r = next_stat ? next_stat(path, st) : -1;
	if (r == 0)
		as_root(st);
	return r;
}

BS_API int lstat(const char *restrict path, struct stat *restrict st)
{
	NEXT(next_lstat, "lstat");
	int r = next_lstat ? next_lstat(path, st) : -1;
	if (r == 0)
		as_root(st);
	return r;
}

BS_API int fstat(int fd, struct stat *st)
{
	NEXT(next_fstat, "fstat");
	int r = next_fstat ? next_fstat(fd, st) : -1;
	if (r == 0)
		as_root(st);
	return r;
}

BS_API int chown(const char *path, uid_t uid, gid_t gid)
{
	NEXT(next_chown, "chown");
	if (next_chown)
		next_chown(path, uid, gid);
	return 0;
}

BS_API int lchown(const char *path, uid_t uid, gid_t gid)
{
	NEXT(next_lchown, "lchown");
	if (next_lchown)
		next_lchown(path, uid, gid);
	return 0;
}

BS_API int fchown(int fd, uid_t uid, gid_t gid)
{
	NEXT(next_fchown, "fchown");
	if (next_fchown)
		next_fchown(fd, uid, gid);
	return 0;
}

BS_API int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	NEXT(next_open, "open");
	return next_open ? next_open(path, flags, mode) : -1;
}

BS_API int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	NEXT(next_open64, "open64");
	return next_open64 ? next_open64(path, flags, mode) : -1;
}
