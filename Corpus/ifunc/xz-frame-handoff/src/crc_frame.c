/*
 * Backsight corpus sample: ifunc/xz-frame-handoff  (INERT - compiled only, never run)
 *
 * A second shape of the CVE-2024-3094 resolver, closer to what a stripped release build
 * shows statically than ifunc/xz-stack-handoff:
 *  - the resolver hands seven arguments to a local "cpuid" helper: the leaf, four
 *    feature words and two addresses in its own frame. On x86-64 the last one goes on
 *    the stack, on 32-bit ARM the last three do, so the handoff is seen through
 *    registers and through stack slots;
 *  - the helper counts its calls in .bss and only the second call goes on;
 *  - the slot it rewrites is found at run time from the caller's frame, so no static
 *    address names it; no mprotect, no loader symbol, no target name in the file;
 *  - on x86-64 it then calls a hidden function of its own through its GOT slot.
 * Built stripped and at every optimisation level by the corpus matrix; nothing here runs.
 */
#include "bs_api.h"
#include <stddef.h>
#include <stdint.h>

typedef uint32_t (*crc_fn)(const uint8_t *, size_t, uint32_t);

static unsigned int resolve_count;       /* .bss: decides which call goes on */
static unsigned long redirected;

static uint32_t crc_plain(const uint8_t *buf, size_t size, uint32_t crc)
{
	crc = ~crc;
	while (size--) {
		crc ^= *buf++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint32_t crc_table_free(const uint8_t *buf, size_t size, uint32_t crc)
{
	return crc_plain(buf, size, crc ^ 0u);
}

__asm__(".hidden frame_probe");
unsigned int frame_probe(void *frame, unsigned int stage)
#if defined(__x86_64__)
	__attribute__((noplt))
#endif
	;

__attribute__((noinline))
unsigned int frame_probe(void *frame, unsigned int stage)
{
	return (unsigned int)(uintptr_t)frame + stage;
}

static void replacement(void)
{
	redirected++;
}

/* Walks the handed-over frame to a pointer slot and swaps it: the address is only known at run time. */
__attribute__((noinline))
static void later_stage(void **frame_words, void *frame_top)
{
	void **slot = (void **)frame_words[(uintptr_t)frame_top & 7];
	if (slot)
		*slot = (void *)replacement;
	frame_probe(frame_top, 2);
}

/* noipa: GCC would otherwise drop the constant leaf and pass all six addresses in registers. */
#if defined(__clang__)
__attribute__((noinline))
#else
__attribute__((noipa))
#endif
static int feature_words(unsigned int leaf, unsigned int *a, unsigned int *b, unsigned int *c,
                         unsigned int *d, void **frame_words, void *frame_top)
{
	resolve_count++;
	if (resolve_count == 2)
		later_stage(frame_words, frame_top);
	*a = leaf;
	*b = resolve_count;
	*c = 0;
	*d = 0;
	return 1;
}

static crc_fn crc_resolve(void)
{
	unsigned int a = 0, b = 0, c = 0, d = 0;
	void *frame_words[8] = { 0 };
	char frame_top[16];
	if (feature_words(1, &a, &b, &c, &d, frame_words, frame_top) && (d & 0x2u))
		return crc_table_free;
	return crc_plain;
}

BS_API uint32_t crc_fast(const uint8_t *buf, size_t size, uint32_t crc) __attribute__((ifunc("crc_resolve")));
