// Pooling, scalar reference.
#include "ck_pool.h"
#include "ck_internal.h"
#include "ck_simd_internal.h"

#include <math.h>

// Signed position of tap k of output o along one axis (may be negative or past the end).
static inline ptrdiff_t ck_pool_pos(size_t o, size_t k, size_t stride, size_t dilation, size_t pad) {
    return (ptrdiff_t)(o * stride + k * dilation) - (ptrdiff_t)pad;
}

#define CK_MAXPOOL_BODY(T, LOWEST)                                                                  \
    for (size_t n = 0; n < g->batch; n++)                                                           \
        for (size_t oh = 0; oh < g->out_h; oh++)                                                    \
            for (size_t ow = 0; ow < g->out_w; ow++)                                                \
                for (size_t c = 0; c < g->channels; c++) {                                          \
                    T best = LOWEST;                                                                \
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {                                   \
                        ptrdiff_t ih = ck_pool_pos(oh, kh, g->stride_h, g->dilation_h, g->pad_top); \
                        if (ih < 0 || ih >= (ptrdiff_t)g->in_h) continue;                           \
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {                               \
                            ptrdiff_t iw = ck_pool_pos(ow, kw, g->stride_w, g->dilation_w, g->pad_left); \
                            if (iw < 0 || iw >= (ptrdiff_t)g->in_w) continue;                       \
                            T v = x[((n * g->in_h + (size_t)ih) * g->in_w + (size_t)iw) * g->channels + c]; \
                            if (v > best) best = v;                                                 \
                        }                                                                           \
                    }                                                                               \
                    y[((n * g->out_h + oh) * g->out_w + ow) * g->channels + c] = best;              \
                }

void ck_maxpool2d_f32__scalar(const ck_pool2d_geometry* g, const float* x, float* y) {
    CK_MAXPOOL_BODY(float, -INFINITY)
}

void ck_maxpool2d_s8__scalar(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y) {
    CK_MAXPOOL_BODY(int8_t, INT8_MIN)
}

void ck_maxpool2d_u8__scalar(const ck_pool2d_geometry* g, const uint8_t* x, uint8_t* y) {
    CK_MAXPOOL_BODY(uint8_t, 0)
}

// The divisor of one window; shared with the SIMD paths (ck_simd_internal.h).
ck_window_count ck_pool_window(const ck_pool2d_geometry* g, size_t oh, size_t ow) {
    ck_window_count count = {0, 0};
    for (size_t kh = 0; kh < g->kernel_h; kh++) {
        ptrdiff_t ih = ck_pool_pos(oh, kh, g->stride_h, g->dilation_h, g->pad_top);
        int h_in = ih >= 0 && ih < (ptrdiff_t)g->in_h;
        int h_pad = ih >= -(ptrdiff_t)g->pad_top && ih < (ptrdiff_t)(g->in_h + g->pad_bottom);
        for (size_t kw = 0; kw < g->kernel_w; kw++) {
            ptrdiff_t iw = ck_pool_pos(ow, kw, g->stride_w, g->dilation_w, g->pad_left);
            int w_in = iw >= 0 && iw < (ptrdiff_t)g->in_w;
            int w_pad = iw >= -(ptrdiff_t)g->pad_left && iw < (ptrdiff_t)(g->in_w + g->pad_right);
            count.valid += (size_t)(h_in && w_in);
            count.padded += (size_t)(h_pad && w_pad);
        }
    }
    return count;
}

#define CK_AVGPOOL_LOOP(T, ACC_T, ZP, STORE)                                                        \
    for (size_t n = 0; n < g->batch; n++)                                                           \
        for (size_t oh = 0; oh < g->out_h; oh++)                                                    \
            for (size_t ow = 0; ow < g->out_w; ow++) {                                              \
                ck_window_count count = ck_pool_window(g, oh, ow);                                       \
                size_t divisor = count_include_pad ? count.padded : count.valid;                    \
                for (size_t c = 0; c < g->channels; c++) {                                          \
                    ACC_T acc = 0;                                                                  \
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {                                   \
                        ptrdiff_t ih = ck_pool_pos(oh, kh, g->stride_h, g->dilation_h, g->pad_top); \
                        if (ih < 0 || ih >= (ptrdiff_t)g->in_h) continue;                           \
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {                               \
                            ptrdiff_t iw = ck_pool_pos(ow, kw, g->stride_w, g->dilation_w, g->pad_left); \
                            if (iw < 0 || iw >= (ptrdiff_t)g->in_w) continue;                       \
                            acc += (ACC_T)x[((n * g->in_h + (size_t)ih) * g->in_w + (size_t)iw) * g->channels + c] - (ZP); \
                        }                                                                           \
                    }                                                                               \
                    size_t yi = ((n * g->out_h + oh) * g->out_w + ow) * g->channels + c;           \
                    STORE;                                                                          \
                }                                                                                   \
            }

void ck_avgpool2d_f32__scalar(const ck_pool2d_geometry* g, int count_include_pad, const float* x,
                              float* y) {
    CK_AVGPOOL_LOOP(float, float, 0.0f, y[yi] = divisor ? acc / (float)divisor : 0.0f)
}

void ck_avgpool2d_qs8__scalar(const ck_pool2d_geometry* g, int count_include_pad, float x_scale,
                              int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                              const int8_t* x, int8_t* y) {
    CK_AVGPOOL_LOOP(int8_t, int32_t, x_zero_point,
                    y[yi] = (int8_t)ck_requant(acc, divisor ? x_scale / (y_scale * (float)divisor) : 0.0f,
                                               y_zero_point, -128, 127))
}

void ck_avgpool2d_qu8__scalar(const ck_pool2d_geometry* g, int count_include_pad, float x_scale,
                              int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                              const uint8_t* x, uint8_t* y) {
    CK_AVGPOOL_LOOP(uint8_t, int32_t, x_zero_point,
                    y[yi] = (uint8_t)ck_requant(acc, divisor ? x_scale / (y_scale * (float)divisor) : 0.0f,
                                                y_zero_point, 0, 255))
}

void ck_global_avgpool_f32__scalar(size_t batch, size_t pixels, size_t channels, const float* x,
                                   float* y) {
    for (size_t n = 0; n < batch; n++)
        for (size_t c = 0; c < channels; c++) {
            float acc = 0.0f;
            for (size_t p = 0; p < pixels; p++) acc += x[(n * pixels + p) * channels + c];
            y[n * channels + c] = acc / (float)pixels;
        }
}

#define CK_QGAP_BODY(OUT_T, QMIN, QMAX)                                                             \
    const float multiplier = x_scale / (y_scale * (float)pixels);                                   \
    for (size_t n = 0; n < batch; n++)                                                              \
        for (size_t c = 0; c < channels; c++) {                                                     \
            int32_t acc = -x_zero_point * (int32_t)pixels;                                          \
            for (size_t p = 0; p < pixels; p++) acc += (int32_t)x[(n * pixels + p) * channels + c]; \
            y[n * channels + c] = (OUT_T)ck_requant(acc, multiplier, y_zero_point, QMIN, QMAX);    \
        }

void ck_global_avgpool_qs8__scalar(size_t batch, size_t pixels, size_t channels, float x_scale,
                                   int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                   const int8_t* x, int8_t* y) {
    CK_QGAP_BODY(int8_t, -128, 127)
}

void ck_global_avgpool_qu8__scalar(size_t batch, size_t pixels, size_t channels, float x_scale,
                                   int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                   const uint8_t* x, uint8_t* y) {
    CK_QGAP_BODY(uint8_t, 0, 255)
}
