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

// Float average pooling in two separable passes: row sums over the kernel's width for every
// input row (once, not once per output row that uses it), then column sums over its height.
// 2·k instead of k² additions per output for a k×k window, in loops over contiguous memory;
// the score tails of autoencoders (3×3, 5×5 and 8×8 windows on 128×128 maps) spent more time
// here than in their convolutions. Sums in another order than the reference: equal up to
// float rounding (the tester's tolerance).
size_t ck_avgpool2d_f32_rows_scratch_size(const ck_pool2d_geometry* g) {
    return g->in_h * g->out_w * g->channels + 2 * g->out_w;
}

// Taps of a 1-D window at output `o` inside the input (`valid`) and inside input + pads (`padded`).
static void ck_pool_taps_1d(size_t o, size_t kernel, size_t stride, size_t dilation, size_t pad_begin,
                            size_t pad_end, size_t len, float* valid, float* padded) {
    size_t v = 0, p = 0;
    for (size_t k = 0; k < kernel; k++) {
        ptrdiff_t i = ck_pool_pos(o, k, stride, dilation, pad_begin);
        v += i >= 0 && i < (ptrdiff_t)len;
        p += i >= -(ptrdiff_t)pad_begin && i < (ptrdiff_t)(len + pad_end);
    }
    *valid = (float)v;
    *padded = (float)p;
}

void ck_avgpool2d_f32_rows(const ck_pool2d_geometry* g, int count_include_pad, const float* x, float* scratch,
                           float* y) {
    const size_t c_n = g->channels;
    // The window's count is the product of its row and column counts: columns computed once.
    float* col_valid = scratch + g->in_h * g->out_w * c_n;
    float* col_padded = col_valid + g->out_w;
    for (size_t ow = 0; ow < g->out_w; ow++)
        ck_pool_taps_1d(ow, g->kernel_w, g->stride_w, g->dilation_w, g->pad_left, g->pad_right, g->in_w,
                        &col_valid[ow], &col_padded[ow]);
    for (size_t n = 0; n < g->batch; n++) {
        const float* xn = x + n * g->in_h * g->in_w * c_n;
        for (size_t ih = 0; ih < g->in_h; ih++) {
            float* restrict row = scratch + ih * g->out_w * c_n;
            const float* xr = xn + ih * g->in_w * c_n;
            for (size_t ow = 0; ow < g->out_w; ow++) {
                float* restrict out = row + ow * c_n;
                for (size_t c = 0; c < c_n; c++) out[c] = 0.0f;
                for (size_t kw = 0; kw < g->kernel_w; kw++) {
                    ptrdiff_t iw = ck_pool_pos(ow, kw, g->stride_w, g->dilation_w, g->pad_left);
                    if (iw < 0 || iw >= (ptrdiff_t)g->in_w) continue;
                    const float* restrict xp = xr + (size_t)iw * c_n;
                    for (size_t c = 0; c < c_n; c++) out[c] += xp[c];
                }
            }
        }
        for (size_t oh = 0; oh < g->out_h; oh++) {
            float* restrict yr = y + (n * g->out_h + oh) * g->out_w * c_n;
            for (size_t i = 0; i < g->out_w * c_n; i++) yr[i] = 0.0f;
            for (size_t kh = 0; kh < g->kernel_h; kh++) {
                ptrdiff_t ih = ck_pool_pos(oh, kh, g->stride_h, g->dilation_h, g->pad_top);
                if (ih < 0 || ih >= (ptrdiff_t)g->in_h) continue;
                const float* restrict row = scratch + (size_t)ih * g->out_w * c_n;
                for (size_t i = 0; i < g->out_w * c_n; i++) yr[i] += row[i];
            }
            float row_valid, row_padded;
            ck_pool_taps_1d(oh, g->kernel_h, g->stride_h, g->dilation_h, g->pad_top, g->pad_bottom, g->in_h,
                            &row_valid, &row_padded);
            for (size_t ow = 0; ow < g->out_w; ow++) {
                const float divisor = count_include_pad ? row_padded * col_padded[ow] : row_valid * col_valid[ow];
                const float scale = divisor > 0.0f ? 1.0f / divisor : 0.0f;
                for (size_t c = 0; c < c_n; c++) yr[ow * c_n + c] *= scale;
            }
        }
    }
}
