// Pad and Transpose, scalar reference, element size as a macro parameter.
#include "ck_layout.h"

// Maps a signed input index into [0, len) by the pad mode; -1 means "use the constant".
static ptrdiff_t ck_pad_source(ptrdiff_t i, size_t len, ck_pad_mode mode) {
    const ptrdiff_t n = (ptrdiff_t)len;
    if (i >= 0 && i < n) return i;
    switch (mode) {
    case CK_PAD_EDGE:
        return i < 0 ? 0 : n - 1;
    case CK_PAD_REFLECT:
        if (n == 1) return 0;
        // Mirror repeatedly: the period of a reflection without edge repeat is 2(n-1).
        {
            const ptrdiff_t period = 2 * (n - 1);
            ptrdiff_t m = i % period;
            if (m < 0) m += period;
            return m < n ? m : period - m;
        }
    case CK_PAD_CONSTANT:
    default:
        return -1;
    }
}

#define CK_PAD_BODY                                                                                 \
    size_t total = 1;                                                                               \
    for (size_t d = 0; d < p->rank; d++) total *= p->out_shape[d];                                  \
    size_t index[CK_MAX_RANK] = {0};                                                                \
    for (size_t yi = 0; yi < total; yi++) {                                                         \
        size_t xi = 0;                                                                              \
        int constant = 0;                                                                           \
        for (size_t d = 0; d < p->rank; d++) {                                                      \
            ptrdiff_t s = ck_pad_source((ptrdiff_t)index[d] - p->pad_begin[d], p->in_shape[d], p->mode); \
            if (s < 0) {                                                                            \
                constant = 1;                                                                       \
                break;                                                                              \
            }                                                                                       \
            xi = xi * p->in_shape[d] + (size_t)s;                                                   \
        }                                                                                           \
        y[yi] = constant ? value : x[xi];                                                           \
        for (size_t d = p->rank; d-- > 0;) {                                                        \
            if (++index[d] < p->out_shape[d]) break;                                                \
            index[d] = 0;                                                                           \
        }                                                                                           \
    }

void ck_pad_x8__scalar(const ck_pad_params* p, const uint8_t* x, uint8_t value, uint8_t* y) {
    CK_PAD_BODY
}

void ck_pad_x32__scalar(const ck_pad_params* p, const uint32_t* x, uint32_t value, uint32_t* y) {
    CK_PAD_BODY
}

// Output dimension d walks input dimension perm[d], whose input stride is precomputed.
#define CK_TRANSPOSE_BODY                                                                           \
    size_t in_stride[CK_MAX_RANK], out_shape[CK_MAX_RANK], stride[CK_MAX_RANK];                     \
    size_t total = 1;                                                                               \
    for (size_t d = rank; d-- > 0;) {                                                               \
        in_stride[d] = total;                                                                       \
        total *= in_shape[d];                                                                       \
    }                                                                                               \
    for (size_t d = 0; d < rank; d++) {                                                             \
        out_shape[d] = in_shape[perm[d]];                                                           \
        stride[d] = in_stride[perm[d]];                                                             \
    }                                                                                               \
    size_t index[CK_MAX_RANK] = {0};                                                                \
    size_t xi = 0;                                                                                  \
    for (size_t yi = 0; yi < total; yi++) {                                                         \
        y[yi] = x[xi];                                                                              \
        for (size_t d = rank; d-- > 0;) {                                                           \
            xi += stride[d];                                                                        \
            if (++index[d] < out_shape[d]) break;                                                   \
            xi -= stride[d] * out_shape[d];                                                         \
            index[d] = 0;                                                                           \
        }                                                                                           \
    }

void ck_transpose_x8__scalar(size_t rank, const size_t* in_shape, const size_t* perm,
                             const uint8_t* x, uint8_t* y) {
    CK_TRANSPOSE_BODY
}

void ck_transpose_x32__scalar(size_t rank, const size_t* in_shape, const size_t* perm,
                              const uint32_t* x, uint32_t* y) {
    CK_TRANSPOSE_BODY
}
