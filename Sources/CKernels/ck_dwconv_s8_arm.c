// AArch64 depthwise int8 microkernels (Cortex-A72 and A76 alike), 16 channels per step:
// two taps are multiplied into one int16 lane (vmull_s8 + vmlal_s8, safe because packed
// weights avoid -128) and widened into four int32x4 accumulators with vaddw.
#include "ck_dwconv_s8_internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

static inline int8x16_t ck_dw_load16(const int8_t* p, size_t n) {
    if (n == CK_DWCONV_S8_CR) return vld1q_s8(p);
    // Channel counts are usually multiples of 8 (24, 40, 48, 120...): an 8-channel tail is one
    // load, not a byte copy per tap (the copy cost more than the arithmetic on such layers).
    if (n == 8) return vcombine_s8(vld1_s8(p), vdup_n_s8(0));
    int8_t tail[CK_DWCONV_S8_CR] = {0};
    memcpy(tail, p, n);
    return vld1q_s8(tail);
}

static inline int16x8_t ck_dw_requant4x2(int32x4_t a, int32x4_t b, const float* mul, float32x4_t lo,
                                         float32x4_t hi, int32x4_t zp) {
    float32x4_t va = vminq_f32(vmaxq_f32(vmulq_f32(vcvtq_f32_s32(a), vld1q_f32(mul)), lo), hi);
    float32x4_t vb = vminq_f32(vmaxq_f32(vmulq_f32(vcvtq_f32_s32(b), vld1q_f32(mul + 4)), lo), hi);
    return vcombine_s16(vqmovn_s32(vaddq_s32(vcvtnq_s32_f32(va), zp)), vqmovn_s32(vaddq_s32(vcvtnq_s32_f32(vb), zp)));
}

static inline void ck_dwconv_s8_neon(size_t taps, size_t pixels, size_t channels, const int8_t* const* ind,
                                     const void* packed_w, int8_t* y, size_t y_stride,
                                     const ck_qgemm_s8_params* params) {
    const size_t block = ck_dwconv_s8_block_size(taps);
    const float32x4_t lo = vdupq_n_f32((float)(params->qmin - params->y_zero_point));
    const float32x4_t hi = vdupq_n_f32((float)(params->qmax - params->y_zero_point));
    const int32x4_t zp = vdupq_n_s32(params->y_zero_point);
    for (size_t p = 0; p < pixels; p++) {
        const int8_t* const* in = ind + p * taps;
        const uint8_t* base = packed_w;
        for (size_t c0 = 0; c0 < channels; c0 += CK_DWCONV_S8_CR) {
            const size_t n = channels - c0 < CK_DWCONV_S8_CR ? channels - c0 : CK_DWCONV_S8_CR;
            const int8_t* wp = (const int8_t*)(base + CK_DWCONV_S8_HEADER_BYTES);
            const int32_t* bias = (const int32_t*)base;
            int32x4_t acc0 = vld1q_s32(bias), acc1 = vld1q_s32(bias + 4);
            int32x4_t acc2 = vld1q_s32(bias + 8), acc3 = vld1q_s32(bias + 12);
            size_t t = 0;
            for (; t + 2 <= taps; t += 2) {
                const int8x16_t x0 = ck_dw_load16(in[t] + c0, n), x1 = ck_dw_load16(in[t + 1] + c0, n);
                const int8x16_t w0 = vld1q_s8(wp + t * CK_DWCONV_S8_CR);
                const int8x16_t w1 = vld1q_s8(wp + (t + 1) * CK_DWCONV_S8_CR);
                int16x8_t plo = vmull_s8(vget_low_s8(x0), vget_low_s8(w0));
                int16x8_t phi = vmull_high_s8(x0, w0);
                plo = vmlal_s8(plo, vget_low_s8(x1), vget_low_s8(w1));
                phi = vmlal_high_s8(phi, x1, w1);
                acc0 = vaddw_s16(acc0, vget_low_s16(plo));
                acc1 = vaddw_high_s16(acc1, plo);
                acc2 = vaddw_s16(acc2, vget_low_s16(phi));
                acc3 = vaddw_high_s16(acc3, phi);
            }
            if (t < taps) {
                const int8x16_t x0 = ck_dw_load16(in[t] + c0, n);
                const int8x16_t w0 = vld1q_s8(wp + t * CK_DWCONV_S8_CR);
                const int16x8_t plo = vmull_s8(vget_low_s8(x0), vget_low_s8(w0));
                const int16x8_t phi = vmull_high_s8(x0, w0);
                acc0 = vaddw_s16(acc0, vget_low_s16(plo));
                acc1 = vaddw_high_s16(acc1, plo);
                acc2 = vaddw_s16(acc2, vget_low_s16(phi));
                acc3 = vaddw_high_s16(acc3, phi);
            }
            const float* mul = (const float*)(base + CK_DWCONV_S8_CR * 4);
            const int8x16_t q = vcombine_s8(vqmovn_s16(ck_dw_requant4x2(acc0, acc1, mul, lo, hi, zp)),
                                            vqmovn_s16(ck_dw_requant4x2(acc2, acc3, mul + 8, lo, hi, zp)));
            int8_t* dst = y + p * y_stride + c0;
            if (n == CK_DWCONV_S8_CR) {
                vst1q_s8(dst, q);
            } else if (n == 8) {
                vst1_s8(dst, vget_low_s8(q));
            } else {
                int8_t tmp[CK_DWCONV_S8_CR];
                vst1q_s8(tmp, q);
                memcpy(dst, tmp, n);
            }
            base += block;
        }
    }
}

void ck_dwconv_s8_9p16c__neon_mlal(size_t pixels, size_t channels, const int8_t* const* ind,
                                   const void* packed_w, int8_t* y, size_t y_stride,
                                   const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_neon(9, pixels, channels, ind, packed_w, y, y_stride, params);
}

void ck_dwconv_s8_25p16c__neon_mlal(size_t pixels, size_t channels, const int8_t* const* ind,
                                    const void* packed_w, int8_t* y, size_t y_stride,
                                    const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_neon(25, pixels, channels, ind, packed_w, y, y_stride, params);
}

#endif
