// Helpers the scalar references share with their SIMD fast paths, so both follow one rule.
#ifndef CK_SIMD_INTERNAL_H
#define CK_SIMD_INTERNAL_H

#include "ck_elementwise.h"
#include "ck_pool.h"

/// Taps of one pooling window inside the image (valid) and inside image + explicit pads.
typedef struct {
    size_t valid;
    size_t padded;
} ck_window_count;

ck_window_count ck_pool_window(const ck_pool2d_geometry* g, size_t oh, size_t ow);

/// QLinearAdd's evaluation order (see ck_elementwise.c): v = fma(first, r_first,
/// fma(second, r_second, fixed)) where first is b when `swapped`.
typedef struct {
    int swapped;
    float r_first, r_second, fixed;
} ck_qadd_rule;

ck_qadd_rule ck_qadd_rule_of(const ck_broadcast* bc, const ck_qbinary_params* q);

#endif
