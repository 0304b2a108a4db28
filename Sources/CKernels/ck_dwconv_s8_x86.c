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
                } else if (n == 8) {
                    // The common tail (channel counts are usually multiples of 8): one load.
                    xv = _mm_loadl_epi64((const __m128i*)(in[t] + c0));
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
            } else if (n == 8) {
                _mm_storel_epi64((__m128i*)dst, q8);
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

#if defined(__x86_64__)
// AVX-512 (BW) variant: 32 channels (two packed 16-channel blocks) per step in zmm registers,
// the same arithmetic as the AVX2 kernel. Selected for the avx512vnni path (which requires
// AVX-512 BW/VL); vpdpbusd itself has nothing to sum here (one product per tap and channel).
#define CK_TARGET_AVX512 __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl")))

static inline CK_TARGET_AVX512 __m512i ck_dw_load32_w(const int8_t* w0, const int8_t* w1) {
    const __m256i w = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i*)w0)),
                                              _mm_loadu_si128((const __m128i*)w1), 1);
    return _mm512_cvtepi8_epi16(w);
}

static inline CK_TARGET_AVX512 __m512i ck_dw_requant16_avx512(__m512i acc, const float* mul, __m512 lo, __m512 hi,
                                                              __m512i zp) {
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(mul));
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    return _mm512_add_epi32(_mm512_cvtps_epi32(v), zp);
}

static inline CK_TARGET_AVX512 void ck_dwconv_s8_avx512(size_t taps, size_t pixels, size_t channels,
                                                        const int8_t* const* ind, const void* packed_w, int8_t* y,
                                                        size_t y_stride, const ck_qgemm_s8_params* params) {
    const size_t block = ck_dwconv_s8_block_size(taps);
    const size_t full32 = channels / 32 * 32;
    const __m512 lo = _mm512_set1_ps((float)(params->qmin - params->y_zero_point));
    const __m512 hi = _mm512_set1_ps((float)(params->qmax - params->y_zero_point));
    const __m512i zp = _mm512_set1_epi32(params->y_zero_point);
    for (size_t p = 0; p < pixels; p++) {
        const int8_t* const* in = ind + p * taps;
        const uint8_t* base = packed_w;
        size_t c0 = 0;
        for (; c0 < full32; c0 += 32) {
            const uint8_t* base1 = base + block;
            const int8_t* wp0 = (const int8_t*)(base + CK_DWCONV_S8_HEADER_BYTES);
            const int8_t* wp1 = (const int8_t*)(base1 + CK_DWCONV_S8_HEADER_BYTES);
            __m512i acc0 = _mm512_loadu_si512(base);  // channels c0 .. c0+15
            __m512i acc1 = _mm512_loadu_si512(base1); // channels c0+16 .. c0+31
            for (size_t t = 0; t < taps; t++) {
                const __m512i x16 = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i*)(in[t] + c0)));
                const __m512i prod = _mm512_mullo_epi16(
                    x16, ck_dw_load32_w(wp0 + t * CK_DWCONV_S8_CR, wp1 + t * CK_DWCONV_S8_CR));
                acc0 = _mm512_add_epi32(acc0, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(prod)));
                acc1 = _mm512_add_epi32(acc1, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(prod, 1)));
            }
            const __m512i q0 = ck_dw_requant16_avx512(acc0, (const float*)(base + CK_DWCONV_S8_CR * 4), lo, hi, zp);
            const __m512i q1 = ck_dw_requant16_avx512(acc1, (const float*)(base1 + CK_DWCONV_S8_CR * 4), lo, hi, zp);
            // Values are in [qmin, qmax]: truncating narrows (vpmovdb) are exact.
            _mm_storeu_si128((__m128i*)(y + p * y_stride + c0), _mm512_cvtepi32_epi8(q0));
            _mm_storeu_si128((__m128i*)(y + p * y_stride + c0 + 16), _mm512_cvtepi32_epi8(q1));
            base += 2 * block;
        }
        if (c0 < channels) {
            // Remaining 1..31 channels: the same step with masked input loads (masked-off bytes
            // are never read, so no overrun past the row) and masked stores. The packed blocks are
            // zero-padded to 16 channels; a tail of 16 or fewer reads only the first block.
            const size_t n = channels - c0;
            const __mmask32 in_mask = (__mmask32)((n >= 32 ? 0xFFFFFFFFull : ((1ull << n) - 1)));
            const uint8_t* base1 = n > 16 ? base + block : base;
            const int8_t* wp0 = (const int8_t*)(base + CK_DWCONV_S8_HEADER_BYTES);
            const int8_t* wp1 = (const int8_t*)(base1 + CK_DWCONV_S8_HEADER_BYTES);
            __m512i acc0 = _mm512_loadu_si512(base);
            __m512i acc1 = _mm512_loadu_si512(base1);
            for (size_t t = 0; t < taps; t++) {
                const __m512i x16 = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(in_mask, in[t] + c0));
                const __m512i prod = _mm512_mullo_epi16(
                    x16, ck_dw_load32_w(wp0 + t * CK_DWCONV_S8_CR, wp1 + t * CK_DWCONV_S8_CR));
                acc0 = _mm512_add_epi32(acc0, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(prod)));
                acc1 = _mm512_add_epi32(acc1, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(prod, 1)));
            }
            const __m512i q0 = ck_dw_requant16_avx512(acc0, (const float*)(base + CK_DWCONV_S8_CR * 4), lo, hi, zp);
            const __m512i q1 = ck_dw_requant16_avx512(acc1, (const float*)(base1 + CK_DWCONV_S8_CR * 4), lo, hi, zp);
            const __mmask16 m0 = (__mmask16)(n >= 16 ? 0xFFFF : ((1u << n) - 1));
            const __mmask16 m1 = (__mmask16)(n > 16 ? ((1u << (n - 16)) - 1) : 0);
            _mm_mask_storeu_epi8(y + p * y_stride + c0, m0, _mm512_cvtepi32_epi8(q0));
            _mm_mask_storeu_epi8(y + p * y_stride + c0 + 16, m1, _mm512_cvtepi32_epi8(q1));
        }
    }
}

CK_TARGET_AVX512 void ck_dwconv_s8_9p32c__avx512(size_t pixels, size_t channels, const int8_t* const* ind,
                                                 const void* packed_w, int8_t* y, size_t y_stride,
                                                 const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_avx512(9, pixels, channels, ind, packed_w, y, y_stride, params);
}

CK_TARGET_AVX512 void ck_dwconv_s8_25p32c__avx512(size_t pixels, size_t channels, const int8_t* const* ind,
                                                  const void* packed_w, int8_t* y, size_t y_stride,
                                                  const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_avx512(25, pixels, channels, ind, packed_w, y, y_stride, params);
}
#endif
