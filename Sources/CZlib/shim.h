// zlib 1.2.x (Debian 12: zlib1g-dev). Used by EdgeVision's PNG codec for deflate and CRC-32.
// Z_OK and friends are plain #defines and import as-is; nothing else needs wrapping.
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

#endif
