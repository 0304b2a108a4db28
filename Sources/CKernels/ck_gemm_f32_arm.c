// AArch64 float32 microkernels (NEON fma, baseline on AArch64, A72 and A76 alike).
// GEMM 4x16: 16 q-register accumulators, vfmaq_laneq_f32 with 4 k of A per row per load.
#include "ck_gemm_f32.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#include <string.h>

static inline void ck_store_f32x16_neon(float* dst, float32x4_t v[4], size_t ncols, float32x4_t lo, float32x4_t hi) {
    float tmp[16];
    for (int i = 0; i < 4; i++) vst1q_f32(tmp + 4 * i, vminq_f32(vmaxq_f32(v[i], lo), hi));
    memcpy(dst, tmp, ncols * sizeof(float));
}

void ck_gemm_f32_4x16__neon(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                            const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    const float* ar[4];
    ar[0] = a;
    for (int r = 1; r < 4; r++) ar[r] = (size_t)r < mr ? ar[r - 1] + a_stride : ar[r - 1];
    const float32x4_t lo = vdupq_n_f32(clamp->min), hi = vdupq_n_f32(clamp->max);
    for (size_t j0 = 0; j0 < nc; j0 += CK_GEMM_F32_NR) {
        const size_t ncols = nc - j0 < CK_GEMM_F32_NR ? nc - j0 : CK_GEMM_F32_NR;
        float32x4_t c[4][4];
        for (int r = 0; r < 4; r++)
            for (int i = 0; i < 4; i++) c[r][i] = vld1q_f32(packed_w + 4 * i);
        const float* w = packed_w + CK_GEMM_F32_NR;
        size_t p = 0;
        for (; p + 4 <= kc; p += 4) {
            float32x4_t av[4];
            for (int r = 0; r < 4; r++) av[r] = vld1q_f32(ar[r] + p);
#define CK_F32_STEP(L)                                                                                                 \
    do {                                                                                                               \
        const float32x4_t b0 = vld1q_f32(w), b1 = vld1q_f32(w + 4), b2 = vld1q_f32(w + 8), b3 = vld1q_f32(w + 12);     \
        w += CK_GEMM_F32_NR;                                                                                           \
        for (int r = 0; r < 4; r++) {                                                                                  \
            c[r][0] = vfmaq_laneq_f32(c[r][0], b0, av[r], L);                                                          \
            c[r][1] = vfmaq_laneq_f32(c[r][1], b1, av[r], L);                                                          \
            c[r][2] = vfmaq_laneq_f32(c[r][2], b2, av[r], L);                                                          \
            c[r][3] = vfmaq_laneq_f32(c[r][3], b3, av[r], L);                                                          \
        }                                                                                                              \
    } while (0)
            CK_F32_STEP(0);
            CK_F32_STEP(1);
            CK_F32_STEP(2);
            CK_F32_STEP(3);
#undef CK_F32_STEP
        }
        for (; p < kc; p++) {
            const float32x4_t b0 = vld1q_f32(w), b1 = vld1q_f32(w + 4), b2 = vld1q_f32(w + 8), b3 = vld1q_f32(w + 12);
            w += CK_GEMM_F32_NR;
            for (int r = 0; r < 4; r++) {
                const float32x4_t v = vdupq_n_f32(ar[r][p]);
                c[r][0] = vfmaq_f32(c[r][0], b0, v);
                c[r][1] = vfmaq_f32(c[r][1], b1, v);
                c[r][2] = vfmaq_f32(c[r][2], b2, v);
                c[r][3] = vfmaq_f32(c[r][3], b3, v);
            }
        }
        for (size_t r = 0; r < mr && r < 4; r++) ck_store_f32x16_neon(y + r * y_stride + j0, c[r], ncols, lo, hi);
        packed_w += CK_GEMM_F32_NR + kc * CK_GEMM_F32_NR;
    }
}

static inline float32x4_t ck_load_f32x4(const float* p, size_t n) {
    if (n >= 4) return vld1q_f32(p);
    float tail[4] = {0};
    memcpy(tail, p, n * sizeof(float));
    return vld1q_f32(tail);
}

static inline void ck_dwconv_f32_neon(size_t taps, size_t pixels, size_t channels, const float* const* ind,
                                      const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    const float32x4_t lo = vdupq_n_f32(clamp->min), hi = vdupq_n_f32(clamp->max);
    for (size_t p = 0; p < pixels; p++) {
        const float* const* in = ind + p * taps;
        const float* base = packed_w;
        for (size_t c0 = 0; c0 < channels; c0 += CK_DWCONV_F32_CR) {
            const size_t n = channels - c0 < CK_DWCONV_F32_CR ? channels - c0 : CK_DWCONV_F32_CR;
            const size_t n1 = n > 4 ? n - 4 : 0;
            float32x4_t acc0 = vld1q_f32(base), acc1 = vld1q_f32(base + 4);
            for (size_t t = 0; t < taps; t++) {
                const float* wt = base + CK_DWCONV_F32_CR * (1 + t);
                acc0 = vfmaq_f32(acc0, ck_load_f32x4(in[t] + c0, n), vld1q_f32(wt));
                if (n1) acc1 = vfmaq_f32(acc1, ck_load_f32x4(in[t] + c0 + 4, n1), vld1q_f32(wt + 4));
            }
            float tmp[CK_DWCONV_F32_CR];
            vst1q_f32(tmp, vminq_f32(vmaxq_f32(acc0, lo), hi));
            vst1q_f32(tmp + 4, vminq_f32(vmaxq_f32(acc1, lo), hi));
            memcpy(y + p * y_stride + c0, tmp, n * sizeof(float));
            base += CK_DWCONV_F32_CR * (1 + taps);
        }
    }
}

void ck_dwconv_f32_9p8c__neon(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                              float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    ck_dwconv_f32_neon(9, pixels, channels, ind, packed_w, y, y_stride, clamp);
}

void ck_dwconv_f32_25p8c__neon(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                               float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    ck_dwconv_f32_neon(25, pixels, channels, ind, packed_w, y, y_stride, clamp);
}

#endif
