// Float32 packing, scalar microkernels, dispatch and drivers (see ck_gemm_f32.h).
#include "ck_gemm_f32.h"

#include <string.h>

static inline float ck_clamp1(float v, const ck_clamp_f32* c) {
    v = v < c->min ? c->min : v;
    return v > c->max ? c->max : v;
}

size_t ck_gemm_f32_packed_size(size_t n, size_t k) {
    return (n + CK_GEMM_F32_NR - 1) / CK_GEMM_F32_NR * (CK_GEMM_F32_NR + k * CK_GEMM_F32_NR);
}

void ck_gemm_f32_pack(size_t n, size_t k, const float* w, size_t w_stride, int w_kn, const float* bias,
                      float* packed) {
    memset(packed, 0, ck_gemm_f32_packed_size(n, k) * sizeof(float));
    const size_t block = CK_GEMM_F32_NR + k * CK_GEMM_F32_NR;
    for (size_t j = 0; j < n; j++) {
        float* base = packed + j / CK_GEMM_F32_NR * block;
        const size_t lane = j % CK_GEMM_F32_NR;
        base[lane] = bias ? bias[j] : 0.0f;
        for (size_t p = 0; p < k; p++)
            base[CK_GEMM_F32_NR + p * CK_GEMM_F32_NR + lane] = w_kn ? w[p * w_stride + j] : w[j * w_stride + p];
    }
}

void ck_gemm_f32_4x16__scalar(size_t mr, size_t nc, size_t kc, const float* a, size_t a_stride,
                              const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    for (size_t j0 = 0; j0 < nc; j0 += CK_GEMM_F32_NR) {
        const size_t ncols = nc - j0 < CK_GEMM_F32_NR ? nc - j0 : CK_GEMM_F32_NR;
        for (size_t r = 0; r < mr; r++)
            for (size_t lane = 0; lane < ncols; lane++) {
                float acc = packed_w[lane];
                for (size_t p = 0; p < kc; p++)
                    acc += a[r * a_stride + p] * packed_w[CK_GEMM_F32_NR + p * CK_GEMM_F32_NR + lane];
                y[r * y_stride + j0 + lane] = ck_clamp1(acc, clamp);
            }
        packed_w += CK_GEMM_F32_NR + kc * CK_GEMM_F32_NR;
    }
}

static const ck_gemm_f32_config ck_gemm_f32_table[CK_ISA_COUNT] = {
    [CK_ISA_SCALAR] = {"ck_gemm_f32_4x16__scalar", CK_ISA_SCALAR, 4, 16, ck_gemm_f32_4x16__scalar},
#if defined(__aarch64__)
    [CK_ISA_NEON] = {"ck_gemm_f32_4x16__neon", CK_ISA_NEON, 4, 16, ck_gemm_f32_4x16__neon},
    [CK_ISA_NEONDOT] = {"ck_gemm_f32_4x16__neon", CK_ISA_NEONDOT, 4, 16, ck_gemm_f32_4x16__neon},
#endif
#if defined(__x86_64__)
    [CK_ISA_AVX2] = {"ck_gemm_f32_4x16__avx2", CK_ISA_AVX2, 4, 16, ck_gemm_f32_4x16__avx2},
    [CK_ISA_AVX512VNNI] = {"ck_gemm_f32_8x16__avx512", CK_ISA_AVX512VNNI, 8, 16, ck_gemm_f32_8x16__avx512},
#endif
};

const ck_gemm_f32_config* ck_gemm_f32_config_for(ck_isa isa) {
    if ((unsigned)isa >= CK_ISA_COUNT || !ck_isa_available(isa) || !ck_gemm_f32_table[isa].ukernel) return NULL;
    return &ck_gemm_f32_table[isa];
}

static size_t ck_f32_tile(size_t range, size_t unit, size_t threads) {
    size_t per = (range + unit - 1) / unit / (threads * 4);
    return (per ? per : 1) * unit;
}

typedef struct ck_gemm_f32_job {
    const ck_gemm_f32_config* config;
    size_t n, k;
    const float* a;
    size_t a_stride;
    const float* packed_w;
    float* y;
    size_t y_stride;
    const ck_clamp_f32* clamp;
} ck_gemm_f32_job;

static void ck_gemm_f32_task(void* context, size_t thread_index, size_t start, size_t count) {
    const ck_gemm_f32_job* job = context;
    (void)thread_index;
    for (size_t i = start; i < start + count; i += job->config->mr) {
        const size_t rows = start + count - i < job->config->mr ? start + count - i : job->config->mr;
        job->config->ukernel(rows, job->n, job->k, job->a + i * job->a_stride, job->a_stride, job->packed_w,
                             job->y + i * job->y_stride, job->y_stride, job->clamp);
    }
}

void ck_gemm_f32_parallel(ck_threadpool* pool, const ck_gemm_f32_config* config, size_t m, size_t n, size_t k,
                          const float* a, size_t a_stride, const float* packed_w, float* y, size_t y_stride,
                          const ck_clamp_f32* clamp) {
    ck_gemm_f32_job job = {config, n, k, a, a_stride, packed_w, y, y_stride, clamp};
    ck_threadpool_parallel_for(pool, m, ck_f32_tile(m, config->mr, ck_threadpool_threads(pool)), ck_gemm_f32_task,
                               &job);
}

void ck_indirection_f32_init(const ck_conv2d_geometry* g, const float* x, const float* zero, const float** ind) {
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t kh = 0; kh < g->kernel_h; kh++) {
                    size_t ih = oh * g->stride_h + kh * g->dilation_h;
                    const int row_ok = ih >= g->pad_top && ih - g->pad_top < g->in_h;
                    ih -= g->pad_top;
                    for (size_t kw = 0; kw < g->kernel_w; kw++) {
                        size_t iw = ow * g->stride_w + kw * g->dilation_w;
                        const int ok = row_ok && iw >= g->pad_left && iw - g->pad_left < g->in_w;
                        iw -= g->pad_left;
                        *ind++ = ok ? x + ((n * g->in_h + ih) * g->in_w + iw) * g->in_c : zero;
                    }
                }
}

size_t ck_conv_f32_igemm_scratch_size(const ck_gemm_f32_config* config, size_t taps, size_t in_c) {
    return config->mr * taps * in_c;
}

void ck_conv_f32_igemm(const ck_gemm_f32_config* config, size_t taps, size_t in_c, size_t out_c,
                       const float* const* ind, size_t pixel_start, size_t pixel_count, const float* packed_w,
                       float* y, size_t y_stride, float* scratch, const ck_clamp_f32* clamp) {
    const size_t k = taps * in_c;
    const size_t end = pixel_start + pixel_count;
    for (size_t p = pixel_start; p < end; p += config->mr) {
        const size_t rows = end - p < config->mr ? end - p : config->mr;
        for (size_t r = 0; r < rows; r++)
            for (size_t t = 0; t < taps; t++)
                memcpy(scratch + r * k + t * in_c, ind[(p + r) * taps + t], in_c * sizeof(float));
        config->ukernel(rows, out_c, k, scratch, k, packed_w, y + p * y_stride, y_stride, clamp);
    }
}

typedef struct ck_conv_f32_job {
    const ck_gemm_f32_config* config;
    size_t taps, in_c, out_c;
    const float* const* ind;
    const float* packed_w;
    float* y;
    size_t y_stride;
    float* scratch;
    size_t scratch_size;
    const ck_clamp_f32* clamp;
} ck_conv_f32_job;

static void ck_conv_f32_task(void* context, size_t thread_index, size_t start, size_t count) {
    const ck_conv_f32_job* job = context;
    ck_conv_f32_igemm(job->config, job->taps, job->in_c, job->out_c, job->ind, start, count, job->packed_w, job->y,
                      job->y_stride, job->scratch + thread_index * job->scratch_size, job->clamp);
}

void ck_conv_f32_igemm_parallel(ck_threadpool* pool, const ck_gemm_f32_config* config, size_t taps, size_t in_c,
                                size_t out_c, const float* const* ind, size_t pixels, const float* packed_w,
                                float* y, size_t y_stride, float* scratch, const ck_clamp_f32* clamp) {
    ck_conv_f32_job job = {.config = config,
                           .taps = taps,
                           .in_c = in_c,
                           .out_c = out_c,
                           .ind = ind,
                           .packed_w = packed_w,
                           .y = y,
                           .y_stride = y_stride,
                           .scratch = scratch,
                           .scratch_size = ck_conv_f32_igemm_scratch_size(config, taps, in_c),
                           .clamp = clamp};
    ck_threadpool_parallel_for(pool, pixels, ck_f32_tile(pixels, config->mr, ck_threadpool_threads(pool)),
                               ck_conv_f32_task, &job);
}

// MARK: depthwise

size_t ck_dwconv_f32_packed_size(size_t channels, size_t taps) {
    return (channels + CK_DWCONV_F32_CR - 1) / CK_DWCONV_F32_CR * (CK_DWCONV_F32_CR * (1 + taps));
}

void ck_dwconv_f32_pack(size_t channels, size_t taps, const float* w, const float* bias, float* packed) {
    memset(packed, 0, ck_dwconv_f32_packed_size(channels, taps) * sizeof(float));
    for (size_t c = 0; c < channels; c++) {
        float* base = packed + c / CK_DWCONV_F32_CR * (CK_DWCONV_F32_CR * (1 + taps));
        const size_t lane = c % CK_DWCONV_F32_CR;
        base[lane] = bias ? bias[c] : 0.0f;
        for (size_t t = 0; t < taps; t++) base[CK_DWCONV_F32_CR * (1 + t) + lane] = w[t * channels + c];
    }
}

static inline void ck_dwconv_f32_scalar(size_t taps, size_t pixels, size_t channels, const float* const* ind,
                                        const float* packed_w, float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    for (size_t p = 0; p < pixels; p++) {
        const float* const* in = ind + p * taps;
        const float* base = packed_w;
        for (size_t c0 = 0; c0 < channels; c0 += CK_DWCONV_F32_CR) {
            const size_t n = channels - c0 < CK_DWCONV_F32_CR ? channels - c0 : CK_DWCONV_F32_CR;
            for (size_t lane = 0; lane < n; lane++) {
                float acc = base[lane];
                for (size_t t = 0; t < taps; t++) acc += in[t][c0 + lane] * base[CK_DWCONV_F32_CR * (1 + t) + lane];
                y[p * y_stride + c0 + lane] = ck_clamp1(acc, clamp);
            }
            base += CK_DWCONV_F32_CR * (1 + taps);
        }
    }
}

void ck_dwconv_f32_9p8c__scalar(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                                float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    ck_dwconv_f32_scalar(9, pixels, channels, ind, packed_w, y, y_stride, clamp);
}

void ck_dwconv_f32_25p8c__scalar(size_t pixels, size_t channels, const float* const* ind, const float* packed_w,
                                 float* y, size_t y_stride, const ck_clamp_f32* clamp) {
    ck_dwconv_f32_scalar(25, pixels, channels, ind, packed_w, y, y_stride, clamp);
}

static const ck_dwconv_f32_config ck_dwconv_f32_table[CK_ISA_COUNT][2] = {
    [CK_ISA_SCALAR] = {{"ck_dwconv_f32_9p8c__scalar", CK_ISA_SCALAR, 9, ck_dwconv_f32_9p8c__scalar},
                       {"ck_dwconv_f32_25p8c__scalar", CK_ISA_SCALAR, 25, ck_dwconv_f32_25p8c__scalar}},
#if defined(__aarch64__)
    [CK_ISA_NEON] = {{"ck_dwconv_f32_9p8c__neon", CK_ISA_NEON, 9, ck_dwconv_f32_9p8c__neon},
                     {"ck_dwconv_f32_25p8c__neon", CK_ISA_NEON, 25, ck_dwconv_f32_25p8c__neon}},
    [CK_ISA_NEONDOT] = {{"ck_dwconv_f32_9p8c__neon", CK_ISA_NEONDOT, 9, ck_dwconv_f32_9p8c__neon},
                        {"ck_dwconv_f32_25p8c__neon", CK_ISA_NEONDOT, 25, ck_dwconv_f32_25p8c__neon}},
#endif
#if defined(__x86_64__)
    [CK_ISA_AVX2] = {{"ck_dwconv_f32_9p8c__avx2", CK_ISA_AVX2, 9, ck_dwconv_f32_9p8c__avx2},
                     {"ck_dwconv_f32_25p8c__avx2", CK_ISA_AVX2, 25, ck_dwconv_f32_25p8c__avx2}},
    [CK_ISA_AVX512VNNI] = {{"ck_dwconv_f32_9p8c__avx2", CK_ISA_AVX512VNNI, 9, ck_dwconv_f32_9p8c__avx2},
                           {"ck_dwconv_f32_25p8c__avx2", CK_ISA_AVX512VNNI, 25, ck_dwconv_f32_25p8c__avx2}},
#endif
};

const ck_dwconv_f32_config* ck_dwconv_f32_config_for(ck_isa isa, size_t taps) {
    if ((unsigned)isa >= CK_ISA_COUNT || !ck_isa_available(isa)) return NULL;
    const ck_dwconv_f32_config* c = NULL;
    if (taps == 9) c = &ck_dwconv_f32_table[isa][0];
    if (taps == 25) c = &ck_dwconv_f32_table[isa][1];
    return c && c->ukernel ? c : NULL;
}

typedef struct ck_dwconv_f32_job {
    const ck_dwconv_f32_config* config;
    size_t channels;
    const float* const* ind;
    const float* packed_w;
    float* y;
    size_t y_stride;
    const ck_clamp_f32* clamp;
} ck_dwconv_f32_job;

static void ck_dwconv_f32_task(void* context, size_t thread_index, size_t start, size_t count) {
    const ck_dwconv_f32_job* job = context;
    (void)thread_index;
    job->config->ukernel(count, job->channels, job->ind + start * job->config->taps, job->packed_w,
                         job->y + start * job->y_stride, job->y_stride, job->clamp);
}

void ck_dwconv_f32_parallel(ck_threadpool* pool, const ck_dwconv_f32_config* config, size_t pixels,
                            size_t channels, const float* const* ind, const float* packed_w, float* y,
                            size_t y_stride, const ck_clamp_f32* clamp) {
    ck_dwconv_f32_job job = {config, channels, ind, packed_w, y, y_stride, clamp};
    ck_threadpool_parallel_for(pool, pixels, ck_f32_tile(pixels, 1, ck_threadpool_threads(pool)), ck_dwconv_f32_task,
                               &job);
}
