// x86-64 float32 microkernels (AVX2 + FMA), per-function target attributes.
// GEMM 4x16: 8 ymm accumulators, one broadcast of A per row and k, two weight loads per k.
#include "ck_gemm_f32.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))

static inline CK_TARGET_AVX2 void ck_store_f32_avx2(float* dst, __m256 v0, __m256 v1, size_t ncols, __m256 lo,
                                                    __m256 hi) {
    v0 = _mm256_min_ps(_mm256_max_ps(v0, lo), hi);
    v1 = _mm256_min_ps(_mm256_max_ps(v1, lo), hi);
    if (ncols == 16) {
        _mm256_storeu_ps(dst, v0);
        _mm256_storeu_ps(dst + 8, v1);
    } else {
        float tmp[16];
        _mm256_storeu_ps(tmp, v0);
        _mm256_storeu_ps(tmp + 8, v1);
        memcpy(dst, tmp, ncols * sizeof(float));
    }
}

CK_TARGET_AVX2 void ck_gemm_f32_4x16__avx2(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                           const float* packed_w, float* y, size_t y_stride,
                                           const ck_clamp_f32* clamp) {
    // Rows past mr alias the previous row: computed, never stored, so the loop has no branches.
    const float* a0 = a;
    const float* a1 = mr > 1 ? a0 + a_stride : a0;
    const float* a2 = mr > 2 ? a1 + a_stride : a1;
    const float* a3 = mr > 3 ? a2 + a_stride : a2;
    const __m256 lo = _mm256_set1_ps(clamp->min), hi = _mm256_set1_ps(clamp->max);
    for (size_t j0 = 0; j0 < nc; j0 += CK_GEMM_F32_NR) {
        const size_t ncols = nc - j0 < CK_GEMM_F32_NR ? nc - j0 : CK_GEMM_F32_NR;
        __m256 c00 = _mm256_loadu_ps(packed_w), c01 = _mm256_loadu_ps(packed_w + 8);
        __m256 c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
        const float* w = packed_w + CK_GEMM_F32_NR;
        for (size_t p = 0; p < kc; p++) {
            const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);
            w += CK_GEMM_F32_NR;
            __m256 v = _mm256_broadcast_ss(a0 + p);
            c00 = _mm256_fmadd_ps(v, b0, c00);
            c01 = _mm256_fmadd_ps(v, b1, c01);
            v = _mm256_broadcast_ss(a1 + p);
            c10 = _mm256_fmadd_ps(v, b0, c10);
            c11 = _mm256_fmadd_ps(v, b1, c11);
            v = _mm256_broadcast_ss(a2 + p);
            c20 = _mm256_fmadd_ps(v, b0, c20);
            c21 = _mm256_fmadd_ps(v, b1, c21);
            v = _mm256_broadcast_ss(a3 + p);
            c30 = _mm256_fmadd_ps(v, b0, c30);
            c31 = _mm256_fmadd_ps(v, b1, c31);
        }
        ck_store_f32_avx2(y + j0, c00, c01, ncols, lo, hi);
        if (mr > 1) ck_store_f32_avx2(y + y_stride + j0, c10, c11, ncols, lo, hi);
        if (mr > 2) ck_store_f32_avx2(y + 2 * y_stride + j0, c20, c21, ncols, lo, hi);
        if (mr > 3) ck_store_f32_avx2(y + 3 * y_stride + j0, c30, c31, ncols, lo, hi);
        packed_w += CK_GEMM_F32_NR + kc * CK_GEMM_F32_NR;
    }
}

static inline CK_TARGET_AVX2 void ck_dwconv_f32_avx2(size_t taps, size_t pixels, size_t channels,
                                                     const float* const* ind, const float* packed_w, float* y,
                                                     size_t y_stride, const ck_clamp_f32* clamp) {
    const __m256 lo = _mm256_set1_ps(clamp->min), hi = _mm256_set1_ps(clamp->max);
    for (size_t p = 0; p < pixels; p++) {
        const float* const* in = ind + p * taps;
        const float* base = packed_w;
        for (size_t c0 = 0; c0 < channels; c0 += CK_DWCONV_F32_CR) {
            const size_t n = channels - c0 < CK_DWCONV_F32_CR ? channels - c0 : CK_DWCONV_F32_CR;
            __m256 acc = _mm256_loadu_ps(base);
            for (size_t t = 0; t < taps; t++) {
                __m256 xv;
                if (n == CK_DWCONV_F32_CR) {
                    xv = _mm256_loadu_ps(in[t] + c0);
                } else {
                    float tail[CK_DWCONV_F32_CR] = {0};
                    memcpy(tail, in[t] + c0, n * sizeof(float));
                    xv = _mm256_loadu_ps(tail);
                }
                acc = _mm256_fmadd_ps(xv, _mm256_loadu_ps(base + CK_DWCONV_F32_CR * (1 + t)), acc);
            }
            acc = _mm256_min_ps(_mm256_max_ps(acc, lo), hi);
            if (n == CK_DWCONV_F32_CR) {
                _mm256_storeu_ps(y + p * y_stride + c0, acc);
            } else {
                float tmp[CK_DWCONV_F32_CR];
                _mm256_storeu_ps(tmp, acc);
                memcpy(y + p * y_stride + c0, tmp, n * sizeof(float));
            }
            base += CK_DWCONV_F32_CR * (1 + taps);
        }
    }
}

CK_TARGET_AVX2 void ck_dwconv_f32_9p8c__avx2(size_t pixels, size_t channels, const float* const* ind,
                                             const float* packed_w, float* y, size_t y_stride,
                                             const ck_clamp_f32* clamp) {
    ck_dwconv_f32_avx2(9, pixels, channels, ind, packed_w, y, y_stride, clamp);
}

CK_TARGET_AVX2 void ck_dwconv_f32_25p8c__avx2(size_t pixels, size_t channels, const float* const* ind,
                                              const float* packed_w, float* y, size_t y_stride,
                                              const ck_clamp_f32* clamp) {
    ck_dwconv_f32_avx2(25, pixels, channels, ind, packed_w, y, y_stride, clamp);
}

#endif
