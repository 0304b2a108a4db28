// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and requantization.
//
// Rounding matches ONNX Runtime (MLAS): float32 arithmetic, round half to even,
// saturate to the output type. Per-axis tensors are viewed as [outer, channels,
// inner]; element i uses parameter index (i / inner) % channels. Per-tensor is
// channels = 1 (any outer/inner split with outer * inner = count works).
#ifndef CK_QUANTIZE_H
#define CK_QUANTIZE_H

#include "ck_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/// y = sat(rne(x / scale[c]) + zero_point[c]).
void ck_quantize_f32_s8__scalar(size_t outer, size_t channels, size_t inner, const float* x,
                                const float* scale, const int32_t* zero_point, int8_t* y);
void ck_quantize_f32_u8__scalar(size_t outer, size_t channels, size_t inner, const float* x,
                                const float* scale, const int32_t* zero_point, uint8_t* y);

typedef void (*ck_quantize_f32_s8_fn)(size_t outer, size_t channels, size_t inner, const float* x,
                                      const float* scale, const int32_t* zero_point, int8_t* y);
typedef void (*ck_quantize_f32_u8_fn)(size_t outer, size_t channels, size_t inner, const float* x,
                                      const float* scale, const int32_t* zero_point, uint8_t* y);
/// SIMD forms (ck_quantize_simd.c), bit-exact with the references; reached through ck_simd_ops.
#if defined(__x86_64__)
void ck_quantize_f32_s8__avx2(size_t outer, size_t channels, size_t inner, const float* x, const float* scale,
                              const int32_t* zero_point, int8_t* y);
void ck_quantize_f32_u8__avx2(size_t outer, size_t channels, size_t inner, const float* x, const float* scale,
                              const int32_t* zero_point, uint8_t* y);
#endif
#if defined(__aarch64__)
void ck_quantize_f32_s8__neon(size_t outer, size_t channels, size_t inner, const float* x, const float* scale,
                              const int32_t* zero_point, int8_t* y);
void ck_quantize_f32_u8__neon(size_t outer, size_t channels, size_t inner, const float* x, const float* scale,
                              const int32_t* zero_point, uint8_t* y);
#endif

/// y = (x - zero_point[c]) * scale[c] in float32.
void ck_dequantize_s8_f32__scalar(size_t outer, size_t channels, size_t inner, const int8_t* x,
                                  const float* scale, const int32_t* zero_point, float* y);
void ck_dequantize_u8_f32__scalar(size_t outer, size_t channels, size_t inner, const uint8_t* x,
                                  const float* scale, const int32_t* zero_point, float* y);
/// int32 input (how QDQ models store bias); the zero point must be 0 per ONNX but is honoured.
void ck_dequantize_s32_f32__scalar(size_t outer, size_t channels, size_t inner, const int32_t* x,
                                   const float* scale, const int32_t* zero_point, float* y);

/// DynamicQuantizeLinear (uint8), as ONNX Runtime's GetQuantizationParameter: the range is
/// widened to include 0, scale = (max - min) / 255, zero point = rne(clamp(0 - min / scale,
/// 0, 255)); when max == min (all zeros) the scale is 1, avoiding the spec's 0/0. Then y is
/// quantized like QuantizeLinear. Non-finite inputs are the caller's to reject.
void ck_dynamic_quantize_f32_u8__scalar(size_t count, const float* x, uint8_t* y, float* scale_out,
                                        int32_t* zero_point_out);

/// min and max of x with 0 included, NaN skipped (DynamicQuantizeLinear's range):
/// the reference loop, and its SIMD form (SSE on x86-64, NEON on AArch64; identical results).
void ck_range_f32__scalar(size_t count, const float* x, float* min_out, float* max_out);
void ck_range_f32(size_t count, const float* x, float* min_out, float* max_out);

/// Requantize int32 accumulators: y = sat(rne(acc * multiplier[c]) + zero_point), with the
/// result further clamped to [clamp.min, clamp.max]. acc is [rows, channels] row-major;
/// multiplier_stride 0 = one multiplier, 1 = per channel.
void ck_requantize_s32_s8__scalar(size_t rows, size_t channels, const int32_t* acc,
                                  const float* multiplier, size_t multiplier_stride,
                                  int32_t zero_point, ck_clamp_q clamp, int8_t* y);
void ck_requantize_s32_u8__scalar(size_t rows, size_t channels, const int32_t* acc,
                                  const float* multiplier, size_t multiplier_stride,
                                  int32_t zero_point, ck_clamp_q clamp, uint8_t* y);

/// One value, the rule every quantized kernel here uses for its output.
int32_t ck_requantize_one(int32_t acc, float multiplier, int32_t zero_point, int32_t qmin,
                          int32_t qmax);

#ifdef __cplusplus
}
#endif

#endif
