// Helpers shared by the reference kernels (not part of the public API).
#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H

#include "ck_common.h"

#include <math.h>
#include <stdint.h>

static inline int32_t ck_load_q(const void* base, size_t index, ck_qtype type) {
    return type == CK_QTYPE_S8 ? (int32_t)((const int8_t*)base)[index]
                               : (int32_t)((const uint8_t*)base)[index];
}

static inline int32_t ck_qmin(ck_qtype type) { return type == CK_QTYPE_S8 ? -128 : 0; }
static inline int32_t ck_qmax(ck_qtype type) { return type == CK_QTYPE_S8 ? 127 : 255; }

static inline int32_t ck_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }
static inline int32_t ck_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

/// Round half to even, independent of the current floating-point rounding mode.
static inline float ck_round_even(float v) {
    float r = roundf(v); // half away from zero
    if (fabsf(v - truncf(v)) == 0.5f) {
        r = 2.0f * roundf(v * 0.5f);
    }
    return r;
}

/// MLAS's order: scale in float, clamp in float to the output range minus the zero point
/// (so the integer conversion can never overflow), round half to even, add the zero point.
static inline int32_t ck_requant(int32_t acc, float multiplier, int32_t zero_point, int32_t qmin,
                                 int32_t qmax) {
    float v = (float)acc * multiplier;
    float lo = (float)(qmin - zero_point);
    float hi = (float)(qmax - zero_point);
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    return (int32_t)ck_round_even(v) + zero_point;
}

static inline int32_t ck_saturate(float v, int32_t qmin, int32_t qmax) {
    if (!(v >= (float)qmin)) return qmin; // also NaN -> qmin
    if (v > (float)qmax) return qmax;
    return (int32_t)v;
}

/// Clamps to [clamp.min, clamp.max] (NaN passes through).
static inline float ck_clampf(float v, ck_clamp_f32 clamp) {
    v = v < clamp.min ? clamp.min : v;
    return v > clamp.max ? clamp.max : v;
}

// ConvTranspose as a gather: output (oh) receives input row ih from tap kh when
// oh + pad_top - kh*dilation = ih*stride.
static inline int ck_deconv_tap(size_t o, size_t k, size_t stride, size_t dilation, size_t pad,
                                size_t len, size_t* index) {
    size_t pos = o + pad;
    size_t off = k * dilation;
    if (pos < off) return 0;
    pos -= off;
    if (pos % stride != 0) return 0;
    pos /= stride;
    if (pos >= len) return 0;
    *index = pos;
    return 1;
}

#endif
