/*
 * Backsight corpus sample: ifunc/ctor-got-rewrite  (INERT - compiled only, never run)
 *
 * The xz-utils rewrite of another program's GOT, run from a constructor (.init_array)
 * instead of an IFUNC resolver: at load time it walks the loaded objects with
 * dl_iterate_phdr, parses each one's dynamic section in memory (DT_JMPREL, DT_PLTRELSZ,
 * DT_SYMTAB, DT_STRTAB, DT_PLTREL), finds the PLT slot of a symbol it knows only by a
 * hash of its name (the name is never in the file), makes the page writable and swaps
 * the slot for its own function. A constructor runs after RELRO, hence the mprotect.
 * The replacement only counts calls. Nothing here is ever executed.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#if __SIZEOF_POINTER__ == 8
#define SLOT_SYM(i) ELF64_R_SYM(i)
#else
#define SLOT_SYM(i) ELF32_R_SYM(i)
#endif

#define WANTED_HASH 0x6c1c4f2bu   /* hash of the target's name */

static void *original;
static unsigned long calls_seen;

static int replacement(int n, const unsigned char *in, unsigned char *out, void *key, int mode)
{
	int (*next)(int, const unsigned char *, unsigned char *, void *, int) = original;
	calls_seen++;
	return next ? next(n, in, out, key, mode) : -1;
}

__attribute__((noinline))
static uint32_t name_hash(const char *s)
{
	uint32_t h = 5381u;
	while (*s)
		h = h * 33u + (unsigned char)*s++;
	return h;
}

__attribute__((noinline))
static void set_writable(void *where, int on)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)where & ~((uintptr_t)page - 1);
	mprotect((void *)start, (size_t)page, on ? PROT_READ | PROT_WRITE : PROT_READ);
}

static int visit_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	for (int p = 0; p < info->dlpi_phnum; p++) {
		if (info->dlpi_phdr[p].p_type != PT_DYNAMIC)
			continue;
		const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[p].p_vaddr);
		uintptr_t rel = 0, symtab = 0, strtab = 0;
		size_t relsz = 0;
		long kind = DT_RELA;
		for (; d->d_tag != DT_NULL; d++) {
			switch (d->d_tag) {
			case DT_JMPREL: rel = d->d_un.d_ptr; break;
			case DT_PLTRELSZ: relsz = d->d_un.d_val; break;
			case DT_SYMTAB: symtab = d->d_un.d_ptr; break;
			case DT_STRTAB: strtab = d->d_un.d_ptr; break;
			case DT_PLTREL: kind = (long)d->d_un.d_val; break;
			default: break;
			}
		}
		if (!rel || !symtab || !strtab)
			continue;
		const ElfW(Sym) *syms = (const ElfW(Sym) *)symtab;
		const char *names = (const char *)strtab;
		size_t step = kind == DT_RELA ? sizeof(ElfW(Rela)) : sizeof(ElfW(Rel));
		for (size_t off = 0; off + step <= relsz; off += step) {
			const ElfW(Rel) *r = (const ElfW(Rel) *)(rel + off);
			if (name_hash(names + syms[SLOT_SYM(r->r_info)].st_name) != WANTED_HASH)
				continue;
			void **slot = (void **)(info->dlpi_addr + r->r_offset);
			set_writable(slot, 1);
			original = *slot;
			*slot = (void *)replacement;
			set_writable(slot, 0);
			return 1;
		}
	}
	return 0;
}

__attribute__((constructor))
static void at_load(void)
{
	dl_iterate_phdr(visit_object, NULL);
}

/* An ordinary export, so the library looks like it has a purpose. */
BS_API unsigned long checksum_calls(void)
{
	return calls_seen;
}
