// AVX2 pooling and QLinearAdd / QLinearMul, bit-exact with the scalar references.
#include "ck_simd_ops_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define CK_MAX_WINDOW 256

// ck_requant on 8 lanes: float multiply, clamp to [qmin - zp, qmax - zp] in float, round
// half to even (cvtps2dq in the default rounding mode), add zp.
static inline CK_TARGET_AVX2 __m256i ck_requant8(__m256i acc, __m256 mul, __m256 lo, __m256 hi, __m256i zp) {
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), mul);
    v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
    return _mm256_add_epi32(_mm256_cvtps_epi32(v), zp);
}

// 8 int32 lanes already in range -> 8 bytes.
static inline CK_TARGET_AVX2 void ck_store8_s8(int8_t* y, __m256i q) {
    const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    _mm_storel_epi64((__m128i*)y, _mm_packs_epi16(q16, q16));
}

static inline CK_TARGET_AVX2 void ck_store8_u8(uint8_t* y, __m256i q) {
    const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    _mm_storel_epi64((__m128i*)y, _mm_packus_epi16(q16, q16));
}

static inline CK_TARGET_AVX2 __m256i ck_load8_s8(const int8_t* p) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)p));
}

static inline CK_TARGET_AVX2 __m256i ck_load8_u8(const uint8_t* p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)p));
}

CK_TARGET_AVX2 void ck_maxpool2d_s8__avx2(const ck_pool2d_geometry* g, const int8_t* x, int8_t* y) {
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
                for (; c + 32 <= channels; c += 32) {
                    __m256i best = _mm256_set1_epi8(INT8_MIN);
                    for (size_t t = 0; t < count; t++)
                        best = _mm256_max_epi8(best, _mm256_loadu_si256((const __m256i*)(taps[t] + c)));
                    _mm256_storeu_si256((__m256i*)(out + c), best);
                }
                for (; c < channels; c++) {
                    int8_t best = INT8_MIN;
                    for (size_t t = 0; t < count; t++) best = taps[t][c] > best ? taps[t][c] : best;
                    out[c] = best;
                }
            }
}

CK_TARGET_AVX2 void ck_avgpool2d_qs8__avx2(const ck_pool2d_geometry* g, int count_include_pad, float x_scale,
                                           int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                           const int8_t* x, int8_t* y) {
    if (g->kernel_h * g->kernel_w > CK_MAX_WINDOW) {
        ck_avgpool2d_qs8__scalar(g, count_include_pad, x_scale, x_zero_point, y_scale, y_zero_point, x, y);
        return;
    }
    size_t offsets[CK_MAX_WINDOW];
    const int8_t* taps[CK_MAX_WINDOW];
    const size_t channels = g->channels;
    const __m256 lo = _mm256_set1_ps((float)(-128 - y_zero_point)), hi = _mm256_set1_ps((float)(127 - y_zero_point));
    const __m256i zp = _mm256_set1_epi32(y_zero_point);
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
                    __m256i acc = _mm256_set1_epi32(offset);
                    for (size_t t = 0; t < count; t++) acc = _mm256_add_epi32(acc, ck_load8_s8(taps[t] + c));
                    ck_store8_s8(out + c, ck_requant8(acc, _mm256_set1_ps(m), lo, hi, zp));
                }
                for (; c < channels; c++) {
                    int32_t acc = offset;
                    for (size_t t = 0; t < count; t++) acc += taps[t][c];
                    out[c] = (int8_t)ck_requant(acc, m, y_zero_point, -128, 127);
                }
            }
}

CK_TARGET_AVX2 void ck_global_avgpool_qs8__avx2(size_t batch, size_t pixels, size_t channels, float x_scale,
                                                int32_t x_zero_point, float y_scale, int32_t y_zero_point,
                                                const int8_t* x, int8_t* y) {
    const float m = x_scale / (y_scale * (float)pixels);
    const int32_t offset = -x_zero_point * (int32_t)pixels;
    const __m256 lo = _mm256_set1_ps((float)(-128 - y_zero_point)), hi = _mm256_set1_ps((float)(127 - y_zero_point));
    const __m256i zp = _mm256_set1_epi32(y_zero_point);
    for (size_t n = 0; n < batch; n++) {
        const int8_t* xb = x + n * pixels * channels;
        size_t c = 0;
        for (; c + 8 <= channels; c += 8) {
            __m256i acc = _mm256_set1_epi32(offset);
            for (size_t p = 0; p < pixels; p++) acc = _mm256_add_epi32(acc, ck_load8_s8(xb + p * channels + c));
            ck_store8_s8(y + n * channels + c, ck_requant8(acc, _mm256_set1_ps(m), lo, hi, zp));
        }
        for (; c < channels; c++) {
            int32_t acc = offset;
            for (size_t p = 0; p < pixels; p++) acc += xb[p * channels + c];
            y[n * channels + c] = (int8_t)ck_requant(acc, m, y_zero_point, -128, 127);
        }
    }
}

// Float max pooling: max_ps(v, best) is `v > best ? v : best`, the reference's comparison
// (NaN inputs never win, equal values keep the earlier one), so results are identical.
CK_TARGET_AVX2 void ck_maxpool2d_f32__avx2(const ck_pool2d_geometry* g, const float* x, float* y) {
    if (g->kernel_h * g->kernel_w > CK_MAX_WINDOW) {
        ck_maxpool2d_f32__scalar(g, x, y);
        return;
    }
    size_t offsets[CK_MAX_WINDOW];
    const float* taps[CK_MAX_WINDOW];
    const size_t channels = g->channels;
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++) {
                const size_t count = ck_window_offsets(g, n, oh, ow, offsets);
                for (size_t t = 0; t < count; t++) taps[t] = x + offsets[t];
                float* out = y + ((n * g->out_h + oh) * g->out_w + ow) * channels;
                size_t c = 0;
                for (; c + 8 <= channels; c += 8) {
                    __m256 best = _mm256_set1_ps(-INFINITY);
                    for (size_t t = 0; t < count; t++) best = _mm256_max_ps(_mm256_loadu_ps(taps[t] + c), best);
                    _mm256_storeu_ps(out + c, best);
                }
                for (; c < channels; c++) {
                    float best = -INFINITY;
                    for (size_t t = 0; t < count; t++)
                        if (taps[t][c] > best) best = taps[t][c];
                    out[c] = best;
                }
            }
}

// Per-channel sums in pixel order (lanes are channels), then one division: the reference's
// operations exactly.
CK_TARGET_AVX2 void ck_global_avgpool_f32__avx2(size_t batch, size_t pixels, size_t channels, const float* x,
                                                float* y) {
    const __m256 count = _mm256_set1_ps((float)pixels);
    for (size_t n = 0; n < batch; n++) {
        const float* xb = x + n * pixels * channels;
        size_t c = 0;
        for (; c + 8 <= channels; c += 8) {
            __m256 acc = _mm256_setzero_ps();
            for (size_t p = 0; p < pixels; p++) acc = _mm256_add_ps(acc, _mm256_loadu_ps(xb + p * channels + c));
            _mm256_storeu_ps(y + n * channels + c, _mm256_div_ps(acc, count));
        }
        for (; c < channels; c++) {
            float acc = 0.0f;
            for (size_t p = 0; p < pixels; p++) acc += xb[p * channels + c];
            y[n * channels + c] = acc / (float)pixels;
        }
    }
}

// QLinearAdd rows: v = fma(first, r1, fma(second, r2, fixed)), clamp, round, store. A
// broadcast operand (stride 0) is one splatted value.
#define CK_QADD_ROW_AVX2(T, LOAD8, STORE8, QMIN, QMAX)                                                                 \
    do {                                                                                                               \
        const __m256 r1 = _mm256_set1_ps(r.r_first), r2 = _mm256_set1_ps(r.r_second);                                 \
        const __m256 fixed = _mm256_set1_ps(r.fixed);                                                                  \
        const __m256 lo = _mm256_set1_ps((float)(QMIN)), hi = _mm256_set1_ps((float)(QMAX));                          \
        const T* first = r.swapped ? b : a;                                                                            \
        const T* second = r.swapped ? a : b;                                                                           \
        const size_t sf = r.swapped ? sb : sa, ss = r.swapped ? sa : sb;                                               \
        const size_t fi = r.swapped ? bi : ai, si = r.swapped ? ai : bi;                                               \
        size_t i = 0;                                                                                                  \
        for (; i + 8 <= n; i += 8) {                                                                                   \
            const __m256 f = _mm256_cvtepi32_ps(sf ? LOAD8(first + fi + i) : _mm256_set1_epi32(first[fi]));           \
            const __m256 s = _mm256_cvtepi32_ps(ss ? LOAD8(second + si + i) : _mm256_set1_epi32(second[si]));          \
            __m256 v = _mm256_fmadd_ps(f, r1, _mm256_fmadd_ps(s, r2, fixed));                                          \
            v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);                                                               \
            STORE8(y + yi + i, _mm256_cvtps_epi32(v));                                                                 \
        }                                                                                                              \
        for (; i < n; i++) y[yi + i] = (T)ck_qadd_elem(&r, a[ai + i * sa], b[bi + i * sb], QMIN, QMAX);                \
    } while (0)

#define CK_QMUL_ROW_AVX2(T, LOAD8, STORE8, QMIN, QMAX)                                                                 \
    do {                                                                                                               \
        const __m256 mul = _mm256_set1_ps(m);                                                                          \
        const __m256 lo = _mm256_set1_ps((float)((QMIN) - q->y_zero_point));                                          \
        const __m256 hi = _mm256_set1_ps((float)((QMAX) - q->y_zero_point));                                          \
        const __m256i za = _mm256_set1_epi32(q->a_zero_point), zb = _mm256_set1_epi32(q->b_zero_point);               \
        const __m256i zy = _mm256_set1_epi32(q->y_zero_point);                                                         \
        size_t i = 0;                                                                                                  \
        for (; i + 8 <= n; i += 8) {                                                                                   \
            const __m256i va = _mm256_sub_epi32(sa ? LOAD8(a + ai + i) : _mm256_set1_epi32(a[ai]), za);                \
            const __m256i vb = _mm256_sub_epi32(sb ? LOAD8(b + bi + i) : _mm256_set1_epi32(b[bi]), zb);                \
            STORE8(y + yi + i, ck_requant8(_mm256_mullo_epi32(va, vb), mul, lo, hi, zy));                              \
        }                                                                                                              \
        for (; i < n; i++)                                                                                             \
            y[yi + i] = (T)ck_requant((a[ai + i * sa] - q->a_zero_point) * (b[bi + i * sb] - q->b_zero_point), m,      \
                                      q->y_zero_point, QMIN, QMAX);                                                    \
    } while (0)

#define CK_ROW_QADD_S8 CK_QADD_ROW_AVX2(int8_t, ck_load8_s8, ck_store8_s8, -128, 127)
#define CK_ROW_QADD_U8 CK_QADD_ROW_AVX2(uint8_t, ck_load8_u8, ck_store8_u8, 0, 255)
#define CK_ROW_QMUL_S8 CK_QMUL_ROW_AVX2(int8_t, ck_load8_s8, ck_store8_s8, -128, 127)
#define CK_ROW_QMUL_U8 CK_QMUL_ROW_AVX2(uint8_t, ck_load8_u8, ck_store8_u8, 0, 255)

CK_TARGET_AVX2 void ck_qadd_s8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                                     const int8_t* b, int8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qadd_s8__scalar(bc, q, a, b, y);
        return;
    }
    const ck_qadd_rule r = ck_qadd_rule_of(bc, q);
    CK_BROADCAST_ROWS(bc, CK_ROW_QADD_S8);
}

CK_TARGET_AVX2 void ck_qadd_u8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                                     const uint8_t* b, uint8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qadd_u8__scalar(bc, q, a, b, y);
        return;
    }
    const ck_qadd_rule r = ck_qadd_rule_of(bc, q);
    CK_BROADCAST_ROWS(bc, CK_ROW_QADD_U8);
}

CK_TARGET_AVX2 void ck_qmul_s8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const int8_t* a,
                                     const int8_t* b, int8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qmul_s8__scalar(bc, q, a, b, y);
        return;
    }
    const float m = (q->a_scale * q->b_scale) / q->y_scale;
    CK_BROADCAST_ROWS(bc, CK_ROW_QMUL_S8);
}

CK_TARGET_AVX2 void ck_qmul_u8__avx2(const ck_broadcast* bc, const ck_qbinary_params* q, const uint8_t* a,
                                     const uint8_t* b, uint8_t* y) {
    if (!ck_rows_vectorizable(bc)) {
        ck_qmul_u8__scalar(bc, q, a, b, y);
        return;
    }
    const float m = (q->a_scale * q->b_scale) / q->y_scale;
    CK_BROADCAST_ROWS(bc, CK_ROW_QMUL_U8);
}

#endif
