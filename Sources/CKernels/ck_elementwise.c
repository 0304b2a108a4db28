// Elementwise operations, scalar reference.
#include "ck_elementwise.h"
#include "ck_internal.h"
#include "ck_simd_internal.h"

#include <math.h>

// Walks the broadcast iteration space in output order, calling BODY with the operand
// offsets ai, bi and the output offset yi. An odometer over the dimensions, innermost first.
#define CK_BROADCAST_FOR_EACH(bc, BODY)                                                             \
    do {                                                                                            \
        size_t total = 1;                                                                           \
        for (size_t d = 0; d < (bc)->rank; d++) total *= (bc)->shape[d];                            \
        size_t index[CK_MAX_RANK] = {0};                                                            \
        size_t ai = 0, bi = 0;                                                                      \
        for (size_t yi = 0; yi < total; yi++) {                                                     \
            BODY;                                                                                   \
            for (size_t d = (bc)->rank; d-- > 0;) {                                                 \
                ai += (bc)->a_stride[d];                                                            \
                bi += (bc)->b_stride[d];                                                            \
                if (++index[d] < (bc)->shape[d]) break;                                             \
                ai -= (bc)->a_stride[d] * (bc)->shape[d];                                           \
                bi -= (bc)->b_stride[d] * (bc)->shape[d];                                           \
                index[d] = 0;                                                                       \
            }                                                                                       \
        }                                                                                           \
    } while (0)

void ck_add_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    CK_BROADCAST_FOR_EACH(bc, y[yi] = a[ai] + b[bi]);
}

void ck_sub_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    CK_BROADCAST_FOR_EACH(bc, y[yi] = a[ai] - b[bi]);
}

void ck_mul_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    CK_BROADCAST_FOR_EACH(bc, y[yi] = a[ai] * b[bi]);
}

void ck_div_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y) {
    CK_BROADCAST_FOR_EACH(bc, y[yi] = a[ai] / b[bi]);
}

// QLinearAdd follows ONNX Runtime's x86 AVX2 kernel (MlasQLinearAddKernelAvx2Helper, built with
// fused multiply-adds) operation for operation, because that is what the conformance suite
// compares against; ORT's NEON kernel uses fixed point and may differ by one step. With
// r_a = s_a / s_y and r_b = s_b / s_y:
//   v = fma(a, r_a, fma(b, r_b, z_y - fma(r_a, z_a, r_b z_b)))
// and, when a is a one-element tensor or constant along the innermost axis while b is not
// (ORT then swaps the operands), the same with a and b exchanged. y = sat(rne(v)).
// Observed bit-exact against ORT 1.32 (tools/ckernels-ort).
static int ck_all_zero(const size_t* strides, size_t rank) {
    for (size_t d = 0; d < rank; d++)
        if (strides[d] != 0) return 0;
    return 1;
}

// 1 when ORT would take b as its "A" operand.
static int ck_qadd_swapped(const ck_broadcast* bc) {
    const int a_scalar = ck_all_zero(bc->a_stride, bc->rank), b_scalar = ck_all_zero(bc->b_stride, bc->rank);
    if (a_scalar || b_scalar) return a_scalar && !b_scalar;
    for (size_t d = bc->rank; d-- > 0;) {
        if (bc->shape[d] <= 1) continue;
        return bc->a_stride[d] == 0 && bc->b_stride[d] != 0;
    }
    return 0;
}

ck_qadd_rule ck_qadd_rule_of(const ck_broadcast* bc, const ck_qbinary_params* q) {
    ck_qadd_rule r;
    r.swapped = ck_qadd_swapped(bc);
    const float ra = q->a_scale / q->y_scale, rb = q->b_scale / q->y_scale;
    const float za = (float)q->a_zero_point, zb = (float)q->b_zero_point;
    r.r_first = r.swapped ? rb : ra;
    r.r_second = r.swapped ? ra : rb;
    r.fixed = (float)q->y_zero_point - (r.swapped ? fmaf(rb, zb, ra * za) : fmaf(ra, za, rb * zb));
    return r;
}

static inline int32_t ck_qadd_one(const ck_qadd_rule* r, int32_t a, int32_t b, int32_t qmin, int32_t qmax) {
    const float first = (float)(r->swapped ? b : a), second = (float)(r->swapped ? a : b);
    const float v = fmaf(first, r->r_first, fmaf(second, r->r_second, r->fixed));
    return ck_saturate(ck_round_even(v), qmin, qmax);
}

void ck_qadd_s8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                        const int8_t* b, int8_t* y) {
    const ck_qadd_rule r = ck_qadd_rule_of(bc, q);
    CK_BROADCAST_FOR_EACH(bc, y[yi] = (int8_t)ck_qadd_one(&r, a[ai], b[bi], -128, 127));
}

void ck_qadd_u8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                        const uint8_t* b, uint8_t* y) {
    const ck_qadd_rule r = ck_qadd_rule_of(bc, q);
    CK_BROADCAST_FOR_EACH(bc, y[yi] = (uint8_t)ck_qadd_one(&r, a[ai], b[bi], 0, 255));
}

static inline int32_t ck_qmul_one(const ck_qbinary_params* q, float multiplier, int32_t a, int32_t b,
                                  int32_t qmin, int32_t qmax) {
    return ck_requant((a - q->a_zero_point) * (b - q->b_zero_point), multiplier, q->y_zero_point, qmin,
                      qmax);
}

void ck_qmul_s8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                        const int8_t* b, int8_t* y) {
    const float m = (q->a_scale * q->b_scale) / q->y_scale;
    CK_BROADCAST_FOR_EACH(bc, y[yi] = (int8_t)ck_qmul_one(q, m, a[ai], b[bi], -128, 127));
}

void ck_qmul_u8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                        const uint8_t* b, uint8_t* y) {
    const float m = (q->a_scale * q->b_scale) / q->y_scale;
    CK_BROADCAST_FOR_EACH(bc, y[yi] = (uint8_t)ck_qmul_one(q, m, a[ai], b[bi], 0, 255));
}

void ck_relu_f32__scalar(size_t count, const float* x, float* y) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void ck_clip_f32__scalar(size_t count, const float* x, float min, float max, float* y) {
    for (size_t i = 0; i < count; i++) {
        float v = x[i];
        v = v < min ? min : v;
        y[i] = v > max ? max : v;
    }
}

void ck_leaky_relu_f32__scalar(size_t count, const float* x, float alpha, float* y) {
    for (size_t i = 0; i < count; i++) y[i] = x[i] >= 0.0f ? x[i] : alpha * x[i];
}

void ck_sigmoid_f32__scalar(size_t count, const float* x, float* y) {
    for (size_t i = 0; i < count; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void ck_hard_sigmoid_f32__scalar(size_t count, const float* x, float alpha, float beta, float* y) {
    for (size_t i = 0; i < count; i++) {
        float v = alpha * x[i] + beta;
        v = v < 0.0f ? 0.0f : v;
        y[i] = v > 1.0f ? 1.0f : v;
    }
}

void ck_hard_swish_f32__scalar(size_t count, const float* x, float* y) {
    for (size_t i = 0; i < count; i++) {
        float v = x[i] / 6.0f + 0.5f;
        v = v < 0.0f ? 0.0f : v;
        v = v > 1.0f ? 1.0f : v;
        y[i] = x[i] * v;
    }
}

static inline int32_t ck_qsigmoid_one(int32_t x, float x_scale, int32_t x_zero_point, float y_scale,
                                      int32_t y_zero_point, int32_t qmin, int32_t qmax) {
    float real = (float)(x - x_zero_point) * x_scale;
    float s = 1.0f / (1.0f + expf(-real));
    return ck_saturate(ck_round_even(s / y_scale) + (float)y_zero_point, qmin, qmax);
}

void ck_qsigmoid_s8__scalar(size_t count, const int8_t* x, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, int8_t* y) {
    for (size_t i = 0; i < count; i++)
        y[i] = (int8_t)ck_qsigmoid_one(x[i], x_scale, x_zero_point, y_scale, y_zero_point, -128, 127);
}

void ck_qsigmoid_u8__scalar(size_t count, const uint8_t* x, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, uint8_t* y) {
    for (size_t i = 0; i < count; i++)
        y[i] = (uint8_t)ck_qsigmoid_one(x[i], x_scale, x_zero_point, y_scale, y_zero_point, 0, 255);
}
