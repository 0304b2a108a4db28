// Elementwise operations: binary Add/Sub/Mul/Div with numpy broadcasting, QLinearAdd /
// QLinearMul, and unary activations.
#ifndef CK_ELEMENTWISE_H
#define CK_ELEMENTWISE_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CK_MAX_RANK 8

/// Broadcast iteration space: the output is contiguous with shape[0..rank); operand
/// element offsets advance by a_stride[d] / b_stride[d] (in elements) along dimension d,
/// 0 where that operand is broadcast. The caller right-aligns shapes as numpy does.
typedef struct ck_broadcast {
    size_t rank; ///< 1..CK_MAX_RANK (a scalar is rank 1, shape {1})
    size_t shape[CK_MAX_RANK];
    size_t a_stride[CK_MAX_RANK];
    size_t b_stride[CK_MAX_RANK];
} ck_broadcast;

void ck_add_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y);
void ck_sub_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y);
void ck_mul_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y);
void ck_div_f32__scalar(const ck_broadcast* bc, const float* a, const float* b, float* y);

/// The same operations with fast paths for the common broadcasts (same shape, a single value,
/// a repeating inner block such as a per-channel vector); other shapes run the reference.
/// Results are identical to the reference (one IEEE operation per element either way).
void ck_add_f32(const ck_broadcast* bc, const float* a, const float* b, float* y);
void ck_sub_f32(const ck_broadcast* bc, const float* a, const float* b, float* y);
void ck_mul_f32(const ck_broadcast* bc, const float* a, const float* b, float* y);
void ck_div_f32(const ck_broadcast* bc, const float* a, const float* b, float* y);

/// Per-tensor quantization of the three operands of QLinearAdd / QLinearMul.
typedef struct ck_qbinary_params {
    float a_scale, b_scale, y_scale;
    int32_t a_zero_point, b_zero_point, y_zero_point;
} ck_qbinary_params;

/// QLinearAdd: y = sat(rne((a_scale/y_scale)(a - za) + (b_scale/y_scale)(b - zb)) + zy), evaluated
/// in float32 exactly as ONNX Runtime's x86 kernel does (zero points folded into one constant,
/// fused multiply-adds, an operand that is constant along the innermost axis treated as ORT's
/// "scalar" operand); see ck_elementwise.c and docs/kernels.md.
void ck_qadd_s8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                        const int8_t* b, int8_t* y);
void ck_qadd_u8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                        const uint8_t* b, uint8_t* y);
/// QLinearMul: y = sat(rne(float((a - za) * (b - zb)) * ((a_scale * b_scale) / y_scale)) + zy).
void ck_qmul_s8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                        const int8_t* b, int8_t* y);
void ck_qmul_u8__scalar(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                        const uint8_t* b, uint8_t* y);

// Unary float32 activations over `count` contiguous elements (y may alias x).
void ck_relu_f32__scalar(size_t count, const float* x, float* y);
/// Clip: max(min, min(max, x)); NaN propagates.
void ck_clip_f32__scalar(size_t count, const float* x, float min, float max, float* y);
void ck_leaky_relu_f32__scalar(size_t count, const float* x, float alpha, float* y);
void ck_sigmoid_f32__scalar(size_t count, const float* x, float* y);
/// HardSigmoid: max(0, min(1, alpha * x + beta)) (ONNX defaults alpha 0.2, beta 0.5).
void ck_hard_sigmoid_f32__scalar(size_t count, const float* x, float alpha, float beta, float* y);
/// HardSwish: x * max(0, min(1, x / 6 + 0.5)).
void ck_hard_swish_f32__scalar(size_t count, const float* x, float* y);

/// QLinearSigmoid: y = sat(rne(sigmoid((x - zx) * sx) / sy) + zy). ONNX Runtime evaluates it
/// through a 256-entry table built with the same formula; so does a fast kernel.
void ck_qsigmoid_s8__scalar(size_t count, const int8_t* x, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, int8_t* y);
void ck_qsigmoid_u8__scalar(size_t count, const uint8_t* x, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, uint8_t* y);

#ifdef __cplusplus
}
#endif

#endif
