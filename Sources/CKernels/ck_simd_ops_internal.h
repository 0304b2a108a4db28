// Loop skeletons shared by the SIMD pooling / binary fast paths (ck_simd_ops_x86.c,
// ck_simd_ops_arm.c). Each ISA file defines the per-row vector bodies and instantiates these.
#ifndef CK_SIMD_OPS_INTERNAL_H
#define CK_SIMD_OPS_INTERNAL_H

#include "ck_internal.h"
#include "ck_simd_internal.h"
#include "ck_simd_ops.h"

/// Element offsets (pixel index * channels) of the in-image pixels of window (n, oh, ow): at
/// most kernel_h * kernel_w. Offsets rather than pointers so int8 and float share it.
static inline size_t ck_window_offsets(const ck_pool2d_geometry* g, size_t n, size_t oh, size_t ow, size_t* offsets) {
    size_t count = 0;
    for (size_t kh = 0; kh < g->kernel_h; kh++) {
        const ptrdiff_t ih = (ptrdiff_t)(oh * g->stride_h + kh * g->dilation_h) - (ptrdiff_t)g->pad_top;
        if (ih < 0 || ih >= (ptrdiff_t)g->in_h) continue;
        for (size_t kw = 0; kw < g->kernel_w; kw++) {
            const ptrdiff_t iw = (ptrdiff_t)(ow * g->stride_w + kw * g->dilation_w) - (ptrdiff_t)g->pad_left;
            if (iw < 0 || iw >= (ptrdiff_t)g->in_w) continue;
            offsets[count++] = ((n * g->in_h + (size_t)ih) * g->in_w + (size_t)iw) * g->channels;
        }
    }
    return count;
}

/// The reference's per-element rules, for tails and fallbacks.
static inline int32_t ck_qadd_elem(const ck_qadd_rule* r, int32_t a, int32_t b, int32_t qmin, int32_t qmax) {
    const float first = (float)(r->swapped ? b : a), second = (float)(r->swapped ? a : b);
    return ck_saturate(ck_round_even(fmaf(first, r->r_first, fmaf(second, r->r_second, r->fixed))), qmin, qmax);
}

/// Runs ROW (which reads ai, bi, yi, n, sa, sb) for every innermost row of the broadcast, or returns 0
/// when the innermost strides are not 0/1 (the caller then runs the reference).
#define CK_BROADCAST_ROWS(bc, ROW)                                                                                     \
    do {                                                                                                               \
        const size_t last = (bc)->rank - 1;                                                                            \
        const size_t n = (bc)->shape[last], sa = (bc)->a_stride[last], sb = (bc)->b_stride[last];                      \
        size_t rows = 1;                                                                                               \
        for (size_t d = 0; d < last; d++) rows *= (bc)->shape[d];                                                      \
        size_t index[CK_MAX_RANK] = {0};                                                                               \
        size_t ai = 0, bi = 0;                                                                                         \
        for (size_t row = 0; row < rows; row++) {                                                                      \
            const size_t yi = row * n;                                                                                 \
            ROW;                                                                                                       \
            for (size_t d = last; d-- > 0;) {                                                                          \
                ai += (bc)->a_stride[d];                                                                               \
                bi += (bc)->b_stride[d];                                                                               \
                if (++index[d] < (bc)->shape[d]) break;                                                                \
                ai -= (bc)->a_stride[d] * (bc)->shape[d];                                                              \
                bi -= (bc)->b_stride[d] * (bc)->shape[d];                                                              \
                index[d] = 0;                                                                                          \
            }                                                                                                          \
        }                                                                                                              \
    } while (0)

static inline int ck_rows_vectorizable(const ck_broadcast* bc) {
    const size_t last = bc->rank - 1;
    return bc->a_stride[last] <= 1 && bc->b_stride[last] <= 1;
}

#endif
