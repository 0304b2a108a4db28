// Indirection buffers, the indirect int8 convolution driver, depthwise packing, the scalar
// depthwise microkernels, their dispatch table and the thread-pool drivers.
#include "ck_dwconv_s8_internal.h"
#include "ck_internal.h"
#include "ck_qgemm_s8_internal.h"

size_t ck_indirection_s8_count(const ck_conv2d_geometry* g) {
    return g->batch * g->out_h * g->out_w * g->kernel_h * g->kernel_w;
}

void ck_indirection_s8_init(const ck_conv2d_geometry* g, const int8_t* x, const int8_t* zero,
                            const int8_t** ind) {
    for (size_t n = 0; n < g->batch; n++)
        for (size_t oh = 0; oh < g->out_h; oh++)
            for (size_t ow = 0; ow < g->out_w; ow++)
                for (size_t kh = 0; kh < g->kernel_h; kh++) {
                    // Unsigned with explicit underflow checks, as the reference does.
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

size_t ck_qconv_s8_igemm_scratch_size(const ck_qgemm_s8_config* config, size_t taps, size_t in_c) {
    return config->mr * ck_qgemm_s8_kpad(taps * in_c);
}

void ck_qconv_s8_igemm(const ck_qgemm_s8_config* config, size_t taps, size_t in_c, size_t out_c,
                       const int8_t* const* ind, size_t pixel_start, size_t pixel_count, const void* packed_w,
                       int8_t* y, size_t y_stride, int8_t* scratch, const ck_qgemm_s8_params* params) {
    const size_t k = taps * in_c;
    const size_t k_stride = ck_qgemm_s8_kpad(k);
    const size_t end = pixel_start + pixel_count;
    for (size_t p = pixel_start; p < end; p += config->mr) {
        const size_t rows = end - p < config->mr ? end - p : config->mr;
        // The gather touches MR * K bytes once and the microkernel reuses them for every
        // block of 8 output channels, so its cost shrinks as out_c / 8 grows.
        for (size_t r = 0; r < rows; r++) {
            const int8_t* const* row = ind + (p + r) * taps;
            int8_t* dst = scratch + r * k_stride;
            for (size_t t = 0; t < taps; t++) memcpy(dst + t * in_c, row[t], in_c);
        }
        config->ukernel(rows, out_c, k, scratch, k_stride, packed_w, y + p * y_stride, y_stride, params);
    }
}

typedef struct ck_igemm_job {
    const ck_qgemm_s8_config* config;
    size_t taps, in_c, out_c;
    const int8_t* const* ind;
    const void* packed_w;
    int8_t* y;
    size_t y_stride;
    int8_t* scratch;
    size_t scratch_size;
    const ck_qgemm_s8_params* params;
} ck_igemm_job;

static void ck_igemm_task(void* context, size_t thread_index, size_t start, size_t count) {
    const ck_igemm_job* job = context;
    ck_qconv_s8_igemm(job->config, job->taps, job->in_c, job->out_c, job->ind, start, count, job->packed_w, job->y,
                      job->y_stride, job->scratch + thread_index * job->scratch_size, job->params);
}

// Tiles are whole microkernel tiles, several of them when the range is long, so that every
// thread gets a few tiles to balance and the per-tile overhead stays small.
static size_t ck_parallel_tile(size_t range, size_t unit, size_t threads) {
    size_t units = (range + unit - 1) / unit;
    size_t per = units / (threads * 4);
    if (per == 0) per = 1;
    return per * unit;
}

void ck_qconv_s8_igemm_parallel(ck_threadpool* pool, const ck_qgemm_s8_config* config, size_t taps,
                                size_t in_c, size_t out_c, const int8_t* const* ind, size_t pixels,
                                const void* packed_w, int8_t* y, size_t y_stride, int8_t* scratch,
                                const ck_qgemm_s8_params* params) {
    ck_igemm_job job = {.config = config,
                        .taps = taps,
                        .in_c = in_c,
                        .out_c = out_c,
                        .ind = ind,
                        .packed_w = packed_w,
                        .y = y,
                        .y_stride = y_stride,
                        .scratch = scratch,
                        .scratch_size = ck_qconv_s8_igemm_scratch_size(config, taps, in_c),
                        .params = params};
    const size_t threads = ck_threadpool_threads(pool);
    ck_threadpool_parallel_for(pool, pixels, ck_parallel_tile(pixels, config->mr, threads), ck_igemm_task, &job);
}

// MARK: depthwise

size_t ck_dwconv_s8_packed_size(size_t channels, size_t taps) {
    return (channels + CK_DWCONV_S8_CR - 1) / CK_DWCONV_S8_CR * ck_dwconv_s8_block_size(taps);
}

int ck_dwconv_s8_pack(size_t channels, size_t taps, const int8_t* w, const int32_t* bias, int32_t x_zero_point,
                      const float* multiplier, void* packed) {
    int status = 0;
    const size_t block = ck_dwconv_s8_block_size(taps);
    memset(packed, 0, ck_dwconv_s8_packed_size(channels, taps));
    for (size_t c = 0; c < channels; c++) {
        uint8_t* base = (uint8_t*)packed + c / CK_DWCONV_S8_CR * block;
        const size_t lane = c % CK_DWCONV_S8_CR;
        int32_t sum = 0;
        for (size_t t = 0; t < taps; t++) {
            const int8_t v = w[t * channels + c];
            if (v == INT8_MIN) status = -1;
            sum += v;
            ((int8_t*)(base + CK_DWCONV_S8_HEADER_BYTES))[t * CK_DWCONV_S8_CR + lane] = v;
        }
        const int32_t b = (bias ? bias[c] : 0) - x_zero_point * sum;
        memcpy(base + lane * 4, &b, 4);
        memcpy(base + CK_DWCONV_S8_CR * 4 + lane * 4, &multiplier[c], 4);
    }
    return status;
}

static inline void ck_dwconv_s8_scalar(size_t taps, size_t pixels, size_t channels, const int8_t* const* ind,
                                       const void* packed_w, int8_t* y, size_t y_stride,
                                       const ck_qgemm_s8_params* params) {
    const size_t block = ck_dwconv_s8_block_size(taps);
    for (size_t p = 0; p < pixels; p++) {
        const int8_t* const* in = ind + p * taps;
        const uint8_t* base = packed_w;
        for (size_t c0 = 0; c0 < channels; c0 += CK_DWCONV_S8_CR) {
            const int8_t* wp = (const int8_t*)(base + CK_DWCONV_S8_HEADER_BYTES);
            const size_t n = channels - c0 < CK_DWCONV_S8_CR ? channels - c0 : CK_DWCONV_S8_CR;
            for (size_t lane = 0; lane < n; lane++) {
                int32_t acc;
                float mul;
                memcpy(&acc, base + lane * 4, 4);
                memcpy(&mul, base + CK_DWCONV_S8_CR * 4 + lane * 4, 4);
                for (size_t t = 0; t < taps; t++) acc += (int32_t)in[t][c0 + lane] * wp[t * CK_DWCONV_S8_CR + lane];
                y[p * y_stride + c0 + lane] =
                    (int8_t)ck_requant(acc, mul, params->y_zero_point, params->qmin, params->qmax);
            }
            base += block;
        }
    }
}

void ck_dwconv_s8_9p16c__scalar(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                                int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_scalar(9, pixels, channels, ind, packed_w, y, y_stride, params);
}

void ck_dwconv_s8_25p16c__scalar(size_t pixels, size_t channels, const int8_t* const* ind, const void* packed_w,
                                 int8_t* y, size_t y_stride, const ck_qgemm_s8_params* params) {
    ck_dwconv_s8_scalar(25, pixels, channels, ind, packed_w, y, y_stride, params);
}

static const ck_dwconv_s8_config ck_dwconv_s8_table[CK_ISA_COUNT][2] = {
    [CK_ISA_SCALAR] = {{"ck_dwconv_s8_9p16c__scalar", CK_ISA_SCALAR, 9, ck_dwconv_s8_9p16c__scalar},
                       {"ck_dwconv_s8_25p16c__scalar", CK_ISA_SCALAR, 25, ck_dwconv_s8_25p16c__scalar}},
#if defined(__aarch64__)
    [CK_ISA_NEON] = {{"ck_dwconv_s8_9p16c__neon_mlal", CK_ISA_NEON, 9, ck_dwconv_s8_9p16c__neon_mlal},
                     {"ck_dwconv_s8_25p16c__neon_mlal", CK_ISA_NEON, 25, ck_dwconv_s8_25p16c__neon_mlal}},
    [CK_ISA_NEONDOT] = {{"ck_dwconv_s8_9p16c__neon_mlal", CK_ISA_NEONDOT, 9, ck_dwconv_s8_9p16c__neon_mlal},
                        {"ck_dwconv_s8_25p16c__neon_mlal", CK_ISA_NEONDOT, 25, ck_dwconv_s8_25p16c__neon_mlal}},
#endif
#if defined(__x86_64__)
    [CK_ISA_AVX2] = {{"ck_dwconv_s8_9p16c__avx2", CK_ISA_AVX2, 9, ck_dwconv_s8_9p16c__avx2},
                     {"ck_dwconv_s8_25p16c__avx2", CK_ISA_AVX2, 25, ck_dwconv_s8_25p16c__avx2}},
    [CK_ISA_AVX512VNNI] = {{"ck_dwconv_s8_9p32c__avx512", CK_ISA_AVX512VNNI, 9, ck_dwconv_s8_9p32c__avx512},
                           {"ck_dwconv_s8_25p32c__avx512", CK_ISA_AVX512VNNI, 25, ck_dwconv_s8_25p32c__avx512}},
#endif
};

const ck_dwconv_s8_config* ck_dwconv_s8_config_for(ck_isa isa, size_t taps) {
    if ((unsigned)isa >= CK_ISA_COUNT || !ck_isa_available(isa)) return NULL;
    const ck_dwconv_s8_config* c = NULL;
    if (taps == 9) c = &ck_dwconv_s8_table[isa][0];
    if (taps == 25) c = &ck_dwconv_s8_table[isa][1];
    return c && c->ukernel ? c : NULL;
}

typedef struct ck_dwconv_job {
    const ck_dwconv_s8_config* config;
    size_t channels;
    const int8_t* const* ind;
    const void* packed_w;
    int8_t* y;
    size_t y_stride;
    const ck_qgemm_s8_params* params;
} ck_dwconv_job;

static void ck_dwconv_task(void* context, size_t thread_index, size_t start, size_t count) {
    const ck_dwconv_job* job = context;
    (void)thread_index;
    job->config->ukernel(count, job->channels, job->ind + start * job->config->taps, job->packed_w,
                         job->y + start * job->y_stride, job->y_stride, job->params);
}

void ck_dwconv_s8_parallel(ck_threadpool* pool, const ck_dwconv_s8_config* config, size_t pixels, size_t channels,
                           const int8_t* const* ind, const void* packed_w, int8_t* y, size_t y_stride,
                           const ck_qgemm_s8_params* params) {
    ck_dwconv_job job = {config, channels, ind, packed_w, y, y_stride, params};
    ck_threadpool_parallel_for(pool, pixels, ck_parallel_tile(pixels, 1, ck_threadpool_threads(pool)), ck_dwconv_task,
                               &job);
}
