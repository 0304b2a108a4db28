// Convolution family, scalar reference: direct loops, one output element at a time.
#include "ck_conv.h"
#include "ck_internal.h"

// Input row/column of tap k for output position o; false when it falls in the padding.
static inline int ck_tap(size_t o, size_t k, size_t stride, size_t dilation, size_t pad, size_t len,
                         size_t* index) {
    // Unsigned arithmetic with an explicit underflow check: o*stride + k*dilation - pad.
    size_t pos = o * stride + k * dilation;
    if (pos < pad) return 0;
    pos -= pad;
    if (pos >= len) return 0;
    *index = pos;
    return 1;
}

void ck_conv2d_f32__scalar(const ck_conv2d_geometry* g, const float* x, const float* w,
                           const float* bias, ck_clamp_f32 clamp, float* y) {
    const size_t cin_g = g->in_c / g->groups, cout_g = g->out_c / g->groups;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t oc = 0; oc < g->out_c; oc++) {
                    const size_t group = oc / cout_g;
                    float acc = bias ? bias[oc] : 0.0f;
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {
                        size_t ih;
                        if (!ck_tap(oh, kh, g->stride_h, g->dilation_h, g->pad_top, g->in_h, &ih)) continue;
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {
                            size_t iw;
                            if (!ck_tap(ow, kw, g->stride_w, g->dilation_w, g->pad_left, g->in_w, &iw)) continue;
                            const float* xp = x + ((n * g->in_h + ih) * g->in_w + iw) * g->in_c + group * cin_g;
                            const float* wp = w + ((oc * g->kernel_h + kh) * g->kernel_w + kw) * cin_g;
                            for (size_t ic = 0; ic < cin_g; ic++) acc += xp[ic] * wp[ic];
                        }
                    }
                    y[((n * g->out_h + oh) * g->out_w + ow) * g->out_c + oc] = ck_clampf(acc, clamp);
                }
}

void ck_dwconv2d_f32__scalar(const ck_conv2d_geometry* g, const float* x, const float* w,
                             const float* bias, ck_clamp_f32 clamp, float* y) {
    const size_t multiplier = g->out_c / g->in_c;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t oc = 0; oc < g->out_c; oc++) {
                    const size_t ic = oc / multiplier;
                    float acc = bias ? bias[oc] : 0.0f;
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {
                        size_t ih;
                        if (!ck_tap(oh, kh, g->stride_h, g->dilation_h, g->pad_top, g->in_h, &ih)) continue;
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {
                            size_t iw;
                            if (!ck_tap(ow, kw, g->stride_w, g->dilation_w, g->pad_left, g->in_w, &iw)) continue;
                            acc += x[((n * g->in_h + ih) * g->in_w + iw) * g->in_c + ic] *
                                   w[(kh * g->kernel_w + kw) * g->out_c + oc];
                        }
                    }
                    y[((n * g->out_h + oh) * g->out_w + ow) * g->out_c + oc] = ck_clampf(acc, clamp);
                }
}

void ck_deconv2d_f32__scalar(const ck_conv2d_geometry* g, const float* x, const float* w,
                             const float* bias, ck_clamp_f32 clamp, float* y) {
    const size_t cin_g = g->in_c / g->groups, cout_g = g->out_c / g->groups;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t oc = 0; oc < g->out_c; oc++) {
                    const size_t group = oc / cout_g;
                    float acc = bias ? bias[oc] : 0.0f;
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {
                        size_t ih;
                        if (!ck_deconv_tap(oh, kh, g->stride_h, g->dilation_h, g->pad_top, g->in_h, &ih)) continue;
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {
                            size_t iw;
                            if (!ck_deconv_tap(ow, kw, g->stride_w, g->dilation_w, g->pad_left, g->in_w, &iw)) continue;
                            const float* xp = x + ((n * g->in_h + ih) * g->in_w + iw) * g->in_c + group * cin_g;
                            const float* wp = w + ((oc * g->kernel_h + kh) * g->kernel_w + kw) * cin_g;
                            for (size_t ic = 0; ic < cin_g; ic++) acc += xp[ic] * wp[ic];
                        }
                    }
                    y[((n * g->out_h + oh) * g->out_w + ow) * g->out_c + oc] = ck_clampf(acc, clamp);
                }
}

// How a quantized kernel stores its int32 accumulator.
typedef enum { CK_OUT_S8, CK_OUT_U8, CK_OUT_S32 } ck_qout;

static void ck_qstore(const ck_qconv_params* q, ck_qout out, size_t oc, int32_t acc, void* y,
                      size_t index) {
    if (out == CK_OUT_S32) {
        ((int32_t*)y)[index] = acc;
        return;
    }
    const float multiplier = q->x_scale * q->w.scale[oc * q->w.scale_stride] / q->y_scale;
    const ck_qtype type = out == CK_OUT_S8 ? CK_QTYPE_S8 : CK_QTYPE_U8;
    const int32_t lo = ck_max_i32(ck_qmin(type), q->clamp.min);
    const int32_t hi = ck_min_i32(ck_qmax(type), q->clamp.max);
    const int32_t v = ck_requant(acc, multiplier, q->y_zero_point, lo, hi);
    if (out == CK_OUT_S8)
        ((int8_t*)y)[index] = (int8_t)v;
    else
        ((uint8_t*)y)[index] = (uint8_t)v;
}

static void ck_qconv2d(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                       const void* w, const int32_t* bias, ck_qout out, void* y) {
    const size_t cin_g = g->in_c / g->groups, cout_g = g->out_c / g->groups;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t oc = 0; oc < g->out_c; oc++) {
                    const size_t group = oc / cout_g;
                    const int32_t wzp = q->w.zero_point[oc * q->w.zero_point_stride];
                    int32_t acc = bias ? bias[oc] : 0;
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {
                        size_t ih;
                        if (!ck_tap(oh, kh, g->stride_h, g->dilation_h, g->pad_top, g->in_h, &ih)) continue;
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {
                            size_t iw;
                            if (!ck_tap(ow, kw, g->stride_w, g->dilation_w, g->pad_left, g->in_w, &iw)) continue;
                            const size_t xi = ((n * g->in_h + ih) * g->in_w + iw) * g->in_c + group * cin_g;
                            const size_t wi = ((oc * g->kernel_h + kh) * g->kernel_w + kw) * cin_g;
                            for (size_t ic = 0; ic < cin_g; ic++)
                                acc += (ck_load_q(x, xi + ic, q->x_type) - q->x_zero_point) *
                                       (ck_load_q(w, wi + ic, q->w_type) - wzp);
                        }
                    }
                    ck_qstore(q, out, oc, acc, y, ((n * g->out_h + oh) * g->out_w + ow) * g->out_c + oc);
                }
}

static void ck_qdwconv2d(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                         const void* w, const int32_t* bias, ck_qout out, void* y) {
    const size_t multiplier = g->out_c / g->in_c;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t oc = 0; oc < g->out_c; oc++) {
                    const size_t ic = oc / multiplier;
                    const int32_t wzp = q->w.zero_point[oc * q->w.zero_point_stride];
                    int32_t acc = bias ? bias[oc] : 0;
                    for (size_t kh = 0; kh < g->kernel_h; kh++) {
                        size_t ih;
                        if (!ck_tap(oh, kh, g->stride_h, g->dilation_h, g->pad_top, g->in_h, &ih)) continue;
                        for (size_t kw = 0; kw < g->kernel_w; kw++) {
                            size_t iw;
                            if (!ck_tap(ow, kw, g->stride_w, g->dilation_w, g->pad_left, g->in_w, &iw)) continue;
                            acc += (ck_load_q(x, ((n * g->in_h + ih) * g->in_w + iw) * g->in_c + ic, q->x_type) -
                                    q->x_zero_point) *
                                   (ck_load_q(w, (kh * g->kernel_w + kw) * g->out_c + oc, q->w_type) - wzp);
                        }
                    }
                    ck_qstore(q, out, oc, acc, y, ((n * g->out_h + oh) * g->out_w + ow) * g->out_c + oc);
                }
}

void ck_conv2d_qs8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                           const void* w, const int32_t* bias, int8_t* y) {
    ck_qconv2d(g, q, x, w, bias, CK_OUT_S8, y);
}

void ck_conv2d_qu8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                           const void* w, const int32_t* bias, uint8_t* y) {
    ck_qconv2d(g, q, x, w, bias, CK_OUT_U8, y);
}

void ck_conv2d_qs32__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                            const void* w, const int32_t* bias, int32_t* y) {
    ck_qconv2d(g, q, x, w, bias, CK_OUT_S32, y);
}

void ck_dwconv2d_qs8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                             const void* w, const int32_t* bias, int8_t* y) {
    ck_qdwconv2d(g, q, x, w, bias, CK_OUT_S8, y);
}

void ck_dwconv2d_qu8__scalar(const ck_conv2d_geometry* g, const ck_qconv_params* q, const void* x,
                             const void* w, const int32_t* bias, uint8_t* y) {
    ck_qdwconv2d(g, q, x, w, bias, CK_OUT_U8, y);
}
