// Packed-block layout shared by the dwconv_s8 microkernels (see ck_qconv_s8.h).
#ifndef CK_DWCONV_S8_INTERNAL_H
#define CK_DWCONV_S8_INTERNAL_H

#include "ck_qconv_s8.h"

#include <string.h>

#define CK_DWCONV_S8_HEADER_BYTES (2 * CK_DWCONV_S8_CR * 4)

static inline size_t ck_dwconv_s8_block_size(size_t taps) {
    return CK_DWCONV_S8_HEADER_BYTES + taps * CK_DWCONV_S8_CR;
}

#endif
