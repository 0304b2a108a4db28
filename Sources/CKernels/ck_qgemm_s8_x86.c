// x86-64 microkernels for the packed int8 GEMM. Each function carries its own target
// attribute (SwiftPM has no per-file flags); the dispatcher only calls them after cpuid said yes.
#include "ck_qgemm_s8_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define CK_TARGET_AVX512VNNI __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bw,avx512vnni")))

// Shared epilogue: int32 sums of 8 channels -> requantized int8, as ck_requant does it:
// float multiply, clamp in float to [qmin - zp, qmax - zp], round half to even (the default
// MXCSR mode of cvtps2dq), add the zero point, narrow (values are already in range).
static inline CK_TARGET_AVX2 void ck_store8_avx2(__m256i acc, const uint8_t* block, int8_t* y, size_t ncols,
                                                 const ck_qgemm_s8_params* params) {
    const __m256 mul = _mm256_loadu_ps((const float*)(block + 2 * CK_QGEMM_S8_NR * 4));
    const __m256 lo = _mm256_set1_ps((float)(params->qmin - params->y_zero_point));
    const __m256 hi = _mm256_set1_ps((float)(params->qmax - params->y_zero_point));
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), mul);
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(params->y_zero_point));
    __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    __m128i q8 = _mm_packs_epi16(q16, q16);
    if (ncols == 8) {
        _mm_storel_epi64((__m128i*)y, q8);
    } else {
        int8_t tmp[16];
        _mm_storeu_si128((__m128i*)tmp, q8);
        memcpy(y, tmp, ncols);
    }
}

// Four row-pair accumulators per row: acc[c] holds, per 128-bit half, the 4 partial sums of
// channel 2c (low half) and 2c+1 (high half). Reduced to 8 channel sums in channel order.
static inline CK_TARGET_AVX2 __m256i ck_reduce4_avx2(__m256i a01, __m256i a23, __m256i a45, __m256i a67) {
    const __m256i s0123 = _mm256_hadd_epi32(a01, a23); // [c0 c0 c2 c2 | c1 c1 c3 c3]
    const __m256i s4567 = _mm256_hadd_epi32(a45, a67); // [c4 c4 c6 c6 | c5 c5 c7 c7]
    const __m256i s = _mm256_hadd_epi32(s0123, s4567); // [c0 c2 c4 c6 | c1 c3 c5 c7]
    return _mm256_permutevar8x32_epi32(s, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

CK_TARGET_AVX2 void ck_qgemm_s8_4x8c8__avx2(size_t mr, size_t nc, size_t kc, const int8_t* a, size_t a_stride,
                                           const void* packed_w, int8_t* y, size_t y_stride,
                                           const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const size_t kfull = kc / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
    const uint8_t* block = (const uint8_t*)packed_w;
    for (size_t j0 = 0; j0 < nc; j0 += CK_QGEMM_S8_NR) {
        const size_t ncols = nc - j0 < CK_QGEMM_S8_NR ? nc - j0 : CK_QGEMM_S8_NR;
        const int8_t* w0 = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        for (size_t r0 = 0; r0 < mr; r0 += 4) {
            const size_t rows = mr - r0 < 4 ? mr - r0 : 4;
            __m256i acc[4][4];
            for (size_t r = 0; r < 4; r++)
                for (size_t c = 0; c < 4; c++) acc[r][c] = _mm256_setzero_si256();
            const int8_t* wp = w0;
            for (size_t p = 0; p < kpad; p += CK_QGEMM_S8_KR) {
                // Sign-extend weights to int16: 2 channels x 8 k per register, no saturation
                // (vpmaddwd of int16 pairs cannot overflow for int8 inputs).
                const __m256i w01 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(wp + 0)));
                const __m256i w23 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(wp + 16)));
                const __m256i w45 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(wp + 32)));
                const __m256i w67 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(wp + 48)));
                wp += CK_QGEMM_S8_NR * CK_QGEMM_S8_KR;
                for (size_t r = 0; r < rows; r++) {
                    const int8_t* ap = a + (r0 + r) * a_stride + p;
                    int64_t a8;
                    if (p < kfull) {
                        memcpy(&a8, ap, 8);
                    } else {
                        int8_t tail[8];
                        ck_qgemm_s8_load_tail(tail, ap, kc - p);
                        memcpy(&a8, tail, 8);
                    }
                    const __m128i a16 = _mm_cvtepi8_epi16(_mm_cvtsi64_si128(a8));
                    const __m256i av = _mm256_broadcastsi128_si256(a16);
                    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(av, w01));
                    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(av, w23));
                    acc[r][2] = _mm256_add_epi32(acc[r][2], _mm256_madd_epi16(av, w45));
                    acc[r][3] = _mm256_add_epi32(acc[r][3], _mm256_madd_epi16(av, w67));
                }
            }
            const __m256i bias = _mm256_loadu_si256((const __m256i*)block);
            for (size_t r = 0; r < rows; r++) {
                __m256i sums = _mm256_add_epi32(ck_reduce4_avx2(acc[r][0], acc[r][1], acc[r][2], acc[r][3]), bias);
                ck_store8_avx2(sums, block, y + (r0 + r) * y_stride + j0, ncols, params);
            }
        }
        block += CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    }
}

// VNNI: vpdpbusd multiplies unsigned by signed bytes, so A is offset by +128 (XOR 0x80) and
// 128 * colsum is subtracted in the epilogue: sum (a + 128) w = sum a w + 128 sum w.
CK_TARGET_AVX512VNNI void ck_qgemm_s8_4x8c8__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a,
                                                       size_t a_stride, const void* packed_w, int8_t* y,
                                                       size_t y_stride, const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const size_t kfull = kc / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
    const uint8_t* block = (const uint8_t*)packed_w;
    const __m256i flip = _mm256_set1_epi8((char)0x80);
    for (size_t j0 = 0; j0 < nc; j0 += CK_QGEMM_S8_NR) {
        const size_t ncols = nc - j0 < CK_QGEMM_S8_NR ? nc - j0 : CK_QGEMM_S8_NR;
        const int8_t* w0 = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        for (size_t r0 = 0; r0 < mr; r0 += 4) {
            const size_t rows = mr - r0 < 4 ? mr - r0 : 4;
            // acc[r][0]: [c0 lo, c0 hi, c1 lo, c1 hi | c2 .., c3 ..]; acc[r][1] the same for c4..c7.
            __m256i acc[4][2];
            for (size_t r = 0; r < 4; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
            const int8_t* wp = w0;
            for (size_t p = 0; p < kpad; p += CK_QGEMM_S8_KR) {
                const __m256i w0123 = _mm256_loadu_si256((const __m256i*)(wp + 0));
                const __m256i w4567 = _mm256_loadu_si256((const __m256i*)(wp + 32));
                wp += CK_QGEMM_S8_NR * CK_QGEMM_S8_KR;
                for (size_t r = 0; r < rows; r++) {
                    const int8_t* ap = a + (r0 + r) * a_stride + p;
                    int64_t a8;
                    if (p < kfull) {
                        memcpy(&a8, ap, 8);
                    } else {
                        int8_t tail[8];
                        ck_qgemm_s8_load_tail(tail, ap, kc - p);
                        memcpy(&a8, tail, 8);
                    }
                    const __m256i au = _mm256_xor_si256(_mm256_set1_epi64x(a8), flip);
                    acc[r][0] = _mm256_dpbusd_epi32(acc[r][0], au, w0123);
                    acc[r][1] = _mm256_dpbusd_epi32(acc[r][1], au, w4567);
                }
            }
            const __m256i bias = _mm256_loadu_si256((const __m256i*)block);
            const __m256i colsum = _mm256_loadu_si256((const __m256i*)(block + CK_QGEMM_S8_NR * 4));
            const __m256i correction = _mm256_sub_epi32(bias, _mm256_slli_epi32(colsum, 7));
            for (size_t r = 0; r < rows; r++) {
                // hadd: [c0 c1 c4 c5 | c2 c3 c6 c7] -> channel order.
                __m256i s = _mm256_hadd_epi32(acc[r][0], acc[r][1]);
                s = _mm256_permutevar8x32_epi32(s, _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7));
                ck_store8_avx2(_mm256_add_epi32(s, correction), block, y + (r0 + r) * y_stride + j0, ncols, params);
            }
        }
        block += CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    }
}

#endif
