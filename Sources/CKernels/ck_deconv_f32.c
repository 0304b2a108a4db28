// Float ConvTranspose (groups 1) as a packed GEMM plus a gather:
//   col[pixel][tap][oc] = sum_ic x[pixel][ic] * w[ic][oc][tap]     (ck_gemm_f32 microkernels)
//   y[o][oc] = bias[oc] + sum over the taps that reach output o of col[its input pixel][tap][oc]
// The gather mirrors ck_deconv2d_f32__scalar's tap rule, so each output is written once (no
// scatter conflicts) and its inner loop runs over contiguous channels, which compilers
// vectorize on every ISA. Results differ from the reference only by summation order.
#include <string.h>

#include "ck_gemm_f32.h"
#include "ck_internal.h"

size_t ck_deconv2d_f32_packed_size(const ck_conv2d_geometry* g) {
    return ck_gemm_f32_packed_size(g->kernel_h * g->kernel_w * g->out_c, g->in_c);
}

size_t ck_deconv2d_f32_col_size(const ck_conv2d_geometry* g) {
    return g->batch * g->in_h * g->in_w * g->kernel_h * g->kernel_w * g->out_c;
}

void ck_deconv2d_f32_pack(const ck_conv2d_geometry* g, const float* w, float* packed, float* scratch) {
    // w: the reference layout [oc][kh][kw][ic] → scratch [(kh, kw, oc)][ic], then packed with
    // N = taps * out_c columns of depth in_c and no bias (added by the gather).
    const size_t taps = g->kernel_h * g->kernel_w, cout = g->out_c, cin = g->in_c;
    for (size_t oc = 0; oc < cout; oc++)
        for (size_t t = 0; t < taps; t++)
            memcpy(scratch + (t * cout + oc) * cin, w + (oc * taps + t) * cin, cin * sizeof(float));
    ck_gemm_f32_pack(taps * cout, cin, scratch, cin, 0, NULL, packed);
}

void ck_deconv2d_f32_gather(const ck_conv2d_geometry* g, const float* col, const float* bias, ck_clamp_f32 clamp,
                            float* y) {
    const size_t cout = g->out_c, taps = g->kernel_h * g->kernel_w;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++) {
                float* restrict yp = y + ((n * g->out_h + oh) * g->out_w + ow) * cout;
                for (size_t oc = 0; oc < cout; oc++) yp[oc] = bias ? bias[oc] : 0.0f;
                for (size_t kh = 0; kh < g->kernel_h; kh++) {
                    size_t ih;
                    if (!ck_deconv_tap(oh, kh, g->stride_h, g->dilation_h, g->pad_top, g->in_h, &ih)) continue;
                    for (size_t kw = 0; kw < g->kernel_w; kw++) {
                        size_t iw;
                        if (!ck_deconv_tap(ow, kw, g->stride_w, g->dilation_w, g->pad_left, g->in_w, &iw)) continue;
                        const float* restrict cp =
                            col + (((n * g->in_h + ih) * g->in_w + iw) * taps + kh * g->kernel_w + kw) * cout;
                        for (size_t oc = 0; oc < cout; oc++) yp[oc] += cp[oc];
                    }
                }
                for (size_t oc = 0; oc < cout; oc++) yp[oc] = ck_clampf(yp[oc], clamp);
            }
}

void ck_deconv2d_f32_gemm(ck_threadpool* pool, const ck_gemm_f32_config* config, const ck_conv2d_geometry* g,
                          const float* x, const float* packed_w, float* col, const float* bias, ck_clamp_f32 clamp,
                          float* y) {
    const size_t pixels = g->batch * g->in_h * g->in_w, n = g->kernel_h * g->kernel_w * g->out_c;
    const ck_clamp_f32 none = {-__builtin_inff(), __builtin_inff()};
    ck_gemm_f32_parallel(pool, config, pixels, n, g->in_c, x, g->in_c, packed_w, col, n, &none);
    ck_deconv2d_f32_gather(g, col, bias, clamp, y);
}
