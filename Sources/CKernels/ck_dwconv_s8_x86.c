// x86-64 depthwise int8 microkernels, 16 channels per step: each tap's 16 inputs and
// weights are sign-extended to int16 and multiplied (int8 x int8 always fits int16), the
// products widened into two int32x8 accumulators. Per-function target attributes.
#include "ck_dwconv_s8_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))

// 8 channels of int32 -> requantized int32 (ck_requant: float multiply, clamp in float,
// round half to even, add the zero point).
static inline CK_TARGET_AVX2 __m256i ck_dw_requant8_avx2(__m256i acc, const float* mul, __m256 lo, __m256 hi,
                                                         __m256i zp) {
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(mul));
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    return _mm256_add_epi32(_mm256_cvtps_epi32(v), zp);
}

static inline CK_TARGET_AVX2 void ck_dwconv_s8_avx2(size_t taps, size_t pixels, size_t channels,
                                                    const int8_t* const* ind, const void* packed_w, int8_t* y,
                                                    size_t y_stride, const ck_qgemm_s8_params* params) {
    const size_t block = ck_dwconv_s8_block_size(taps);
    const __m256 lo = _mm256_set1_ps((float)(params->qmin - params->y_zero_point));
    const __m256 hi = _mm256_set1_ps((float)(params->qmax - params->y_zero_point));
    const __m256i zp = _mm256_set1_epi32(params->y_zero_point);
    for (size_t p = 0; p < pixels; p++) {
        const int8_t* const* in = ind + p * taps;
        const uint8_t* base = packed_w;
        for (size_t c0 = 0; c0 < channels; c0 += CK_DWCONV_S8_CR) {
            const size_t n = channels - c0 < CK_DWCONV_S8_CR ? channels - c0 : CK_DWCONV_S8_CR;
            const int8_t* wp = (const int8_t*)(base + CK_DWCONV_S8_HEADER_BYTES);
            __m256i acc0 = _mm256_loadu_si256((const __m256i*)base);
            __m256i acc1 = _mm256_loadu_si256((const __m256i*)base + 1);
            for (size_t t = 0; t < taps; t++) {
                __m128i xv;
                if (n == CK_DWCONV_S8_CR) {
                    xv = _mm_loadu_si128((const __m128i*)(in[t] + c0));
                } else {
                    int8_t tail[CK_DWCONV_S8_CR] = {0};
                    memcpy(tail, in[t] + c0, n);
                    xv = _mm_loadu_si128((const __m128i*)tail);
                }
                const __m256i x16 = _mm256_cvtepi8_epi16(xv);
                const __m256i w16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(wp + t * CK_DWCONV_S8_CR)));
                const __m256i prod = _mm256_mullo_epi16(x16, w16);
                acc0 = _mm256_add_epi32(acc0, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(prod)));
                acc1 = _mm256_add_epi32(acc1, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(prod, 1)));
            }
            const float* mul = (const float*)(base + CK_DWCONV_S8_CR * 4);
            const __m256i q0 = ck_dw_requant8_avx2(acc0, mul, lo, hi, zp);
            const __m256i q1 = ck_dw_requant8_avx2(acc1, mul + 8, lo, hi, zp);
            // packs works within 128-bit lanes: [q0lo q1lo | q0hi q1hi] -> fix the order.
            __m256i q16 = _mm256_permute4x64_epi64(_mm256_packs_epi32(q0, q1), 0xD8);
            const __m128i q8 = _mm_packs_epi16(_mm256_castsi256_si128(q16), _mm256_extracti128_si256(q16, 1));
            int8_t* dst = y + p * y_stride + c0;
            if (n == CK_DWCONV_S8_CR) {
                _mm_storeu_si128((__m128i*)dst, q8);
            } else {
                int8_t tmp[CK_DWCONV_S8_CR];
                _mm_storeu_si128((__m128i*)tmp, q8);
                memcpy(dst, tmp, n);
            }
            base += block;
        }
    }
}

CK_TARGET_AVX2 void ck_dwconv_s8_9p16c__avx2(size_t pixels, size_t channels, const int8_t* const* ind,
                                             const void* packed_w, int8_t* y, size_t y_stride,
                                             const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_avx2(9, pixels, channels, ind, packed_w, y, y_stride, params);
}

CK_TARGET_AVX2 void ck_dwconv_s8_25p16c__avx2(size_t pixels, size_t channels, const int8_t* const* ind,
                                              const void* packed_w, int8_t* y, size_t y_stride,
                                              const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_avx2(25, pixels, channels, ind, packed_w, y, y_stride, params);
}

#endif
