// AVX-512 float32 GEMM: one packed 16-column block row is one zmm, so an 8x16 tile needs one
// weight load and eight broadcast-FMAs per k (the AVX2 4x16 tile: two loads, eight FMAs on
// half-width registers). Selected for the avx512vnni path, which guarantees AVX-512 F.
#include "ck_gemm_f32.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define CK_TARGET_AVX512F __attribute__((target("avx2,fma,avx512f")))

CK_TARGET_AVX512F void ck_gemm_f32_8x16__avx512(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                                                const float* packed_w, float* y, size_t y_stride,
                                                const ck_clamp_f32* clamp) {
    // Rows past mr alias the last valid row: computed, never stored.
    const float* ar[8];
    ar[0] = a;
    for (size_t r = 1; r < 8; r++) ar[r] = r < mr ? ar[r - 1] + a_stride : ar[r - 1];
    const __m512 lo = _mm512_set1_ps(clamp->min), hi = _mm512_set1_ps(clamp->max);
    for (size_t j0 = 0; j0 < nc; j0 += CK_GEMM_F32_NR) {
        const size_t ncols = nc - j0 < CK_GEMM_F32_NR ? nc - j0 : CK_GEMM_F32_NR;
        const __m512 bias = _mm512_loadu_ps(packed_w);
        __m512 c0 = bias, c1 = bias, c2 = bias, c3 = bias, c4 = bias, c5 = bias, c6 = bias, c7 = bias;
        const float* w = packed_w + CK_GEMM_F32_NR;
        for (size_t p = 0; p < kc; p++) {
            const __m512 b = _mm512_loadu_ps(w);
            w += CK_GEMM_F32_NR;
            c0 = _mm512_fmadd_ps(_mm512_set1_ps(ar[0][p]), b, c0);
            c1 = _mm512_fmadd_ps(_mm512_set1_ps(ar[1][p]), b, c1);
            c2 = _mm512_fmadd_ps(_mm512_set1_ps(ar[2][p]), b, c2);
            c3 = _mm512_fmadd_ps(_mm512_set1_ps(ar[3][p]), b, c3);
            c4 = _mm512_fmadd_ps(_mm512_set1_ps(ar[4][p]), b, c4);
            c5 = _mm512_fmadd_ps(_mm512_set1_ps(ar[5][p]), b, c5);
            c6 = _mm512_fmadd_ps(_mm512_set1_ps(ar[6][p]), b, c6);
            c7 = _mm512_fmadd_ps(_mm512_set1_ps(ar[7][p]), b, c7);
        }
        const __m512 out[8] = {c0, c1, c2, c3, c4, c5, c6, c7};
        const __mmask16 mask = (__mmask16)((1u << ncols) - 1u);
        for (size_t r = 0; r < mr && r < 8; r++)
            _mm512_mask_storeu_ps(y + r * y_stride + j0, mask, _mm512_min_ps(_mm512_max_ps(out[r], lo), hi));
        packed_w += CK_GEMM_F32_NR + kc * CK_GEMM_F32_NR;
    }
}

#endif
