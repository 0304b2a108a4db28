// zlib 1.2.x (Debian 12: zlib1g-dev). Used by EdgeVision's PNG codec for deflate and CRC-32.
// Z_OK and friends are plain #defines and import as-is; deflateInit2 is a macro (it passes
// the library version and stream size), so Swift calls it through this inline function.
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

static inline int czlib_deflate_init2(z_streamp stream, int level, int strategy) {
    return deflateInit2(stream, level, Z_DEFLATED, 15, 8, strategy);
}

#endif
