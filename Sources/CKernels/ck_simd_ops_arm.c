// NEON pooling and QLinearAdd / QLinearMul (Cortex-A72 and A76 alike), bit-exact with the
// scalar references: vfmaq_f32 is the fused multiply-add fmaf computes, vcvtnq_s32_f32
// rounds half to even.
#include "ck_simd_ops_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define CK_MAX_WINDOW 256

// ck_requant on 8 lanes (two int32x4), result narrowed to int16 (values already in range).
static inline int16x8_t ck_requant8_neon(int32x4_t a0, int32x4_t a1, float32x4_t mul, float32x4_t lo, float32x4_t hi,
                                         int32x4_t zp) {
    const float32x4_t v0 = vminq_f32(vmaxq_f32(vmulq_f32(vcvtq_f32_s32(a0), mul), lo), hi);
    const float32x4_t v1 = vminq_f32(vmaxq_f32(vmulq_f32(vcvtq_f32_s32(a1), mul), lo), hi);
    return vcombine_s16(vqmovn_s32(vaddq_s32(vcvtnq_s32_f32(v0), zp)), vqmovn_s32(vaddq_s32(vcvtnq_s32_f32(v1), zp)));
}

void ck_maxpool2d_s8__neon(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y) {
    if (g->kernel_h * g->kernel_w > CK_MAX_WINDOW) {
        ck_maxpool2d_s8__scalar(g, x, y);
        return;
    }
    size_t offsets[CK_MAX_WINDOW];
    const int8_t* taps[CK_MAX_WINDOW];
    const size_t channels = g->channels;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++) {
                const size_t count = ck_window_offsets(g, n, oh, ow, offsets);
                for (size_t t = 0; t < count; t++) taps[t] = x + offsets[t];
                int8_t* out = y + ((n * g->out_h + oh) * g->out_w + ow) * channels;
                size_t c = 0;
                for (; c + 16 <= channels; c += 16) {
                    int8x16_t best = vdupq_n_s8(INT8_MIN);
                    for (size_t t = 0; t < count; t++) best = vmaxq_s8(best, vld1q_s8(taps[t] + c));
                    vst1q_s8(out + c, best);
                }
                for (; c < channels; c++) {
                    int8_t best = INT8_MIN;
                    for (size_t t = 0; t < count; t++) best = taps[t][c] > best ? taps[t][c] : best;
                    out[c] = best;
                }
            }
}

void ck_avgpool2d_qs8__neon(const ck_pool2d_geometry* g, int count_include_pad, float x_scale, int32_t x_zero_point,
                            float y_scale, int32_t y_zero_point, const int8_t* x, int8_t* y) {
    if (g->kernel_h * g->kernel_w > CK_MAX_WINDOW) {
        ck_avgpool2d_qs8__scalar(g, count_include_pad, x_scale, x_zero_point, y_scale, y_zero_point, x, y);
        return;
    }
    size_t offsets[CK_MAX_WINDOW];
    const int8_t* taps[CK_MAX_WINDOW];
    const size_t channels = g->channels;
    const float32x4_t lo = vdupq_n_f32((float)(-128 - y_zero_point)), hi = vdupq_n_f32((float)(127 - y_zero_point));
    const int32x4_t zp = vdupq_n_s32(y_zero_point);
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++) {
                const ck_window_count wc = ck_pool_window(g, oh, ow);
                const size_t divisor = count_include_pad ? wc.padded : wc.valid;
                const float m = divisor ? x_scale / (y_scale * (float)divisor) : 0.0f;
                const size_t count = ck_window_offsets(g, n, oh, ow, offsets);
                for (size_t t = 0; t < count; t++) taps[t] = x + offsets[t];
                const int32_t offset = -x_zero_point * (int32_t)count;
                int8_t* out = y + ((n * g->out_h + oh) * g->out_w + ow) * channels;
                size_t c = 0;
                for (; c + 8 <= channels; c += 8) {
                    int32x4_t a0 = vdupq_n_s32(offset), a1 = a0;
                    for (size_t t = 0; t < count; t++) {
                        const int16x8_t v = vmovl_s8(vld1_s8(taps[t] + c));
                        a0 = vaddw_s16(a0, vget_low_s16(v));
                        a1 = vaddw_high_s16(a1, v);
                    }
                    vst1_s8(out + c, vqmovn_s16(ck_requant8_neon(a0, a1, vdupq_n_f32(m), lo, hi, zp)));
                }
                for (; c < channels; c++) {
                    int32_t acc = offset;
                    for (size_t t = 0; t < count; t++) acc += taps[t][c];
                    out[c] = (int8_t)ck_requant(acc, m, y_zero_point, -128, 127);
                }
            }
}

void ck_global_avgpool_qs8__neon(size_t batch, size_t pixels, size_t channels, float x_scale, int32_t x_zero_point,
                                 float y_scale, int32_t y_zero_point, const int8_t* x, int8_t* y) {
    const float m = x_scale / (y_scale * (float)pixels);
    const int32_t offset = -x_zero_point * (int32_t)pixels;
    const float32x4_t lo = vdupq_n_f32((float)(-128 - y_zero_point)), hi = vdupq_n_f32((float)(127 - y_zero_point));
    const int32x4_t zp = vdupq_n_s32(y_zero_point);
    for (size_t n = 0; n < batch; n++) {
        const int8_t* xb = x + n * pixels * channels;
        size_t c = 0;
        for (; c + 8 <= channels; c += 8) {
            int32x4_t a0 = vdupq_n_s32(offset), a1 = a0;
            for (size_t p = 0; p < pixels; p++) {
                const int16x8_t v = vmovl_s8(vld1_s8(xb + p * channels + c));
                a0 = vaddw_s16(a0, vget_low_s16(v));
                a1 = vaddw_high_s16(a1, v);
            }
            vst1_s8(y + n * channels + c, vqmovn_s16(ck_requant8_neon(a0, a1, vdupq_n_f32(m), lo, hi, zp)));
        }
        for (; c < channels; c++) {
            int32_t acc = offset;
            for (size_t p = 0; p < pixels; p++) acc += xb[p * channels + c];
            y[n * channels + c] = (int8_t)ck_requant(acc, m, y_zero_point, -128, 127);
        }
    }
}

// Float max pooling: compare-and-select, `v > best ? v : best` as in the reference (fmax
// would differ on NaN and signed zeros).
void ck_maxpool2d_f32__neon(const ck_pool2d_geometry* g, const float* x, float* y) {
    if (g->kernel_h * g->kernel_w > CK_MAX_WINDOW) {
        ck_maxpool2d_f32__scalar(g, x, y);
        return;
    }
    size_t offsets[CK_MAX_WINDOW];
    const size_t channels = g->channels;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++) {
                const size_t count = ck_window_offsets(g, n, oh, ow, offsets);
                float* out = y + ((n * g->out_h + oh) * g->out_w + ow) * channels;
                size_t c = 0;
                for (; c + 4 <= channels; c += 4) {
                    float32x4_t best = vdupq_n_f32(-INFINITY);
                    for (size_t t = 0; t < count; t++) {
                        const float32x4_t v = vld1q_f32(x + offsets[t] + c);
                        best = vbslq_f32(vcgtq_f32(v, best), v, best);
                    }
                    vst1q_f32(out + c, best);
                }
                for (; c < channels; c++) {
                    float best = -INFINITY;
                    for (size_t t = 0; t < count; t++)
                        if (x[offsets[t] + c] > best) best = x[offsets[t] + c];
                    out[c] = best;
                }
            }
}

// Per-channel sums in pixel order, then one division, as the reference.
void ck_global_avgpool_f32__neon(size_t batch, size_t pixels, size_t channels, const float* x, float* y) {
    const float32x4_t count = vdupq_n_f32((float)pixels);
    for (size_t n = 0; n < batch; n++) {
        const float* xb = x + n * pixels * channels;
        size_t c = 0;
        for (; c + 4 <= channels; c += 4) {
            float32x4_t acc = vdupq_n_f32(0.0f);
            for (size_t p = 0; p < pixels; p++) acc = vaddq_f32(acc, vld1q_f32(xb + p * channels + c));
            vst1q_f32(y + n * channels + c, vdivq_f32(acc, count));
        }
        for (; c < channels; c++) {
            float acc = 0.0f;
            for (size_t p = 0; p < pixels; p++) acc += xb[p * channels + c];
            y[n * channels + c] = acc / (float)pixels;
        }
    }
}

// 8 elements widened to two int32x4 (or a splat for a broadcast operand).
static inline void ck_load8_s8_neon(const int8_t* p, size_t stride, int32x4_t* lo, int32x4_t* hi) {
    if (!stride) {
        *lo = *hi = vdupq_n_s32(*p);
        return;
    }
    const int16x8_t v = vmovl_s8(vld1_s8(p));
    *lo = vmovl_s16(vget_low_s16(v));
    *hi = vmovl_high_s16(v);
}

static inline void ck_load8_u8_neon(const uint8_t* p, size_t stride, int32x4_t* lo, int32x4_t* hi) {
    if (!stride) {
        *lo = *hi = vdupq_n_s32(*p);
        return;
    }
    const int16x8_t v = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(p)));
    *lo = vmovl_s16(vget_low_s16(v));
    *hi = vmovl_high_s16(v);
}

static inline void ck_store8_s8_neon(int8_t* y, int16x8_t q) { vst1_s8(y, vqmovn_s16(q)); }
static inline void ck_store8_u8_neon(uint8_t* y, int16x8_t q) { vst1_u8(y, vqmovun_s16(q)); }

#define CK_QADD_ROW_NEON(T, LOAD8, STORE8, QMIN, QMAX)                                                                 \
    do {                                                                                                               \
        const float32x4_t r1 = vdupq_n_f32(r.r_first), r2 = vdupq_n_f32(r.r_second), fixed = vdupq_n_f32(r.fixed);     \
        const float32x4_t lo = vdupq_n_f32((float)(QMIN)), hi = vdupq_n_f32((float)(QMAX));                            \
        const T* first = r.swapped ? b : a;                                                                            \
        const T* second = r.swapped ? a : b;                                                                           \
        const size_t sf = r.swapped ? sb : sa, ss = r.swapped ? sa : sb;                                               \
        const size_t fi = r.swapped ? bi : ai, si = r.swapped ? ai : bi;                                               \
        size_t i = 0;                                                                                                  \
        for (; i + 8 <= n; i += 8) {                                                                                   \
            int32x4_t f0, f1, s0, s1;                                                                                  \
            LOAD8(first + fi + i * sf, sf, &f0, &f1);                                                                  \
            LOAD8(second + si + i * ss, ss, &s0, &s1);                                                                 \
            float32x4_t v0 = vfmaq_f32(vfmaq_f32(fixed, vcvtq_f32_s32(s0), r2), vcvtq_f32_s32(f0), r1);                \
            float32x4_t v1 = vfmaq_f32(vfmaq_f32(fixed, vcvtq_f32_s32(s1), r2), vcvtq_f32_s32(f1), r1);                \
            v0 = vminq_f32(vmaxq_f32(v0, lo), hi);                                                                     \
            v1 = vminq_f32(vmaxq_f32(v1, lo), hi);                                                                     \
            STORE8(y + yi + i, vcombine_s16(vqmovn_s32(vcvtnq_s32_f32(v0)), vqmovn_s32(vcvtnq_s32_f32(v1))));          \
        }                                                                                                              \
        for (; i < n; i++) y[yi + i] = (T)ck_qadd_elem(&r, a[ai + i * sa], b[bi + i * sb], QMIN, QMAX);                \
    } while (0)

#define CK_QMUL_ROW_NEON(T, LOAD8, STORE8, QMIN, QMAX)                                                                 \
    do {                                                                                                               \
        const float32x4_t mul = vdupq_n_f32(m);                                                                        \
        const float32x4_t lo = vdupq_n_f32((float)((QMIN) - q->y_zero_point));                                        \
        const float32x4_t hi = vdupq_n_f32((float)((QMAX) - q->y_zero_point));                                        \
        const int32x4_t za = vdupq_n_s32(q->a_zero_point), zb = vdupq_n_s32(q->b_zero_point);                          \
        const int32x4_t zy = vdupq_n_s32(q->y_zero_point);                                                             \
        size_t i = 0;                                                                                                  \
        for (; i + 8 <= n; i += 8) {                                                                                   \
            int32x4_t a0, a1, b0, b1;                                                                                  \
            LOAD8(a + ai + i * sa, sa, &a0, &a1);                                                                      \
            LOAD8(b + bi + i * sb, sb, &b0, &b1);                                                                      \
            const int32x4_t p0 = vmulq_s32(vsubq_s32(a0, za), vsubq_s32(b0, zb));                                      \
            const int32x4_t p1 = vmulq_s32(vsubq_s32(a1, za), vsubq_s32(b1, zb));                                      \
            STORE8(y + yi + i, ck_requant8_neon(p0, p1, mul, lo, hi, zy));                                             \
        }                                                                                                              \
        for (; i < n; i++)                                                                                             \
            y[yi + i] = (T)ck_requant((a[ai + i * sa] - q->a_zero_point) * (b[bi + i * sb] - q->b_zero_point), m,      \
                                      q->y_zero_point, QMIN, QMAX);                                                    \
    } while (0)

#define CK_ROW_QADD_S8 CK_QADD_ROW_NEON(int8_t, ck_load8_s8_neon, ck_store8_s8_neon, -128, 127)
#define CK_ROW_QADD_U8 CK_QADD_ROW_NEON(uint8_t, ck_load8_u8_neon, ck_store8_u8_neon, 0, 255)
#define CK_ROW_QMUL_S8 CK_QMUL_ROW_NEON(int8_t, ck_load8_s8_neon, ck_store8_s8_neon, -128, 127)
#define CK_ROW_QMUL_U8 CK_QMUL_ROW_NEON(uint8_t, ck_load8_u8_neon, ck_store8_u8_neon, 0, 255)

void ck_qadd_s8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a, const int8_t* b, int8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qadd_s8__scalar(bc, q, a, b, y);
        return;
    }
    const ck_qadd_rule r = ck_qadd_rule_of(bc, q);
    CK_BROADCAST_ROWS(bc, CK_ROW_QADD_S8);
}

void ck_qadd_u8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a, const uint8_t* b,
                      uint8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qadd_u8__scalar(bc, q, a, b, y);
        return;
    }
    const ck_qadd_rule r = ck_qadd_rule_of(bc, q);
    CK_BROADCAST_ROWS(bc, CK_ROW_QADD_U8);
}

void ck_qmul_s8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a, const int8_t* b, int8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qmul_s8__scalar(bc, q, a, b, y);
        return;
    }
    const float m = (q->a_scale * q->b_scale) / q->y_scale;
    CK_BROADCAST_ROWS(bc, CK_ROW_QMUL_S8);
}

void ck_qmul_u8__neon(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a, const uint8_t* b,
                      uint8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qmul_u8__scalar(bc, q, a, b, y);
        return;
    }
    const float m = (q->a_scale * q->b_scale) / q->y_scale;
    CK_BROADCAST_ROWS(bc, CK_ROW_QMUL_U8);
}

#endif
