/*
 * Backsight corpus sample: ifunc/xz-object, large-code-model part (INERT).
 *
 * Compiled with -mcmodel=large -fPIC and linked (ld -r) into the same relocatable
 * object as ../../xz-got-hijack/src/crc_hijack.c, which is small-model PIC. The
 * mix is the object-file tell: R_X86_64_GOT64 / GOTOFF64 / PLTOFF64 relocations in
 * an otherwise small-model object, including some stored in .rodata.
 */
#include <stddef.h>
#include <stdint.h>

extern int dl_iterate_phdr(void *cb, void *data);
extern long sysconf(int name);
extern void *bs_external_table;

static uint64_t crc64_table[256];
static int crc64_ready;

static void crc64_init(void)
{
	for (uint64_t i = 0; i < 256; i++) {
		uint64_t r = i;
		for (int k = 0; k < 8; k++)
			r = (r >> 1) ^ (0xC96C5795D7870F42ull & (0ull - (r & 1ull)));
		crc64_table[i] = r;
	}
	crc64_ready = 1;
}

uint64_t lzma_crc64_large(const uint8_t *buf, size_t size, uint64_t crc)
{
	if (!crc64_ready)
		crc64_init();
	crc = ~crc;
	while (size--)
		crc = crc64_table[(crc ^ *buf++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

/* Large-model code: PLTOFF64 for calls, GOT64 for external data. */
void *lzma_crc64_probe(void)
{
	if (sysconf(30) <= 0)
		return NULL;
	return &bs_external_table;
}

/*
 * A read-only table holding GOT-relative offsets, as hand-written large-model code
 * would keep them (R_X86_64_GOT64, R_X86_64_GOTOFF64, R_X86_64_PLTOFF64 in .rodata).
 */
__asm__(
	"\t.section .rodata.lzma_crc64_offsets,\"a\",@progbits\n"
	"\t.p2align 3\n"
	"\t.type lzma_crc64_offsets, @object\n"
	"\t.size lzma_crc64_offsets, 32\n"
	"lzma_crc64_offsets:\n"
	"\t.quad dl_iterate_phdr@GOT\n"
	"\t.quad crc64_table@GOTOFF\n"
	"\t.quad sysconf@PLTOFF\n"
	"\t.quad bs_external_table@GOT\n"
	"\t.text\n");

const void *lzma_crc64_offsets_ref(void)
{
	extern const uint64_t lzma_crc64_offsets[];
	return lzma_crc64_offsets;
}
