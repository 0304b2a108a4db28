#include "CVision.h"

#include <math.h>

// Each kernel first fills a 256-entry table per channel (on the stack), so the per-pixel work
// is one lookup and one store: the 8-bit input has only 256 possible values.

void cv_normalize_u8_f32(const uint8_t *src, size_t width, size_t height, size_t channels,
                         const float *mean, const float *std, cv_layout layout, float *dst) {
    float lut[4][256];
    for (size_t c = 0; c < channels; c++)
        for (int v = 0; v < 256; v++) lut[c][v] = ((float)v / 255.0f - mean[c]) / std[c];
    const size_t plane = width * height;
    if (layout == CV_LAYOUT_NHWC) {
        for (size_t i = 0; i < plane; i++)
            for (size_t c = 0; c < channels; c++) dst[i * channels + c] = lut[c][src[i * channels + c]];
    } else {
        for (size_t c = 0; c < channels; c++) {
            float *d = dst + c * plane;
            for (size_t i = 0; i < plane; i++) d[i] = lut[c][src[i * channels + c]];
        }
    }
}

static inline int32_t quantize_value(int v, float mean, float std, float scale, int32_t zero_point,
                                     int32_t lo, int32_t hi) {
    const float real = ((float)v / 255.0f - mean) / std;
    int32_t q = (int32_t)lrintf(real / scale) + zero_point;
    return q < lo ? lo : q > hi ? hi : q;
}

void cv_quantize_u8_s8(const uint8_t *src, size_t width, size_t height, size_t channels,
                       const float *mean, const float *std, float scale, int32_t zero_point,
                       cv_layout layout, int8_t *dst) {
    int8_t lut[4][256];
    for (size_t c = 0; c < channels; c++)
        for (int v = 0; v < 256; v++)
            lut[c][v] = (int8_t)quantize_value(v, mean[c], std[c], scale, zero_point, -128, 127);
    const size_t plane = width * height;
    if (layout == CV_LAYOUT_NHWC) {
        for (size_t i = 0; i < plane; i++)
            for (size_t c = 0; c < channels; c++) dst[i * channels + c] = lut[c][src[i * channels + c]];
    } else {
        for (size_t c = 0; c < channels; c++) {
            int8_t *d = dst + c * plane;
            for (size_t i = 0; i < plane; i++) d[i] = lut[c][src[i * channels + c]];
        }
    }
}

void cv_quantize_u8_u8(const uint8_t *src, size_t width, size_t height, size_t channels,
                       const float *mean, const float *std, float scale, int32_t zero_point,
                       cv_layout layout, uint8_t *dst) {
    uint8_t lut[4][256];
    for (size_t c = 0; c < channels; c++)
        for (int v = 0; v < 256; v++)
            lut[c][v] = (uint8_t)quantize_value(v, mean[c], std[c], scale, zero_point, 0, 255);
    const size_t plane = width * height;
    if (layout == CV_LAYOUT_NHWC) {
        for (size_t i = 0; i < plane; i++)
            for (size_t c = 0; c < channels; c++) dst[i * channels + c] = lut[c][src[i * channels + c]];
    } else {
        for (size_t c = 0; c < channels; c++) {
            uint8_t *d = dst + c * plane;
            for (size_t i = 0; i < plane; i++) d[i] = lut[c][src[i * channels + c]];
        }
    }
}
