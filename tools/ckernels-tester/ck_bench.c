// `ck_tester bench [THREADS]`: every microkernel family against its scalar reference on a
// MobileNet/ResNet-sized layer, best of several runs, on every ISA this CPU offers.
// GOP/s counts a multiply-accumulate as 2 operations; pooling and elementwise rows count one
// operation per input element read. Indicative only: the machine may be shared.
#include "CKernels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t bench_rng = 0x9E3779B97F4A7C15ull;
static int32_t brand(int32_t lo, int32_t hi) {
    bench_rng ^= bench_rng >> 12;
    bench_rng ^= bench_rng << 25;
    bench_rng ^= bench_rng >> 27;
    return lo + (int32_t)(((bench_rng * 0x2545F4914F6CDD1Dull) >> 32) % (uint64_t)(hi - lo + 1));
}

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef void (*bench_fn)(void* ctx);

// Best time of up to 15 runs or 0.3 s, whichever ends first (at least 2 runs).
static double best_time(bench_fn fn, void* ctx) {
    double best = 1e30, total = 0;
    for (int run = 0; run < 15 && (run < 2 || total < 0.3); run++) {
        const double t0 = seconds();
        fn(ctx);
        const double dt = seconds() - t0;
        total += dt;
        if (dt < best) best = dt;
    }
    return best;
}

static double reference_time;

static void report(const char* name, double ops, double t, int is_reference) {
    if (is_reference) reference_time = t;
    printf("  %-48s %9.3f ms %8.2f GOP/s %7.1fx\n", name, t * 1e3, ops / t * 1e-9, reference_time / t);
}

// MARK: int8 convolution layer (3x3, 64 -> 64 channels, 28x28, pad 1): reference, im2col +
// packed GEMM, indirection + per-tile gather (igemm), and igemm on the pool.

typedef struct {
    ck_conv2d_geometry g;
    ck_qconv_params q;
    int8_t *x, *w, *y, *cols, *zero, *scratch;
    int32_t *bias, *wz;
    float *ws, *mul;
    const int8_t** ind;
    void* packed;
    const ck_qgemm_s8_config* config;
    ck_qgemm_s8_params params;
    ck_threadpool* pool;
    size_t taps;
} qconv_ctx;

static void run_qconv_ref(void* p) {
    qconv_ctx* c = p;
    ck_conv2d_qs8__scalar(&c->g, &c->q, c->x, c->w, c->bias, c->y);
}

static void run_qconv_im2col(void* p) {
    qconv_ctx* c = p;
    const size_t pixels = c->g.out_h * c->g.out_w, k = c->taps * c->g.in_c;
    for (size_t i = 0; i < pixels; i++)
        for (size_t t = 0; t < c->taps; t++) memcpy(c->cols + i * k + t * c->g.in_c, c->ind[i * c->taps + t], c->g.in_c);
    ck_qgemm_s8(c->config, pixels, c->g.out_c, k, c->cols, k, c->packed, c->y, c->g.out_c, &c->params);
}

static void run_qconv_igemm(void* p) {
    qconv_ctx* c = p;
    ck_qconv_s8_igemm_parallel(c->pool, c->config, c->taps, c->g.in_c, c->g.out_c, c->ind, c->g.out_h * c->g.out_w,
                               c->packed, c->y, c->g.out_c, c->scratch, &c->params);
}

// MARK: int8 depthwise (k x k, stride s, 112x112x32 / 56x56x144-like)

typedef struct {
    ck_conv2d_geometry g;
    ck_qconv_params q;
    int8_t *x, *w, *y, *zero;
    int32_t *bias, *wz;
    float *ws, *mul;
    const int8_t** ind;
    void* packed;
    const ck_dwconv_s8_config* config;
    ck_qgemm_s8_params params;
    ck_threadpool* pool;
} dw_ctx;

static void run_dw_ref(void* p) {
    dw_ctx* c = p;
    ck_dwconv2d_qs8__scalar(&c->g, &c->q, c->x, c->w, c->bias, c->y);
}

static void run_dw(void* p) {
    dw_ctx* c = p;
    ck_dwconv_s8_parallel(c->pool, c->config, c->g.out_h * c->g.out_w, c->g.out_c, c->ind, c->packed, c->y, c->g.out_c,
                          &c->params);
}

static ck_conv2d_geometry geometry(size_t hw, size_t in_c, size_t out_c, size_t k, size_t stride) {
    ck_conv2d_geometry g;
    memset(&g, 0, sizeof g);
    g.batch = 1;
    g.in_h = g.in_w = hw;
    g.in_c = in_c;
    g.out_c = out_c;
    g.kernel_h = g.kernel_w = k;
    g.stride_h = g.stride_w = stride;
    g.dilation_h = g.dilation_w = 1;
    g.pad_top = g.pad_left = k / 2;
    g.out_h = g.out_w = (hw + 2 * (k / 2) - k) / stride + 1;
    g.groups = 1;
    return g;
}

static ck_qconv_params make_q(int32_t* wz, float* ws, size_t n) {
    ck_qconv_params q;
    memset(&q, 0, sizeof q);
    q.x_type = q.w_type = CK_QTYPE_S8;
    q.x_zero_point = 5;
    q.x_scale = 0.02f;
    for (size_t i = 0; i < n; i++) wz[i] = 0, ws[i] = 0.004f;
    q.w.scale = ws;
    q.w.zero_point = wz;
    q.w.scale_stride = q.w.zero_point_stride = 1;
    q.y_scale = 0.3f;
    q.y_zero_point = -3;
    q.clamp.min = INT32_MIN;
    q.clamp.max = INT32_MAX;
    return q;
}

static void bench_qconv(ck_threadpool* pool) {
    qconv_ctx c;
    memset(&c, 0, sizeof c);
    c.g = geometry(28, 64, 64, 3, 1);
    c.taps = 9;
    const size_t k = c.taps * c.g.in_c, pixels = c.g.out_h * c.g.out_w;
    const double ops = 2.0 * (double)pixels * (double)c.g.out_c * (double)k;
    c.x = malloc(28 * 28 * 64);
    c.w = malloc(64 * k);
    c.y = malloc(pixels * 64);
    c.cols = malloc(pixels * k);
    c.zero = malloc(64);
    c.bias = calloc(64, 4);
    c.wz = malloc(64 * 4);
    c.ws = malloc(64 * 4);
    c.mul = malloc(64 * 4);
    c.ind = malloc(ck_indirection_s8_count(&c.g) * sizeof *c.ind);
    c.packed = malloc(ck_qgemm_s8_packed_size(64, k));
    for (size_t i = 0; i < 28 * 28 * 64; i++) c.x[i] = (int8_t)brand(-128, 127);
    for (size_t i = 0; i < 64 * k; i++) c.w[i] = (int8_t)brand(-127, 127);
    c.q = make_q(c.wz, c.ws, 64);
    for (size_t i = 0; i < 64; i++) c.mul[i] = c.q.x_scale * c.ws[i] / c.q.y_scale;
    memset(c.zero, 5, 64);
    ck_indirection_s8_init(&c.g, c.x, c.zero, c.ind);
    ck_qgemm_s8_pack(64, k, c.w, k, c.bias, 5, c.mul, c.packed);
    c.params = (ck_qgemm_s8_params){-3, -128, 127};
    printf("int8 conv 3x3 28x28x64 -> 64 (%.0f MOP)\n", ops * 1e-6);
    report("ck_conv2d_qs8__scalar (reference)", ops, best_time(run_qconv_ref, &c), 1);
    for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
        c.config = ck_qgemm_s8_config_for((ck_isa)isa);
        if (!c.config) continue;
        char name[96];
        c.scratch = malloc(ck_qconv_s8_igemm_scratch_size(c.config, c.taps, 64) * ck_threadpool_threads(pool));
        snprintf(name, sizeof name, "im2col + %s", c.config->name);
        report(name, ops, best_time(run_qconv_im2col, &c), 0);
        c.pool = NULL;
        snprintf(name, sizeof name, "igemm %s", c.config->name);
        report(name, ops, best_time(run_qconv_igemm, &c), 0);
        if (ck_threadpool_threads(pool) > 1) {
            c.pool = pool;
            snprintf(name, sizeof name, "igemm %s, %zu threads", c.config->name, ck_threadpool_threads(pool));
            report(name, ops, best_time(run_qconv_igemm, &c), 0);
        }
        free(c.scratch);
    }
    free(c.x), free(c.w), free(c.y), free(c.cols), free(c.zero), free(c.bias), free(c.wz), free(c.ws), free(c.mul);
    free(c.ind), free(c.packed);
}

static void bench_dw(ck_threadpool* pool, size_t hw, size_t ch, size_t k, size_t stride) {
    dw_ctx c;
    memset(&c, 0, sizeof c);
    c.g = geometry(hw, ch, ch, k, stride);
    const size_t taps = k * k, pixels = c.g.out_h * c.g.out_w;
    const double ops = 2.0 * (double)pixels * (double)ch * (double)taps;
    c.x = malloc(hw * hw * ch);
    c.w = malloc(taps * ch);
    c.y = malloc(pixels * ch);
    c.zero = malloc(ch);
    c.bias = calloc(ch, 4);
    c.wz = malloc(ch * 4);
    c.ws = malloc(ch * 4);
    c.mul = malloc(ch * 4);
    c.ind = malloc(ck_indirection_s8_count(&c.g) * sizeof *c.ind);
    c.packed = malloc(ck_dwconv_s8_packed_size(ch, taps));
    for (size_t i = 0; i < hw * hw * ch; i++) c.x[i] = (int8_t)brand(-128, 127);
    for (size_t i = 0; i < taps * ch; i++) c.w[i] = (int8_t)brand(-127, 127);
    c.q = make_q(c.wz, c.ws, ch);
    for (size_t i = 0; i < ch; i++) c.mul[i] = c.q.x_scale * c.ws[i] / c.q.y_scale;
    memset(c.zero, 5, ch);
    ck_indirection_s8_init(&c.g, c.x, c.zero, c.ind);
    ck_dwconv_s8_pack(ch, taps, c.w, c.bias, 5, c.mul, c.packed);
    c.params = (ck_qgemm_s8_params){-3, -128, 127};
    printf("int8 depthwise %zux%zu s%zu %zux%zux%zu (%.0f MOP)\n", k, k, stride, hw, hw, ch, ops * 1e-6);
    report("ck_dwconv2d_qs8__scalar (reference)", ops, best_time(run_dw_ref, &c), 1);
    for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
        c.config = ck_dwconv_s8_config_for((ck_isa)isa, taps);
        if (!c.config || (isa > 0 && ck_dwconv_s8_config_for((ck_isa)(isa - 1), taps) &&
                          c.config->ukernel == ck_dwconv_s8_config_for((ck_isa)(isa - 1), taps)->ukernel))
            continue; // avx512vnni / neondot reuse the kernel listed just before
        c.pool = NULL;
        report(c.config->name, ops, best_time(run_dw, &c), 0);
        if (ck_threadpool_threads(pool) > 1) {
            char name[96];
            c.pool = pool;
            snprintf(name, sizeof name, "%s, %zu threads", c.config->name, ck_threadpool_threads(pool));
            report(name, ops, best_time(run_dw, &c), 0);
        }
    }
    free(c.x), free(c.w), free(c.y), free(c.zero), free(c.bias), free(c.wz), free(c.ws), free(c.mul), free(c.ind);
    free(c.packed);
}

// MARK: float32 GEMM / conv / depthwise

typedef struct {
    ck_conv2d_geometry g;
    float *x, *w, *bias, *y, *packed, *zero, *scratch;
    const float** ind;
    const ck_gemm_f32_config* gemm;
    const ck_dwconv_f32_config* dw;
    ck_clamp_f32 clamp;
    ck_threadpool* pool;
    size_t m, n, k;
} f32_ctx;

static void run_gemm_f32_ref(void* p) {
    f32_ctx* c = p;
    ck_gemm_geometry g = {c->m, c->n, c->k, 0, 1, c->k, c->k, c->n};
    ck_gemm_f32__scalar(&g, 1.0f, c->x, c->w, 1.0f, c->bias, 0, 1, c->clamp, c->y);
}

static void run_gemm_f32(void* p) {
    f32_ctx* c = p;
    ck_gemm_f32_parallel(c->pool, c->gemm, c->m, c->n, c->k, c->x, c->k, c->packed, c->y, c->n, &c->clamp);
}

static void run_conv_f32_ref(void* p) {
    f32_ctx* c = p;
    ck_conv2d_f32__scalar(&c->g, c->x, c->w, c->bias, c->clamp, c->y);
}

static void run_conv_f32(void* p) {
    f32_ctx* c = p;
    ck_conv_f32_igemm_parallel(c->pool, c->gemm, 9, c->g.in_c, c->g.out_c, c->ind, c->g.out_h * c->g.out_w,
                               c->packed, c->y, c->g.out_c, c->scratch, &c->clamp);
}

static void run_dw_f32_ref(void* p) {
    f32_ctx* c = p;
    ck_dwconv2d_f32__scalar(&c->g, c->x, c->w, c->bias, c->clamp, c->y);
}

static void run_dw_f32(void* p) {
    f32_ctx* c = p;
    ck_dwconv_f32_parallel(c->pool, c->dw, c->g.out_h * c->g.out_w, c->g.out_c, c->ind, c->packed, c->y, c->g.out_c,
                           &c->clamp);
}

static void bench_f32(ck_threadpool* pool) {
    f32_ctx c;
    memset(&c, 0, sizeof c);
    c.clamp = (ck_clamp_f32){0.0f, 6.0f};
    // 1x1 conv 28x28, 96 -> 192 channels as a GEMM.
    c.m = 784, c.n = 192, c.k = 96;
    const double ops = 2.0 * (double)(c.m * c.n * c.k);
    c.x = malloc(c.m * c.k * 4);
    c.w = malloc(c.n * c.k * 4);
    c.bias = calloc(c.n, 4);
    c.y = malloc(c.m * c.n * 4);
    c.packed = malloc(ck_gemm_f32_packed_size(c.n, c.k) * 4);
    for (size_t i = 0; i < c.m * c.k; i++) c.x[i] = (float)brand(-100, 100) * 0.01f;
    for (size_t i = 0; i < c.n * c.k; i++) c.w[i] = (float)brand(-100, 100) * 0.01f;
    ck_gemm_f32_pack(c.n, c.k, c.w, c.k, 0, c.bias, c.packed);
    printf("f32 GEMM (1x1 conv) %zux%zux%zu (%.0f MOP)\n", c.m, c.n, c.k, ops * 1e-6);
    report("ck_gemm_f32__scalar (reference)", ops, best_time(run_gemm_f32_ref, &c), 1);
    for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
        c.gemm = ck_gemm_f32_config_for((ck_isa)isa);
        if (!c.gemm || (isa > 0 && ck_gemm_f32_config_for((ck_isa)(isa - 1)) &&
                        ck_gemm_f32_config_for((ck_isa)(isa - 1))->ukernel == c.gemm->ukernel))
            continue;
        c.pool = NULL;
        report(c.gemm->name, ops, best_time(run_gemm_f32, &c), 0);
        if (ck_threadpool_threads(pool) > 1) {
            char name[96];
            c.pool = pool;
            snprintf(name, sizeof name, "%s, %zu threads", c.gemm->name, ck_threadpool_threads(pool));
            report(name, ops, best_time(run_gemm_f32, &c), 0);
        }
    }
    free(c.x), free(c.w), free(c.bias), free(c.y), free(c.packed);

    // 3x3 conv 28x28, 64 -> 64 channels through the indirection buffer.
    memset(&c, 0, sizeof c);
    c.clamp = (ck_clamp_f32){0.0f, 6.0f};
    c.g = geometry(28, 64, 64, 3, 1);
    {
        const size_t k = 9 * 64, pixels = 28 * 28;
        const double cops = 2.0 * (double)pixels * 64 * (double)k;
        c.x = malloc(pixels * 64 * 4);
        c.w = malloc(64 * k * 4);
        c.bias = calloc(64, 4);
        c.y = malloc(pixels * 64 * 4);
        c.zero = calloc(64, 4);
        c.ind = malloc(ck_indirection_s8_count(&c.g) * sizeof *c.ind);
        c.packed = malloc(ck_gemm_f32_packed_size(64, k) * 4);
        for (size_t i = 0; i < pixels * 64; i++) c.x[i] = (float)brand(-100, 100) * 0.01f;
        for (size_t i = 0; i < 64 * k; i++) c.w[i] = (float)brand(-100, 100) * 0.01f;
        ck_indirection_f32_init(&c.g, c.x, c.zero, c.ind);
        ck_gemm_f32_pack(64, k, c.w, k, 0, c.bias, c.packed);
        printf("f32 conv 3x3 28x28x64 -> 64 (%.0f MOP)\n", cops * 1e-6);
        report("ck_conv2d_f32__scalar (reference)", cops, best_time(run_conv_f32_ref, &c), 1);
        for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
            c.gemm = ck_gemm_f32_config_for((ck_isa)isa);
            if (!c.gemm || (isa > 0 && ck_gemm_f32_config_for((ck_isa)(isa - 1)) &&
                            ck_gemm_f32_config_for((ck_isa)(isa - 1))->ukernel == c.gemm->ukernel))
                continue;
            c.scratch = malloc(ck_conv_f32_igemm_scratch_size(c.gemm, 9, 64) * ck_threadpool_threads(pool) * 4);
            char name[96];
            c.pool = NULL;
            snprintf(name, sizeof name, "igemm %s", c.gemm->name);
            report(name, cops, best_time(run_conv_f32, &c), 0);
            if (ck_threadpool_threads(pool) > 1) {
                c.pool = pool;
                snprintf(name, sizeof name, "igemm %s, %zu threads", c.gemm->name, ck_threadpool_threads(pool));
                report(name, cops, best_time(run_conv_f32, &c), 0);
            }
            free(c.scratch);
        }
        free(c.x), free(c.w), free(c.bias), free(c.y), free(c.zero), free(c.ind), free(c.packed);
    }

    // Depthwise 3x3 56x56x144.
    memset(&c, 0, sizeof c);
    c.clamp = (ck_clamp_f32){0.0f, 6.0f};
    c.g = geometry(56, 144, 144, 3, 1);
    const size_t pixels = c.g.out_h * c.g.out_w, n_in = 56 * 56 * 144;
    const double dops = 2.0 * (double)pixels * 144 * 9;
    c.x = malloc(n_in * 4);
    c.w = malloc(9 * 144 * 4);
    c.bias = calloc(144, 4);
    c.y = malloc(pixels * 144 * 4);
    c.zero = calloc(144, 4);
    c.ind = malloc(ck_indirection_s8_count(&c.g) * sizeof *c.ind);
    c.packed = malloc(ck_dwconv_f32_packed_size(144, 9) * 4);
    for (size_t i = 0; i < n_in; i++) c.x[i] = (float)brand(-100, 100) * 0.01f;
    for (size_t i = 0; i < 9 * 144; i++) c.w[i] = (float)brand(-100, 100) * 0.01f;
    ck_indirection_f32_init(&c.g, c.x, c.zero, c.ind);
    ck_dwconv_f32_pack(144, 9, c.w, c.bias, c.packed);
    printf("f32 depthwise 3x3 s1 56x56x144 (%.0f MOP)\n", dops * 1e-6);
    report("ck_dwconv2d_f32__scalar (reference)", dops, best_time(run_dw_f32_ref, &c), 1);
    for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
        c.dw = ck_dwconv_f32_config_for((ck_isa)isa, 9);
        if (!c.dw || (isa > 0 && ck_dwconv_f32_config_for((ck_isa)(isa - 1), 9) &&
                      ck_dwconv_f32_config_for((ck_isa)(isa - 1), 9)->ukernel == c.dw->ukernel))
            continue;
        c.pool = NULL;
        report(c.dw->name, dops, best_time(run_dw_f32, &c), 0);
    }
    free(c.x), free(c.w), free(c.bias), free(c.y), free(c.zero), free(c.ind), free(c.packed);
}

// MARK: pooling and quantized elementwise (56x56x144 tensors)

typedef struct {
    const ck_simd_ops* ops;
    ck_pool2d_geometry pg;
    ck_broadcast bc;
    ck_qbinary_params qb;
    int8_t *x, *x2, *y;
    float *xf, *yf;
    int which;
} simd_ctx;

static void run_simd(void* p) {
    simd_ctx* c = p;
    switch (c->which) {
    case 0: c->ops->maxpool2d_s8(&c->pg, c->x, c->y); break;
    case 1: c->ops->global_avgpool_qs8(1, 56 * 56, 144, 0.02f, 3, 0.01f, -2, c->x, c->y); break;
    case 2: c->ops->qadd_s8(&c->bc, &c->qb, c->x, c->x2, c->y); break;
    case 3: c->ops->qmul_s8(&c->bc, &c->qb, c->x, c->x2, c->y); break;
    case 4: c->ops->avgpool2d_qs8(&c->pg, 0, 0.02f, 3, 0.02f, -1, c->x, c->y); break;
    case 5: c->ops->maxpool2d_f32(&c->pg, c->xf, c->yf); break;
    default: c->ops->global_avgpool_f32(1, 56 * 56, 144, c->xf, c->yf); break;
    }
}

static void bench_simd_ops(void) {
    simd_ctx c;
    memset(&c, 0, sizeof c);
    const size_t n = 56 * 56 * 144;
    c.x = malloc(n), c.x2 = malloc(n), c.y = malloc(n);
    c.xf = malloc(n * sizeof(float)), c.yf = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++) c.x[i] = (int8_t)brand(-128, 127), c.x2[i] = (int8_t)brand(-128, 127);
    for (size_t i = 0; i < n; i++) c.xf[i] = (float)c.x[i] * 0.1f;
    c.pg = (ck_pool2d_geometry){1, 56, 56, 144, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1};
    c.bc.rank = 1;
    c.bc.shape[0] = n;
    c.bc.a_stride[0] = c.bc.b_stride[0] = 1;
    c.qb = (ck_qbinary_params){0.02f, 0.03f, 0.04f, 1, -2, 3};
    static const char* const names[7] = {"maxpool2d_s8 3x3 s2 56x56x144", "global_avgpool_qs8 56x56x144",
                                         "qadd_s8 56x56x144",  "qmul_s8 56x56x144",
                                         "avgpool2d_qs8 3x3 s2 56x56x144", "maxpool2d_f32 3x3 s2 56x56x144",
                                         "global_avgpool_f32 56x56x144"};
    const double window = 28.0 * 28 * 144 * 9;
    const double elements[7] = {window, (double)n, 2.0 * (double)n, 2.0 * (double)n, window, window, (double)n};
    for (int which = 0; which < 7; which++) {
        c.which = which;
        printf("%s\n", names[which]);
        for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
            c.ops = ck_simd_ops_for((ck_isa)isa);
            if (!c.ops || (isa > 0 && ck_simd_ops_for((ck_isa)(isa - 1)) &&
                           !strcmp(ck_simd_ops_for((ck_isa)(isa - 1))->suffix, c.ops->suffix)))
                continue;
            char name[96];
            snprintf(name, sizeof name, "%s%s", c.ops->suffix, isa == 0 ? " (reference)" : "");
            report(name, elements[which], best_time(run_simd, &c), isa == 0);
        }
    }
    free(c.x), free(c.x2), free(c.y), free(c.xf), free(c.yf);
}

int ck_bench_main(size_t threads) {
    ck_threadpool* pool = ck_threadpool_create(threads);
    printf("ck_tester bench: selected ISA %s, pool of %zu threads (%zu physical cores)\n",
           ck_isa_name(ck_isa_selected()), ck_threadpool_threads(pool), ck_physical_cores());
    printf("  %-48s %12s %14s %8s\n", "kernel", "best", "throughput", "vs ref");
    bench_qconv(pool);
    bench_dw(pool, 112, 32, 3, 1);
    bench_dw(pool, 56, 144, 3, 2);
    bench_dw(pool, 28, 96, 5, 1);
    bench_f32(pool);
    bench_simd_ops();
    ck_threadpool_destroy(pool);
    return 0;
}
