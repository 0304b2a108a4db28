// Matrix multiplication: Gemm / MatMul in float32 and 8-bit (QLinearMatMul, QGemm,
// MatMulInteger, MatMulIntegerToFloat), int32 accumulation.
//
// op(A) is M x K, op(B) is K x N, Y is M x N with row stride ldy. A is stored M x K (row
// stride lda) or, with trans_a, K x M; B is stored K x N (row stride ldb) or, with trans_b,
// N x K. Batched MatMul is a loop over this in the caller.
#ifndef CK_GEMM_H
#define CK_GEMM_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_gemm_geometry {
    size_t m, n, k;
    int trans_a, trans_b;
    size_t lda, ldb, ldy;
} ck_gemm_geometry;

/// Y = clamp(alpha * op(A) op(B) + beta * C). C (nullable) is read at
/// c[i * c_row_stride + j * c_col_stride]; zero strides broadcast (ONNX Gemm's
/// unidirectional broadcasting of C to M x N).
void ck_gemm_f32__scalar(const ck_gemm_geometry* g, float alpha, const float* a, const float* b,
                         float beta, const float* c, size_t c_row_stride, size_t c_col_stride,
                         ck_clamp_f32 clamp, float* y);

/// 8-bit GEMM quantization. acc[i][j] = bias[j] + sum_k (a - a_zp[i]) (b - b_zp[j]).
/// Requantized outputs: y = sat(rne(float(acc) * mul[j]) + y_zero_point) clamped, with
/// mul[j] = (alpha * a_scale * b_scale[j]) / y_scale in float32 (alpha = 1 for QLinearMatMul).
/// Float output (QGemm without y_scale, MatMulIntegerToFloat): y = float(acc) * (alpha * a_scale * b_scale[j]).
typedef struct ck_qgemm_params {
    ck_qtype a_type;
    ck_qtype b_type;
    const int32_t* a_zero_point; ///< indexed by row i * a_zero_point_stride
    size_t a_zero_point_stride;
    float a_scale;
    ck_qparams_axis b; ///< per tensor (strides 0) or per column (strides 1)
    float alpha;
    float y_scale;
    int32_t y_zero_point;
    ck_clamp_q clamp;
} ck_qgemm_params;

void ck_gemm_qs8__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                         const void* b, const int32_t* bias, int8_t* y);
void ck_gemm_qu8__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                         const void* b, const int32_t* bias, uint8_t* y);
void ck_gemm_qs32__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                          const void* b, const int32_t* bias, int32_t* y);
void ck_gemm_qf32__scalar(const ck_gemm_geometry* g, const ck_qgemm_params* q, const void* a,
                          const void* b, const int32_t* bias, float* y);

#ifdef __cplusplus
}
#endif

#endif
