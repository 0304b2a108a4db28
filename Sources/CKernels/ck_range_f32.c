// The range of a float tensor widened to include 0, for DynamicQuantizeLinear: the same
// result as the scalar rule `if (x < min) min = x; if (x > max) max = x;` starting from 0,
// NaN skipped. That loop does not vectorize (a branch per element) and was half of a
// dynamic int8 model's time; the SIMD versions keep its NaN behaviour: SSE minps/maxps return
// the second operand (the running value) when the element is NaN, NEON vminnm/vmaxnm return
// the number.
#include "ck_quantize.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

void ck_range_f32__scalar(size_t count, const float* x, float* min_out, float* max_out) {
    float min = 0.0f, max = 0.0f;
    for (size_t i = 0; i < count; i++) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
    }
    *min_out = min;
    *max_out = max;
}

void ck_range_f32(size_t count, const float* x, float* min_out, float* max_out) {
    size_t i = 0;
    float min = 0.0f, max = 0.0f;
#if defined(__x86_64__)
    // SSE is the x86-64 baseline: no dispatch needed.
    __m128 lo0 = _mm_setzero_ps(), hi0 = _mm_setzero_ps(), lo1 = lo0, hi1 = hi0;
    for (; i + 8 <= count; i += 8) {
        const __m128 a = _mm_loadu_ps(x + i), b = _mm_loadu_ps(x + i + 4);
        lo0 = _mm_min_ps(a, lo0);
        hi0 = _mm_max_ps(a, hi0);
        lo1 = _mm_min_ps(b, lo1);
        hi1 = _mm_max_ps(b, hi1);
    }
    float lo[4], hi[4];
    _mm_storeu_ps(lo, _mm_min_ps(lo0, lo1));
    _mm_storeu_ps(hi, _mm_max_ps(hi0, hi1));
    for (int k = 0; k < 4; k++) {
        if (lo[k] < min) min = lo[k];
        if (hi[k] > max) max = hi[k];
    }
#elif defined(__aarch64__)
    float32x4_t lo0 = vdupq_n_f32(0.0f), hi0 = lo0, lo1 = lo0, hi1 = lo0;
    for (; i + 8 <= count; i += 8) {
        const float32x4_t a = vld1q_f32(x + i), b = vld1q_f32(x + i + 4);
        lo0 = vminnmq_f32(lo0, a);
        hi0 = vmaxnmq_f32(hi0, a);
        lo1 = vminnmq_f32(lo1, b);
        hi1 = vmaxnmq_f32(hi1, b);
    }
    min = vminnmvq_f32(vminnmq_f32(lo0, lo1));
    max = vmaxnmvq_f32(vmaxnmq_f32(hi0, hi1));
    // minNum orders -0 below +0; the scalar rule never replaces its +0 start by -0.
    if (min == 0.0f) min = 0.0f;
    if (max == 0.0f) max = 0.0f;
#endif
    for (; i < count; i++) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
    }
    *min_out = min;
    *max_out = max;
}
