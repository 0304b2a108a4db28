// AVX-512 VNNI packed int8 GEMM in zmm registers: one 64-byte K block of the packed weights
// (8 channels x 8 k) is exactly one zmm, so each row needs one vpdpbusd per K block (the
// 256-bit kernel needs two). Same packed format, same +128 trick and epilogue as
// ck_qgemm_s8_4x8c8__avx512vnni.
#include "ck_qgemm_s8_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET_AVX512VNNI_ZMM __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bw,avx512vnni")))

static inline CK_TARGET_AVX512VNNI_ZMM void ck_store8_zmm(__m256i acc, const uint8_t* block, int8_t* y, size_t ncols,
                                                          const ck_qgemm_s8_params* params) {
    const __m256 mul = _mm256_loadu_ps((const float*)(block + 2 * CK_QGEMM_S8_NR * 4));
    const __m256 lo = _mm256_set1_ps((float)(params->qmin - params->y_zero_point));
    const __m256 hi = _mm256_set1_ps((float)(params->qmax - params->y_zero_point));
    __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(acc), mul), lo), hi);
    const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(params->y_zero_point));
    const __m128i q8 = _mm256_cvtepi32_epi8(q); // in range: truncating narrow is exact
    if (ncols == 8) {
        _mm_storel_epi64((__m128i*)y, q8);
    } else {
        int8_t tmp[16];
        _mm_storeu_si128((__m128i*)tmp, q8);
        memcpy(y, tmp, ncols);
    }
}

CK_TARGET_AVX512VNNI_ZMM void ck_qgemm_s8_8x8c8__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a,
                                                           size_t a_stride, const void* packed_w, int8_t* y,
                                                           size_t y_stride, const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const size_t kfull = kc / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
    const uint8_t* block = (const uint8_t*)packed_w;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    // Rows past mr alias the last valid row: computed, never stored.
    const int8_t* ar[8];
    ar[0] = a;
    for (size_t r = 1; r < 8; r++) ar[r] = r < mr ? ar[r - 1] + a_stride : ar[r - 1];
    for (size_t j0 = 0; j0 < nc; j0 += CK_QGEMM_S8_NR) {
        const size_t ncols = nc - j0 < CK_QGEMM_S8_NR ? nc - j0 : CK_QGEMM_S8_NR;
        const int8_t* wp = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        // Lane 2c / 2c+1: channel c, k 0-3 / 4-7 of each block.
        __m512i acc[8];
        for (size_t r = 0; r < 8; r++) acc[r] = _mm512_setzero_si512();
        size_t p = 0;
        for (; p < kfull; p += CK_QGEMM_S8_KR) {
            const __m512i w = _mm512_loadu_si512(wp);
            wp += CK_QGEMM_S8_NR * CK_QGEMM_S8_KR;
            for (size_t r = 0; r < 8; r++) {
                int64_t a8;
                memcpy(&a8, ar[r] + p, 8);
                acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_xor_si512(_mm512_set1_epi64(a8), flip), w);
            }
        }
        if (p < kpad) {
            const __m512i w = _mm512_loadu_si512(wp);
            for (size_t r = 0; r < 8; r++) {
                int8_t tail[8];
                int64_t a8;
                ck_qgemm_s8_load_tail(tail, ar[r] + p, kc - p);
                memcpy(&a8, tail, 8);
                acc[r] = _mm512_dpbusd_epi32(acc[r], _mm512_xor_si512(_mm512_set1_epi64(a8), flip), w);
            }
        }
        const __m256i bias = _mm256_loadu_si256((const __m256i*)block);
        const __m256i colsum = _mm256_loadu_si256((const __m256i*)(block + CK_QGEMM_S8_NR * 4));
        const __m256i correction = _mm256_sub_epi32(bias, _mm256_slli_epi32(colsum, 7));
        for (size_t r = 0; r < mr && r < 8; r++) {
            // Sum lane pairs: the low half of each 64-bit lane gets lo + hi, then vpmovqd.
            const __m512i pair = _mm512_add_epi32(acc[r], _mm512_srli_epi64(acc[r], 32));
            const __m256i sums = _mm512_cvtepi64_epi32(pair);
            ck_store8_zmm(_mm256_add_epi32(sums, correction), block, y + r * y_stride + j0, ncols, params);
        }
        block += CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    }
}

// Two packed column blocks (16 channels) per pass: each A broadcast (and its XOR) feeds two
// vpdpbusd, and 16 independent accumulators cover the instruction's latency on both VNNI ports.
// The 8-column kernel above measured 76 GMAC/s on a 784x128x576 GEMM, about a quarter of a
// two-port 2.1 GHz core's peak. An odd last block falls back to it.
CK_TARGET_AVX512VNNI_ZMM void ck_qgemm_s8_8x16c8__avx512vnni(size_t mr, size_t nc, size_t kc, const int8_t* a,
                                                            size_t a_stride, const void* packed_w, int8_t* y,
                                                            size_t y_stride, const ck_qgemm_s8_params* params) {
    const size_t kpad = ck_qgemm_s8_kpad(kc);
    const size_t kfull = kc / CK_QGEMM_S8_KR * CK_QGEMM_S8_KR;
    const size_t block_bytes = CK_QGEMM_S8_HEADER_BYTES + kpad * CK_QGEMM_S8_NR;
    const uint8_t* block = (const uint8_t*)packed_w;
    const __m512i flip = _mm512_set1_epi8((char)0x80);
    const int8_t* ar[8];
    ar[0] = a;
    for (size_t r = 1; r < 8; r++) ar[r] = r < mr ? ar[r - 1] + a_stride : ar[r - 1];
    size_t j0 = 0;
    for (; j0 + CK_QGEMM_S8_NR < nc; j0 += 2 * CK_QGEMM_S8_NR) {
        const uint8_t* block1 = block + block_bytes;
        const int8_t* wp0 = (const int8_t*)(block + CK_QGEMM_S8_HEADER_BYTES);
        const int8_t* wp1 = (const int8_t*)(block1 + CK_QGEMM_S8_HEADER_BYTES);
        __m512i acc0[8], acc1[8];
        for (size_t r = 0; r < 8; r++) acc0[r] = acc1[r] = _mm512_setzero_si512();
        size_t p = 0;
        for (; p < kfull; p += CK_QGEMM_S8_KR) {
            const __m512i w0 = _mm512_loadu_si512(wp0), w1 = _mm512_loadu_si512(wp1);
            wp0 += CK_QGEMM_S8_NR * CK_QGEMM_S8_KR, wp1 += CK_QGEMM_S8_NR * CK_QGEMM_S8_KR;
            for (size_t r = 0; r < 8; r++) {
                int64_t a8;
                memcpy(&a8, ar[r] + p, 8);
                const __m512i av = _mm512_xor_si512(_mm512_set1_epi64(a8), flip);
                acc0[r] = _mm512_dpbusd_epi32(acc0[r], av, w0);
                acc1[r] = _mm512_dpbusd_epi32(acc1[r], av, w1);
            }
        }
        if (p < kpad) {
            const __m512i w0 = _mm512_loadu_si512(wp0), w1 = _mm512_loadu_si512(wp1);
            for (size_t r = 0; r < 8; r++) {
                int8_t tail[8];
                int64_t a8;
                ck_qgemm_s8_load_tail(tail, ar[r] + p, kc - p);
                memcpy(&a8, tail, 8);
                const __m512i av = _mm512_xor_si512(_mm512_set1_epi64(a8), flip);
                acc0[r] = _mm512_dpbusd_epi32(acc0[r], av, w0);
                acc1[r] = _mm512_dpbusd_epi32(acc1[r], av, w1);
            }
        }
        const size_t ncols1 = nc - j0 - CK_QGEMM_S8_NR < CK_QGEMM_S8_NR ? nc - j0 - CK_QGEMM_S8_NR : CK_QGEMM_S8_NR;
        const __m256i corr0 = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i*)block),
                                               _mm256_slli_epi32(_mm256_loadu_si256((const __m256i*)(block + CK_QGEMM_S8_NR * 4)), 7));
        const __m256i corr1 = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i*)block1),
                                               _mm256_slli_epi32(_mm256_loadu_si256((const __m256i*)(block1 + CK_QGEMM_S8_NR * 4)), 7));
        for (size_t r = 0; r < mr && r < 8; r++) {
            const __m256i s0 = _mm512_cvtepi64_epi32(_mm512_add_epi32(acc0[r], _mm512_srli_epi64(acc0[r], 32)));
            const __m256i s1 = _mm512_cvtepi64_epi32(_mm512_add_epi32(acc1[r], _mm512_srli_epi64(acc1[r], 32)));
            ck_store8_zmm(_mm256_add_epi32(s0, corr0), block, y + r * y_stride + j0, CK_QGEMM_S8_NR, params);
            ck_store8_zmm(_mm256_add_epi32(s1, corr1), block1, y + r * y_stride + j0 + CK_QGEMM_S8_NR, ncols1, params);
        }
        block += 2 * block_bytes;
    }
    if (j0 < nc) ck_qgemm_s8_8x8c8__avx512vnni(mr, nc - j0, kc, a, a_stride, block, y + j0, y_stride, params);
}

#endif
