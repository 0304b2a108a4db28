// QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear / requantization, scalar reference.
#include "ck_quantize.h"
#include "ck_internal.h"

#include <float.h>

int32_t ck_requantize_one(int32_t acc, float multiplier, int32_t zero_point, int32_t qmin,
                          int32_t qmax) {
    return ck_requant(acc, multiplier, zero_point, qmin, qmax);
}

// y = sat(rne(x / scale) + zp): MLAS divides (not multiplies by a reciprocal) and rounds
// before adding the zero point.
static int32_t quantize_value(float x, float scale, int32_t zp, int32_t qmin, int32_t qmax) {
    float v = ck_round_even(x / scale) + (float)zp;
    return ck_saturate(v, qmin, qmax);
}

void ck_quantize_f32_s8__scalar(size_t outer, size_t channels, size_t inner, const float* x,
                                const float* scale, const int32_t* zero_point, int8_t* y) {
    size_t i = 0;
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++, i++)
                y[i] = (int8_t)quantize_value(x[i], scale[c], zero_point[c], -128, 127);
}

void ck_quantize_f32_u8__scalar(size_t outer, size_t channels, size_t inner, const float* x,
                                const float* scale, const int32_t* zero_point, uint8_t* y) {
    size_t i = 0;
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++, i++)
                y[i] = (uint8_t)quantize_value(x[i], scale[c], zero_point[c], 0, 255);
}

#define CK_DEQUANTIZE_BODY                                                                          \
    size_t i = 0;                                                                                   \
    for (size_t o = 0; o < outer; o++)                                                              \
        for (size_t c = 0; c < channels; c++)                                                       \
            for (size_t j = 0; j < inner; j++, i++)                                                 \
                y[i] = (float)((int32_t)x[i] - zero_point[c]) * scale[c];

void ck_dequantize_s8_f32__scalar(size_t outer, size_t channels, size_t inner, const int8_t* x,
                                  const float* scale, const int32_t* zero_point, float* y) {
    CK_DEQUANTIZE_BODY
}

void ck_dequantize_u8_f32__scalar(size_t outer, size_t channels, size_t inner, const uint8_t* x,
                                  const float* scale, const int32_t* zero_point, float* y) {
    CK_DEQUANTIZE_BODY
}

void ck_dequantize_s32_f32__scalar(size_t outer, size_t channels, size_t inner, const int32_t* x,
                                   const float* scale, const int32_t* zero_point, float* y) {
    // int64 difference: an int32 minus a zero point can leave the int32 range.
    size_t i = 0;
    for (size_t o = 0; o < outer; o++)
        for (size_t c = 0; c < channels; c++)
            for (size_t j = 0; j < inner; j++, i++)
                y[i] = (float)((int64_t)x[i] - zero_point[c]) * scale[c];
}

void ck_dynamic_quantize_f32_u8__scalar(size_t count, const float* x, uint8_t* y, float* scale_out,
                                        int32_t* zero_point_out) {
    float min = 0.0f, max = 0.0f; // the range always includes 0
    for (size_t i = 0; i < count; i++) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
    }
    float scale = max == min ? 1.0f : (max - min) / 255.0f;
    float initial = 0.0f - min / scale;
    initial = initial < 0.0f ? 0.0f : (initial > 255.0f ? 255.0f : initial);
    int32_t zp = (int32_t)ck_round_even(initial);
    for (size_t i = 0; i < count; i++) y[i] = (uint8_t)quantize_value(x[i], scale, zp, 0, 255);
    *scale_out = scale;
    *zero_point_out = zp;
}

void ck_requantize_s32_s8__scalar(size_t rows, size_t channels, const int32_t* acc,
                                  const float* multiplier, size_t multiplier_stride,
                                  int32_t zero_point, ck_clamp_q clamp, int8_t* y) {
    int32_t lo = ck_max_i32(-128, clamp.min), hi = ck_min_i32(127, clamp.max);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < channels; c++) {
            size_t i = r * channels + c;
            y[i] = (int8_t)ck_requant(acc[i], multiplier[c * multiplier_stride], zero_point, lo, hi);
        }
}

void ck_requantize_s32_u8__scalar(size_t rows, size_t channels, const int32_t* acc,
                                  const float* multiplier, size_t multiplier_stride,
                                  int32_t zero_point, ck_clamp_q clamp, uint8_t* y) {
    int32_t lo = ck_max_i32(0, clamp.min), hi = ck_min_i32(255, clamp.max);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < channels; c++) {
            size_t i = r * channels + c;
            y[i] = (uint8_t)ck_requant(acc[i], multiplier[c * multiplier_stride], zero_point, lo, hi);
        }
}
