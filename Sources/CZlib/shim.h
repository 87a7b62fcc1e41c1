#ifndef BACKSIGHT_CZLIB_SHIM_H
#define BACKSIGHT_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro that passes the library version and struct size; Swift needs a
/// function. Window bits 15 + 16: gzip framing only (member header and CRC-32/size trailer).
static inline int backsight_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}
#endif
