// SIMD fast paths of pooling (int8 and float32) and QLinearAdd / QLinearMul with exactly the signatures of
// their scalar references (ck_pool.h, ck_elementwise.h), bit-exact with them: the same
// float32 operations in the same order (fused multiply-adds where the reference uses fmaf),
// round half to even, saturation. Names: ck_<op>_<dtype>__<isa>.
//
// Binary ops take the vector path when the innermost axis is contiguous or broadcast for
// both operands (the residual-add and per-channel cases); other layouts run the reference.
#ifndef CK_SIMD_OPS_H
#define CK_SIMD_OPS_H

#include "ck_elementwise.h"
#include "ck_isa.h"
#include "ck_pool.h"
#include "ck_quantize.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*ck_maxpool2d_f32_fn)(const ck_pool2d_geometry* g, const float* x, float* y);
typedef void (*ck_global_avgpool_f32_fn)(size_t batch, size_t pixels, size_t channels, const float* x, float* y);
typedef void (*ck_maxpool2d_s8_fn)(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y);
typedef void (*ck_avgpool2d_qs8_fn)(const ck_pool2d_geometry* g, int count_include_pad, float x_scale,
                                    int32_t x_zero_point, float y_scale, int32_t y_zero_point, const int8_t* x,
                                    int8_t* y);
typedef void (*ck_global_avgpool_qs8_fn)(size_t batch, size_t pixels, size_t channels, float x_scale,
                                         int32_t x_zero_point, float y_scale, int32_t y_zero_point, const int8_t* x,
                                         int8_t* y);
typedef void (*ck_qbinary_s8_fn)(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                                 const int8_t* b, int8_t* y);
typedef void (*ck_qbinary_u8_fn)(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                                 const uint8_t* b, uint8_t* y);

/// The implementations of one ISA (scalar: the references themselves).
typedef struct ck_simd_ops {
    const char* suffix; ///< "scalar", "avx2", "neon"
    ck_isa isa;
    ck_maxpool2d_s8_fn maxpool2d_s8;
    ck_avgpool2d_qs8_fn avgpool2d_qs8;
    ck_global_avgpool_qs8_fn global_avgpool_qs8;
    ck_qbinary_s8_fn qadd_s8;
    ck_qbinary_u8_fn qadd_u8;
    ck_qbinary_s8_fn qmul_s8;
    ck_qbinary_u8_fn qmul_u8;
    ck_maxpool2d_f32_fn maxpool2d_f32;         ///< exact: same comparisons as the reference
    ck_global_avgpool_f32_fn global_avgpool_f32; ///< exact: same per-channel summation order
    ck_quantize_f32_s8_fn quantize_f32_s8;       ///< exact: IEEE division, round half to even
    ck_quantize_f32_u8_fn quantize_f32_u8;
} ck_simd_ops;

/// The table of `isa` (avx512vnni -> avx2, neondot -> neon), or NULL when unavailable.
const ck_simd_ops* ck_simd_ops_for(ck_isa isa);

#if defined(__x86_64__)
void ck_maxpool2d_s8__avx2(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y);
void ck_maxpool2d_f32__avx2(const ck_pool2d_geometry* g, const float* x, float* y);
void ck_global_avgpool_f32__avx2(size_t batch, size_t pixels, size_t channels, const float* x, float* y);
void ck_avgpool2d_qs8__avx2(const ck_pool2d_geometry* g, int count_include_pad, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, const int8_t* x, int8_t* y);
void ck_global_avgpool_qs8__avx2(size_t batch, size_t pixels, size_t channels, float x_scale, int32_t x_zero_point,
                                 float y_scale, int32_t y_zero_point, const int8_t* x, int8_t* y);
void ck_qadd_s8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a, const int8_t* b, int8_t* y);
void ck_qadd_u8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a, const uint8_t* b,
                      uint8_t* y);
void ck_qmul_s8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a, const int8_t* b, int8_t* y);
void ck_qmul_u8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a, const uint8_t* b,
                      uint8_t* y);
#endif
#if defined(__aarch64__)
void ck_maxpool2d_s8__neon(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y);
void ck_maxpool2d_f32__neon(const ck_pool2d_geometry* g, const float* x, float* y);
void ck_global_avgpool_f32__neon(size_t batch, size_t pixels, size_t channels, const float* x, float* y);
void ck_avgpool2d_qs8__neon(const ck_pool2d_geometry* g, int count_include_pad, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, const int8_t* x, int8_t* y);
void ck_global_avgpool_qs8__neon(size_t batch, size_t pixels, size_t channels, float x_scale, int32_t x_zero_point,
                                 float y_scale, int32_t y_zero_point, const int8_t* x, int8_t* y);
void ck_qadd_s8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a, const int8_t* b, int8_t* y);
void ck_qadd_u8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a, const uint8_t* b,
                      uint8_t* y);
void ck_qmul_s8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a, const int8_t* b, int8_t* y);
void ck_qmul_u8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a, const uint8_t* b,
                      uint8_t* y);
#endif

#ifdef __cplusplus
}
#endif

#endif
