// Resize, scalar reference (ONNX Runtime's rules for nearest and linear).
#include "ck_resize.h"
#include "ck_internal.h"

#include <math.h>

float ck_resize_source_coordinate(ck_resize_coord coord, size_t out_index, size_t in_len,
                                  size_t out_len, float scale, float roi_start, float roi_end) {
    const float x = (float)out_index;
    switch (coord) {
    case CK_RESIZE_HALF_PIXEL:
        return (x + 0.5f) / scale - 0.5f;
    case CK_RESIZE_HALF_PIXEL_SYMMETRIC: {
        const float out_len_real = scale * (float)in_len;
        const float adjustment = (float)out_len / out_len_real;
        const float center = (float)in_len / 2.0f;
        const float offset = center * (1.0f - adjustment);
        return offset + (x + 0.5f) / scale - 0.5f;
    }
    case CK_RESIZE_PYTORCH_HALF_PIXEL:
        return out_len > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
    case CK_RESIZE_ALIGN_CORNERS:
        return out_len == 1 ? 0.0f : x * (float)(in_len - 1) / (float)(out_len - 1);
    case CK_RESIZE_ASYMMETRIC:
        return x / scale;
    case CK_RESIZE_TF_CROP_AND_RESIZE:
        return out_len > 1 ? roi_start * (float)(in_len - 1) +
                                 x * (roi_end - roi_start) * (float)(in_len - 1) / (float)(out_len - 1)
                           : 0.5f * (roi_start + roi_end) * (float)(in_len - 1);
    }
    return 0.0f;
}

static ptrdiff_t ck_nearest_index(float v, ck_resize_nearest_mode mode, size_t len) {
    float r;
    switch (mode) {
    case CK_NEAREST_ROUND_PREFER_FLOOR:
        r = (v - floorf(v) == 0.5f) ? floorf(v) : roundf(v);
        break;
    case CK_NEAREST_ROUND_PREFER_CEIL:
        r = (v - floorf(v) == 0.5f) ? ceilf(v) : roundf(v);
        break;
    case CK_NEAREST_FLOOR:
        r = floorf(v);
        break;
    case CK_NEAREST_CEIL:
    default:
        r = ceilf(v);
        break;
    }
    if (r < 0.0f) return 0;
    if (r > (float)(len - 1)) return (ptrdiff_t)(len - 1);
    return (ptrdiff_t)r;
}

// tf_crop_and_resize samples outside the input produce the extrapolation value.
static inline int ck_outside(const ck_resize_params* p, float v, size_t len) {
    return p->coord == CK_RESIZE_TF_CROP_AND_RESIZE && (v < 0.0f || v > (float)(len - 1));
}

#define CK_RESIZE_NEAREST_BODY(T, EXTRAPOLATED)                                                     \
    for (size_t oh = 0; oh < p->out_h; oh++) {                                                      \
        float sh = ck_resize_source_coordinate(p->coord, oh, p->in_h, p->out_h, p->scale_h,          \
                                               p->roi_start_h, p->roi_end_h);                       \
        int out_h = ck_outside(p, sh, p->in_h);                                                     \
        size_t ih = (size_t)ck_nearest_index(sh, p->nearest_mode, p->in_h);                         \
        for (size_t ow = 0; ow < p->out_w; ow++) {                                                  \
            float sw = ck_resize_source_coordinate(p->coord, ow, p->in_w, p->out_w, p->scale_w,      \
                                                   p->roi_start_w, p->roi_end_w);                   \
            int outside = out_h || ck_outside(p, sw, p->in_w);                                      \
            size_t iw = (size_t)ck_nearest_index(sw, p->nearest_mode, p->in_w);                     \
            for (size_t n = 0; n < p->batch; n++)                                                   \
                for (size_t c = 0; c < p->channels; c++)                                            \
                    y[((n * p->out_h + oh) * p->out_w + ow) * p->channels + c] =                    \
                        outside ? (EXTRAPOLATED)                                                    \
                                : x[((n * p->in_h + ih) * p->in_w + iw) * p->channels + c];         \
        }                                                                                           \
    }

void ck_resize_nearest_f32__scalar(const ck_resize_params* p, const float* x, float* y) {
    CK_RESIZE_NEAREST_BODY(float, p->extrapolation_value)
}

void ck_resize_nearest_u8__scalar(const ck_resize_params* p, const uint8_t* x, uint8_t* y) {
    const uint8_t extrapolated = (uint8_t)ck_saturate(ck_round_even(p->extrapolation_value), 0, 255);
    CK_RESIZE_NEAREST_BODY(uint8_t, extrapolated)
}

void ck_resize_nearest_s8__scalar(const ck_resize_params* p, const int8_t* x, int8_t* y) {
    const int8_t extrapolated = (int8_t)ck_saturate(ck_round_even(p->extrapolation_value), -128, 127);
    CK_RESIZE_NEAREST_BODY(int8_t, extrapolated)
}

// One axis of linear interpolation: neighbours i1, i2 and their weights (w1 for i1).
typedef struct {
    size_t i1, i2;
    float w1, w2;
    int outside;
} ck_linear_axis;

static ck_linear_axis ck_linear(const ck_resize_params* p, size_t o, size_t in_len, size_t out_len,
                                float scale, float roi_start, float roi_end) {
    ck_linear_axis a;
    float v = ck_resize_source_coordinate(p->coord, o, in_len, out_len, scale, roi_start, roi_end);
    a.outside = ck_outside(p, v, in_len);
    v = v < 0.0f ? 0.0f : v;
    v = v > (float)(in_len - 1) ? (float)(in_len - 1) : v;
    a.i1 = (size_t)v;
    if (a.i1 > in_len - 1) a.i1 = in_len - 1;
    a.i2 = a.i1 + 1 < in_len ? a.i1 + 1 : in_len - 1;
    float d1 = fabsf(v - (float)a.i1), d2 = fabsf(v - (float)a.i2);
    if (a.i1 == a.i2) d1 = d2 = 0.5f;
    // The weight of a neighbour is the distance to the other one.
    a.w1 = d2;
    a.w2 = d1;
    return a;
}

#define CK_RESIZE_LINEAR_BODY(STORE)                                                                \
    for (size_t oh = 0; oh < p->out_h; oh++) {                                                      \
        ck_linear_axis ah = ck_linear(p, oh, p->in_h, p->out_h, p->scale_h, p->roi_start_h, p->roi_end_h); \
        for (size_t ow = 0; ow < p->out_w; ow++) {                                                  \
            ck_linear_axis aw = ck_linear(p, ow, p->in_w, p->out_w, p->scale_w, p->roi_start_w, p->roi_end_w); \
            int outside = ah.outside || aw.outside;                                                 \
            for (size_t n = 0; n < p->batch; n++)                                                   \
                for (size_t c = 0; c < p->channels; c++) {                                          \
                    size_t row1 = (n * p->in_h + ah.i1) * p->in_w, row2 = (n * p->in_h + ah.i2) * p->in_w; \
                    float x11 = (float)x[(row1 + aw.i1) * p->channels + c];                         \
                    float x21 = (float)x[(row1 + aw.i2) * p->channels + c];                         \
                    float x12 = (float)x[(row2 + aw.i1) * p->channels + c];                         \
                    float x22 = (float)x[(row2 + aw.i2) * p->channels + c];                         \
                    float v = aw.w1 * ah.w1 * x11 + aw.w2 * ah.w1 * x21 + aw.w1 * ah.w2 * x12 +     \
                              aw.w2 * ah.w2 * x22;                                                  \
                    if (outside) v = p->extrapolation_value;                                        \
                    size_t yi = ((n * p->out_h + oh) * p->out_w + ow) * p->channels + c;           \
                    STORE;                                                                          \
                }                                                                                   \
        }                                                                                           \
    }

void ck_resize_linear_f32__scalar(const ck_resize_params* p, const float* x, float* y) {
    CK_RESIZE_LINEAR_BODY(y[yi] = v)
}

// 8-bit outputs truncate toward zero, as ONNX Runtime's NCHW bilinear kernel does
// (static_cast of the float result); the weighted sum of in-range values is in range.
void ck_resize_linear_u8__scalar(const ck_resize_params* p, const uint8_t* x, uint8_t* y) {
    CK_RESIZE_LINEAR_BODY(y[yi] = (uint8_t)ck_saturate(truncf(v), 0, 255))
}

void ck_resize_linear_s8__scalar(const ck_resize_params* p, const int8_t* x, int8_t* y) {
    CK_RESIZE_LINEAR_BODY(y[yi] = (int8_t)ck_saturate(truncf(v), -128, 127))
}
