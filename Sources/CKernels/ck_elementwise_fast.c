// Elementwise binary Add/Sub/Mul/Div, fast paths. The broadcast odometer of the reference
// kernels (ck_elementwise.c) costs a dozen instructions per element; the shapes models use
// are almost always one of three: same shape, one operand a single value, or one operand
// repeating along the innermost dimensions (a per-channel scale or bias in channels-last
// layout, [N,H,W,C] ⊙ [C]). Those become flat loops the compiler vectorizes for the target
// (SSE2/AVX2 on x86-64, NEON on AArch64); anything else falls back to the reference.
#include "ck_elementwise.h"

typedef enum { CK_BIN_ADD, CK_BIN_SUB, CK_BIN_MUL, CK_BIN_DIV } ck_bin_op;

// Elements of `strides` from dimension `from` inward that are contiguous (stride = product of
// the inner extents); returns that inner element count, or 0 when not contiguous.
static size_t ck_contiguous_tail(const ck_broadcast* bc, const size_t* strides, size_t from) {
    size_t expected = 1;
    for (size_t d = bc->rank; d-- > from;) {
        if (bc->shape[d] != 1 && strides[d] != expected) return 0;
        expected *= bc->shape[d];
    }
    return expected;
}

static int ck_all_zero_from(const size_t* strides, const ck_broadcast* bc, size_t to) {
    for (size_t d = 0; d < to; d++)
        if (bc->shape[d] != 1 && strides[d] != 0) return 0;
    return 1;
}

#define CK_BIN_LOOP(OP)                                                                                    \
    switch (op) {                                                                                          \
    case CK_BIN_ADD: OP(+); break;                                                                         \
    case CK_BIN_SUB: OP(-); break;                                                                         \
    case CK_BIN_MUL: OP(*); break;                                                                         \
    case CK_BIN_DIV: OP(/); break;                                                                         \
    }

static void ck_bin_same(ck_bin_op op, size_t n, const float* restrict a, const float* restrict b, float* restrict y) {
#define SAME(S) for (size_t i = 0; i < n; i++) y[i] = a[i] S b[i]
    CK_BIN_LOOP(SAME)
#undef SAME
}

static void ck_bin_scalar_b(ck_bin_op op, size_t n, const float* restrict a, float b, float* restrict y) {
#define SB(S) for (size_t i = 0; i < n; i++) y[i] = a[i] S b
    CK_BIN_LOOP(SB)
#undef SB
}

static void ck_bin_scalar_a(ck_bin_op op, size_t n, float a, const float* restrict b, float* restrict y) {
#define SA(S) for (size_t i = 0; i < n; i++) y[i] = a S b[i]
    CK_BIN_LOOP(SA)
#undef SA
}

// y[r][i] = a[r][i] op b[i]  (b_rows = 0) or b[r][i] op a[i] order kept by `b_first`.
static void ck_bin_rows(ck_bin_op op, size_t rows, size_t n, const float* restrict full, const float* restrict row,
                        int row_is_a, float* restrict y) {
    for (size_t r = 0; r < rows; r++) {
        const float* restrict x = full + r * n;
        float* restrict out = y + r * n;
        if (row_is_a) {
#define RA(S) for (size_t i = 0; i < n; i++) out[i] = row[i] S x[i]
            CK_BIN_LOOP(RA)
#undef RA
        } else {
#define RB(S) for (size_t i = 0; i < n; i++) out[i] = x[i] S row[i]
            CK_BIN_LOOP(RB)
#undef RB
        }
    }
}

static void ck_binary_f32(ck_bin_op op, const ck_broadcast* bc, const float* a, const float* b, float* y,
                          void (*reference)(const ck_broadcast*, const float*, const float*, float*)) {
    size_t total = 1;
    for (size_t d = 0; d < bc->rank; d++) total *= bc->shape[d];
    const size_t a_full = ck_contiguous_tail(bc, bc->a_stride, 0), b_full = ck_contiguous_tail(bc, bc->b_stride, 0);
    if (a_full == total && b_full == total) return ck_bin_same(op, total, a, b, y);
    if (a_full == total && ck_all_zero_from(bc->b_stride, bc, bc->rank)) return ck_bin_scalar_b(op, total, a, b[0], y);
    if (b_full == total && ck_all_zero_from(bc->a_stride, bc, bc->rank)) return ck_bin_scalar_a(op, total, a[0], b, y);
    // One operand contiguous, the other repeating an inner block: find the split where the
    // repeating operand's outer strides are all 0 and its inner part is contiguous.
    for (size_t split = 1; split < bc->rank; split++) {
        size_t inner = 1;
        for (size_t d = split; d < bc->rank; d++) inner *= bc->shape[d];
        if (inner < 4) break;  // too short a row to gain anything
        if (a_full == total && ck_all_zero_from(bc->b_stride, bc, split) && ck_contiguous_tail(bc, bc->b_stride, split) == inner)
            return ck_bin_rows(op, total / inner, inner, a, b, 0, y);
        if (b_full == total && ck_all_zero_from(bc->a_stride, bc, split) && ck_contiguous_tail(bc, bc->a_stride, split) == inner)
            return ck_bin_rows(op, total / inner, inner, b, a, 1, y);
    }
    reference(bc, a, b, y);
}

void ck_add_f32(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    ck_binary_f32(CK_BIN_ADD, bc, a, b, y, ck_add_f32__scalar);
}

void ck_sub_f32(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    ck_binary_f32(CK_BIN_SUB, bc, a, b, y, ck_sub_f32__scalar);
}

void ck_mul_f32(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    ck_binary_f32(CK_BIN_MUL, bc, a, b, y, ck_mul_f32__scalar);
}

void ck_div_f32(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    ck_binary_f32(CK_BIN_DIV, bc, a, b, y, ck_div_f32__scalar);
}
