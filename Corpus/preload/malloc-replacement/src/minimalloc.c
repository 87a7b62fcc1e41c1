/*
 * Backsight corpus hard negative: preload/malloc-replacement  (compiled only)
 *
 * A tiny malloc replacement (jemalloc/tcmalloc style, minus everything clever):
 * exports malloc, free, calloc, realloc, posix_memalign, memalign, aligned_alloc
 * and malloc_usable_size on top of mmap. Shadowing libc names is its whole job.
 */
#include "bs_api.h"
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

struct header {
	size_t size;     /* usable bytes */
	size_t offset;   /* distance from mapping start to the user pointer */
};

static void *map_block(size_t size, size_t align)
{
	if (align < sizeof(struct header) * 2)
		align = sizeof(struct header) * 2;
	size_t total = size + align + sizeof(struct header);
	if (total < size)
		return NULL;
	unsigned char *base = mmap(NULL, total, PROT_READ | PROT_WRITE,
	                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	uintptr_t user = ((uintptr_t)base + sizeof(struct header) + align - 1) & ~(uintptr_t)(align - 1);
	struct header *h = (struct header *)user - 1;
	h->size = total - (user - (uintptr_t)base);
	h->offset = user - (uintptr_t)base;
	return (void *)user;
}

static struct header *header_of(void *p)
{
	return (struct header *)p - 1;
}

BS_API void *malloc(size_t size)
{
	return map_block(size, 16);
}

BS_API void free(void *p)
{
	if (!p)
		return;
	struct header *h = header_of(p);
	munmap((unsigned char *)p - h->offset, h->size + h->offset);
}

BS_API void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return map_block(n * size, 16);   /* fresh mappings are zeroed */
}

BS_API void *realloc(void *p, size_t size)
{
	if (!p)
		return malloc(size);
	struct header *h = header_of(p);
	if (size <= h->size)
		return p;
	void *q = malloc(size);
	if (q) {
		memcpy(q, p, h->size);
		free(p);
	}
	return q;
}

BS_API int posix_memalign(void **out, size_t align, size_t size)
{
	if (align == 0 || (align & (align - 1)) || align % sizeof(void *))
		return EINVAL;
	void *p = map_block(size, align);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

BS_API void *memalign(size_t align, size_t size)
{
	void *p = NULL;
	return posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, size) ? NULL : p;
}

BS_API void *aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

BS_API size_t malloc_usable_size(void *p)
{
	return p ? header_of(p)->size : 0;
}
