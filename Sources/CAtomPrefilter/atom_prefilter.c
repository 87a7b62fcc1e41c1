// A "Teddy"-style multi-atom prefilter: two 16-entry nibble lookups (pshufb / tbl) per byte
// position and fingerprint byte, many positions a step. It only proposes positions; the caller
// compares the atoms of the proposed buckets there.
#include "atom_prefilter.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BS_X86 1
#elif defined(__aarch64__)
#include <arm_neon.h>
#define BS_NEON 1
#endif

/// The bucket bits of the single position `data[p]`, read with the tables one byte at a time.
static inline uint8_t scalar_buckets(const bs_atom_fingerprints *filter, const uint8_t *data, size_t p) {
    uint8_t bits = 0xff;
    for (int j = 0; j < filter->width; j++) {
        uint8_t byte = data[p + (size_t)j];
        bits &= filter->low[j][byte & 15] & filter->high[j][byte >> 4];
    }
    return bits;
}

/// The scalar finish: positions from `p` until `width - 1` bytes before the end.
static size_t finish(const bs_atom_fingerprints *filter, const uint8_t *data, size_t length, size_t p,
                     size_t *positions, uint8_t *buckets, size_t count, size_t capacity, size_t *resume) {
    size_t last = length - (size_t)(filter->width - 1);  // first position that cannot hold a fingerprint
    for (; p < last; p++) {
        if (count == capacity) { *resume = p; return count; }
        uint8_t bits = scalar_buckets(filter, data, p);
        if (bits) { positions[count] = p; buckets[count] = bits; count++; }
    }
    *resume = length;
    return count;
}

#if BS_X86
/// Writes the candidates of one step: each set bit of `hits` is a lane whose bucket bits are in
/// `lanes`. Returns the new count.
static inline size_t emit(unsigned hits, const uint8_t *lanes, size_t p, size_t *positions, uint8_t *buckets, size_t count) {
    while (hits) {
        unsigned lane = (unsigned)__builtin_ctz(hits);
        positions[count] = p + lane;
        buckets[count] = lanes[lane];
        count++;
        hits &= hits - 1;
    }
    return count;
}

__attribute__((target("ssse3")))
static size_t candidates_ssse3(const bs_atom_fingerprints *filter, const uint8_t *data, size_t length, size_t p,
                               size_t *positions, uint8_t *buckets, size_t capacity, size_t *resume) {
    const int width = filter->width;
    const __m128i nibble = _mm_set1_epi8(0x0f);
    const __m128i zero = _mm_setzero_si128();
    __m128i low[3], high[3];
    for (int j = 0; j < width; j++) {
        low[j] = _mm_loadu_si128((const __m128i *)filter->low[j]);
        high[j] = _mm_loadu_si128((const __m128i *)filter->high[j]);
    }
    size_t count = 0;
    uint8_t lanes[16];
    while (length - p >= 16 + (size_t)(width - 1)) {
        if (capacity - count < 16) { *resume = p; return count; }
        __m128i bits = _mm_set1_epi8((char)0xff);
        for (int j = 0; j < width; j++) {
            __m128i bytes = _mm_loadu_si128((const __m128i *)(data + p + (size_t)j));
            __m128i lo = _mm_and_si128(bytes, nibble);
            __m128i hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), nibble);
            bits = _mm_and_si128(bits, _mm_and_si128(_mm_shuffle_epi8(low[j], lo), _mm_shuffle_epi8(high[j], hi)));
        }
        unsigned hits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(bits, zero)) ^ 0xffffu;
        if (hits) {
            _mm_storeu_si128((__m128i *)lanes, bits);
            count = emit(hits, lanes, p, positions, buckets, count);
        }
        p += 16;
    }
    return finish(filter, data, length, p, positions, buckets, count, capacity, resume);
}

__attribute__((target("avx2")))
static size_t candidates_avx2(const bs_atom_fingerprints *filter, const uint8_t *data, size_t length, size_t p,
                              size_t *positions, uint8_t *buckets, size_t capacity, size_t *resume) {
    const int width = filter->width;
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    const __m256i zero = _mm256_setzero_si256();
    __m256i low[3], high[3];
    for (int j = 0; j < width; j++) {
        low[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)filter->low[j]));
        high[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)filter->high[j]));
    }
    size_t count = 0;
    uint8_t lanes[32];
    while (length - p >= 32 + (size_t)(width - 1)) {
        if (capacity - count < 32) { *resume = p; return count; }
        __m256i bits = _mm256_set1_epi8((char)0xff);
        for (int j = 0; j < width; j++) {
            __m256i bytes = _mm256_loadu_si256((const __m256i *)(data + p + (size_t)j));
            __m256i lo = _mm256_and_si256(bytes, nibble);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), nibble);
            bits = _mm256_and_si256(bits, _mm256_and_si256(_mm256_shuffle_epi8(low[j], lo), _mm256_shuffle_epi8(high[j], hi)));
        }
        unsigned hits = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(bits, zero));
        if (hits) {
            _mm256_storeu_si256((__m256i *)lanes, bits);
            count = emit(hits, lanes, p, positions, buckets, count);
        }
        p += 32;
    }
    return candidates_ssse3(filter, data, length, p, positions + count, buckets + count, capacity - count, resume) + count;
}
#endif

#if BS_NEON
static size_t candidates_neon(const bs_atom_fingerprints *filter, const uint8_t *data, size_t length, size_t p,
                              size_t *positions, uint8_t *buckets, size_t capacity, size_t *resume) {
    const int width = filter->width;
    const uint8x16_t nibble = vdupq_n_u8(0x0f);
    uint8x16_t low[3], high[3];
    for (int j = 0; j < width; j++) {
        low[j] = vld1q_u8(filter->low[j]);
        high[j] = vld1q_u8(filter->high[j]);
    }
    size_t count = 0;
    uint8_t lanes[16];
    while (length - p >= 16 + (size_t)(width - 1)) {
        if (capacity - count < 16) { *resume = p; return count; }
        uint8x16_t bits = vdupq_n_u8(0xff);
        for (int j = 0; j < width; j++) {
            uint8x16_t bytes = vld1q_u8(data + p + (size_t)j);
            bits = vandq_u8(bits, vandq_u8(vqtbl1q_u8(low[j], vandq_u8(bytes, nibble)),
                                           vqtbl1q_u8(high[j], vshrq_n_u8(bytes, 4))));
        }
        if (vmaxvq_u8(bits)) {
            vst1q_u8(lanes, bits);
            for (unsigned lane = 0; lane < 16; lane++) {
                if (lanes[lane]) { positions[count] = p + lane; buckets[count] = lanes[lane]; count++; }
            }
        }
        p += 16;
    }
    return finish(filter, data, length, p, positions, buckets, count, capacity, resume);
}
#endif

int bs_atom_prefilter_level(void) {
#if BS_X86
    if (__builtin_cpu_supports("avx2")) return 2;
    if (__builtin_cpu_supports("ssse3")) return 1;
    return 0;
#elif BS_NEON
    return 1;
#else
    return 0;
#endif
}

size_t bs_atom_candidates(const bs_atom_fingerprints *filter, int level, const uint8_t *data, size_t length,
                          size_t from, size_t *positions, uint8_t *buckets, size_t capacity,
                          size_t *resume) {
    if (filter->width < 1 || filter->width > 3 || from >= length || length - from < (size_t)filter->width) {
        *resume = length;
        return 0;
    }
    if (level > bs_atom_prefilter_level()) level = bs_atom_prefilter_level();
#if BS_X86
    if (level == 2) return candidates_avx2(filter, data, length, from, positions, buckets, capacity, resume);
    if (level == 1) return candidates_ssse3(filter, data, length, from, positions, buckets, capacity, resume);
#elif BS_NEON
    if (level >= 1) return candidates_neon(filter, data, length, from, positions, buckets, capacity, resume);
#endif
    return finish(filter, data, length, from, positions, buckets, 0, capacity, resume);
}
