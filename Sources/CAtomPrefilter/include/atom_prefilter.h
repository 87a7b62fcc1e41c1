#ifndef BACKSIGHT_ATOM_PREFILTER_H
#define BACKSIGHT_ATOM_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

/// The nibble tables of a fingerprint filter over the first `width` (1 to 3) bytes of up to
/// eight buckets of literal atoms. Bit `b` of `low[j][n]` is set when some atom of bucket `b`
/// has low nibble `n` at byte `j`; `high` likewise for the high nibble. A position is a
/// candidate for bucket `b` when, for every `j < width`, both nibbles of the byte at
/// `position + j` have bit `b` set: every start of every atom is a candidate, and most other
/// positions are not.
typedef struct {
    uint8_t low[3][16];
    uint8_t high[3][16];
    int32_t width;
} bs_atom_fingerprints;

/// Which vector unit `bs_atom_candidates` uses on this processor: 0 none (the caller must
/// search another way), 1 SSSE3 or NEON (16 bytes a step), 2 AVX2 (32 bytes a step).
int bs_atom_prefilter_level(void);

/// Finds candidate positions in `data[from ..< length]`, in ascending order: writes each
/// position and its bucket bits to `positions` and `buckets` (at most `capacity`, which must
/// be at least 64) and returns how many it wrote. `*resume` receives the position to call
/// again from; it equals `length` when the whole range has been searched. Positions within
/// `width - 1` bytes of the end are never candidates. `level` picks the vector unit, at most
/// `bs_atom_prefilter_level()` (lower levels let tests run every path on one processor); 0
/// reads one byte at a time.
size_t bs_atom_candidates(const bs_atom_fingerprints *filter, int level, const uint8_t *data, size_t length,
                          size_t from, size_t *positions, uint8_t *buckets, size_t capacity,
                          size_t *resume);

#endif
