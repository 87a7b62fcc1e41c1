#ifndef BACKSIGHT_CLZMA_SHIM_H
#define BACKSIGHT_CLZMA_SHIM_H
#include <lzma.h>

/// LZMA_STREAM_INIT is a macro initialiser; Swift needs a function.
static inline lzma_stream backsight_lzma_stream_init(void) {
    lzma_stream stream = LZMA_STREAM_INIT;
    return stream;
}

/// Filter ids and flags defined through LZMA_VLI_C/UINT32_C, which Swift does not import.
static inline lzma_vli backsight_lzma_filter_lzma1(void) { return LZMA_FILTER_LZMA1; }
static inline lzma_vli backsight_lzma_filter_lzma2(void) { return LZMA_FILTER_LZMA2; }
static inline lzma_vli backsight_lzma_vli_unknown(void) { return LZMA_VLI_UNKNOWN; }
#endif
