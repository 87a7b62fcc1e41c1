#ifndef BACKSIGHT_CLZMA_SHIM_H
#define BACKSIGHT_CLZMA_SHIM_H
#include <lzma.h>

/// LZMA_STREAM_INIT is a macro initialiser; Swift needs a function.
static inline lzma_stream backsight_lzma_stream_init(void) {
    lzma_stream stream = LZMA_STREAM_INIT;
    return stream;
}
#endif
