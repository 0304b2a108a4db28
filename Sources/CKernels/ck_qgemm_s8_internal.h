// Packed-block accessors shared by the qgemm_s8 microkernels.
#ifndef CK_QGEMM_S8_INTERNAL_H
#define CK_QGEMM_S8_INTERNAL_H

#include "ck_qgemm_s8.h"

#include <string.h>

#define CK_QGEMM_S8_HEADER_BYTES (3 * CK_QGEMM_S8_NR * 4)

static inline size_t ck_qgemm_s8_kpad(size_t k) {
    return (k + CK_QGEMM_S8_KR - 1) / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
}

/// The 8 bytes of A at p, of which only `valid` (1..8) exist: the rest read as 0. Weights
/// in the padded K range are zero, so the padding value never matters.
static inline void ck_qgemm_s8_load_tail(int8_t out[8], const int8_t* p, size_t valid) {
    memset(out, 0, 8);
    memcpy(out, p, valid);
}

#endif
