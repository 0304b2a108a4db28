// Standalone C tester for the CKernels microkernels: every ISA path this CPU offers is run
// against the scalar reference on random shapes (edge sizes, odd sizes, large K). It exists
// next to the Swift tests so the NEON paths can be checked on an x86-64 host by
// cross-compiling and running under qemu-aarch64 (scripts/check-kernels-aarch64.sh), where
// no Swift toolchain is available. Exit status 0 = every case matched.
#include "CKernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// xorshift64*: deterministic across platforms.
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;
static uint32_t rng_next(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}
static int32_t rng_range(int32_t lo, int32_t hi) { return lo + (int32_t)(rng_next() % (uint32_t)(hi - lo + 1)); }

// One packed-GEMM case against ck_gemm_qs8__scalar; returns the number of differing outputs.
static size_t check_qgemm(const ck_qgemm_s8_config* config, size_t m, size_t n, size_t k, int32_t a_zero_point,
                          int relu) {
    const size_t a_stride = k + 1, y_stride = n + 2;
    int8_t* a = malloc(m * a_stride);
    int8_t* w = malloc(n * k);
    int32_t* bias = malloc(n * sizeof(int32_t));
    float* w_scale = malloc(n * sizeof(float));
    float* multiplier = malloc(n * sizeof(float));
    int32_t* w_zero = calloc(n, sizeof(int32_t));
    int8_t* y = malloc(m * y_stride);
    int8_t* expected = malloc(m * y_stride);
    void* packed = malloc(ck_qgemm_s8_packed_size(n, k));
    const float x_scale = 0.02f, y_scale = 0.5f;
    const int32_t y_zero_point = -6;

    for (size_t i = 0; i < m * a_stride; i++) a[i] = (int8_t)rng_range(-128, 127);
    for (size_t i = 0; i < n * k; i++) w[i] = (int8_t)rng_range(-127, 127);
    for (size_t j = 0; j < n; j++) {
        bias[j] = rng_range(-30000, 30000);
        w_scale[j] = 0.004f + 0.001f * (float)(j % 7);
        multiplier[j] = x_scale * w_scale[j] / y_scale;
    }
    memset(y, 0x55, m * y_stride);
    memset(expected, 0x55, m * y_stride);

    ck_qgemm_s8_pack(n, k, w, k, bias, a_zero_point, multiplier, packed);
    ck_qgemm_s8_params params = {y_zero_point, relu ? y_zero_point : -128, 127};
    ck_qgemm_s8(config, m, n, k, a, a_stride, packed, y, y_stride, &params);

    ck_gemm_geometry g = {m, n, k, 0, 1, a_stride, k, y_stride};
    ck_qgemm_params q;
    memset(&q, 0, sizeof q);
    q.a_type = CK_QTYPE_S8;
    q.b_type = CK_QTYPE_S8;
    q.a_zero_point = &a_zero_point;
    q.a_scale = x_scale;
    q.b.scale = w_scale;
    q.b.zero_point = w_zero;
    q.b.scale_stride = 1;
    q.b.zero_point_stride = 1;
    q.alpha = 1.0f;
    q.y_scale = y_scale;
    q.y_zero_point = y_zero_point;
    q.clamp.min = relu ? y_zero_point : INT32_MIN;
    q.clamp.max = INT32_MAX;
    ck_gemm_qs8__scalar(&g, &q, a, w, bias, expected);

    size_t bad = 0;
    for (size_t i = 0; i < m * y_stride; i++) bad += y[i] != expected[i];
    free(a), free(w), free(bias), free(w_scale), free(multiplier), free(w_zero), free(y), free(expected), free(packed);
    return bad;
}


// Fills the reference's quantization for an int8 conv with per-channel symmetric weights.
static ck_qconv_params qconv_params(int32_t* x_zero_point, const float* w_scale, const int32_t* w_zero, float x_scale,
                                    float y_scale, int32_t y_zero_point, int relu) {
    ck_qconv_params q;
    memset(&q, 0, sizeof q);
    q.x_type = CK_QTYPE_S8;
    q.w_type = CK_QTYPE_S8;
    q.x_zero_point = *x_zero_point;
    q.x_scale = x_scale;
    q.w.scale = w_scale;
    q.w.zero_point = w_zero;
    q.w.scale_stride = 1;
    q.w.zero_point_stride = 1;
    q.y_scale = y_scale;
    q.y_zero_point = y_zero_point;
    q.clamp.min = relu ? y_zero_point : INT32_MIN;
    q.clamp.max = INT32_MAX;
    return q;
}

// One convolution case (dense igemm when depthwise == 0, else the dwconv microkernel) against
// the scalar reference, run serially and on `pool`; returns the number of differing outputs.
static size_t check_conv(ck_isa isa, int depthwise, ck_conv2d_geometry g, int32_t x_zero_point, int relu,
                         ck_threadpool* pool) {
    const size_t taps = g.kernel_h * g.kernel_w;
    const size_t pixels = g.batch * g.out_h * g.out_w;
    const size_t x_count = g.batch * g.in_h * g.in_w * g.in_c;
    const size_t w_count = depthwise ? taps * g.out_c : g.out_c * taps * g.in_c;
    int8_t* x = malloc(x_count);
    int8_t* w = malloc(w_count);
    int32_t* bias = malloc(g.out_c * sizeof(int32_t));
    float* w_scale = malloc(g.out_c * sizeof(float));
    float* multiplier = malloc(g.out_c * sizeof(float));
    int32_t* w_zero = calloc(g.out_c, sizeof(int32_t));
    int8_t* expected = malloc(pixels * g.out_c);
    int8_t* serial = malloc(pixels * g.out_c);
    int8_t* parallel = malloc(pixels * g.out_c);
    int8_t* zero = malloc(g.in_c);
    const int8_t** ind = malloc(ck_indirection_s8_count(&g) * sizeof *ind);
    const float x_scale = 0.03f, y_scale = 0.25f;
    const int32_t y_zero_point = 3;
    for (size_t i = 0; i < x_count; i++) x[i] = (int8_t)rng_range(-128, 127);
    for (size_t i = 0; i < w_count; i++) w[i] = (int8_t)rng_range(-127, 127);
    for (size_t c = 0; c < g.out_c; c++) {
        bias[c] = rng_range(-20000, 20000);
        w_scale[c] = 0.003f + 0.0007f * (float)(c % 5);
        multiplier[c] = x_scale * w_scale[c] / y_scale;
    }
    memset(zero, (int8_t)x_zero_point, g.in_c);
    memset(serial, 0x55, pixels * g.out_c);
    memset(parallel, 0x66, pixels * g.out_c);
    ck_indirection_s8_init(&g, x, zero, ind);
    ck_qgemm_s8_params params = {y_zero_point, relu ? y_zero_point : -128, 127};
    ck_qconv_params q = qconv_params(&x_zero_point, w_scale, w_zero, x_scale, y_scale, y_zero_point, relu);
    size_t bad = 0;
    if (depthwise) {
        const ck_dwconv_s8_config* config = ck_dwconv_s8_config_for(isa, taps);
        void* packed = malloc(ck_dwconv_s8_packed_size(g.out_c, taps));
        ck_dwconv_s8_pack(g.out_c, taps, w, bias, x_zero_point, multiplier, packed);
        config->ukernel(pixels, g.out_c, ind, packed, serial, g.out_c, &params);
        ck_dwconv_s8_parallel(pool, config, pixels, g.out_c, ind, packed, parallel, g.out_c, &params);
        ck_dwconv2d_qs8__scalar(&g, &q, x, w, bias, expected);
        free(packed);
    } else {
        const ck_qgemm_s8_config* config = ck_qgemm_s8_config_for(isa);
        void* packed = malloc(ck_qgemm_s8_packed_size(g.out_c, taps * g.in_c));
        const size_t scratch_size = ck_qconv_s8_igemm_scratch_size(config, taps, g.in_c);
        int8_t* scratch = malloc(scratch_size * ck_threadpool_threads(pool));
        ck_qgemm_s8_pack(g.out_c, taps * g.in_c, w, taps * g.in_c, bias, x_zero_point, multiplier, packed);
        ck_qconv_s8_igemm(config, taps, g.in_c, g.out_c, ind, 0, pixels, packed, serial, g.out_c, scratch, &params);
        ck_qconv_s8_igemm_parallel(pool, config, taps, g.in_c, g.out_c, ind, pixels, packed, parallel, g.out_c, scratch,
                                   &params);
        g.groups = 1;
        ck_conv2d_qs8__scalar(&g, &q, x, w, bias, expected);
        free(packed), free(scratch);
    }
    for (size_t i = 0; i < pixels * g.out_c; i++) bad += (serial[i] != expected[i]) + (parallel[i] != serial[i]);
    free(x), free(w), free(bias), free(w_scale), free(multiplier), free(w_zero), free(expected), free(serial);
    free(parallel), free(zero), free(ind);
    return bad;
}

// A random convolution geometry: kernel k x k, stride s, the output size derived from
// padding (k - 1) / 2 as ONNX "same"-style models do; dilation 2 now and then.
static ck_conv2d_geometry random_geometry(size_t k, size_t stride, int depthwise) {
    ck_conv2d_geometry g;
    memset(&g, 0, sizeof g);
    g.batch = (size_t)rng_range(1, 2);
    g.in_h = (size_t)rng_range(1, 13);
    g.in_w = (size_t)rng_range(1, 13);
    g.in_c = depthwise ? (size_t)rng_range(1, 40) : (size_t)rng_range(1, 24);
    g.out_c = depthwise ? g.in_c : (size_t)rng_range(1, 37);
    g.kernel_h = g.kernel_w = k;
    g.stride_h = g.stride_w = stride;
    g.dilation_h = g.dilation_w = rng_range(0, 4) == 0 ? 2 : 1;
    g.pad_top = g.pad_left = (k - 1) / 2 * g.dilation_h;
    const size_t span = (k - 1) * g.dilation_h + 1;
    g.out_h = (g.in_h + 2 * g.pad_top - (g.in_h + 2 * g.pad_top >= span ? span : g.in_h + 2 * g.pad_top)) / stride + 1;
    g.out_w = (g.in_w + 2 * g.pad_left - (g.in_w + 2 * g.pad_left >= span ? span : g.in_w + 2 * g.pad_left)) / stride + 1;
    g.groups = 1;
    return g;
}

// Every convolution path of `isa` on random geometries; prints failures, returns their count.
static int check_convs(ck_isa isa, ck_threadpool* pool, int* cases) {
    static const size_t kernels[][3] = {{1, 1, 0}, {3, 1, 0}, {3, 2, 0}, {5, 1, 0}, {3, 1, 1}, {3, 2, 1}, {5, 1, 1}, {5, 2, 1}};
    static const int32_t zero_points[] = {0, -128, 127, 9};
    int failures = 0;
    for (size_t kind = 0; kind < sizeof kernels / sizeof kernels[0]; kind++) {
        for (int i = 0; i < 6; i++) {
            const int depthwise = (int)kernels[kind][2];
            if (depthwise ? !ck_dwconv_s8_config_for(isa, kernels[kind][0] * kernels[kind][0])
                          : !ck_qgemm_s8_config_for(isa))
                continue;
            ck_conv2d_geometry g = random_geometry(kernels[kind][0], kernels[kind][1], depthwise);
            const int32_t zp = zero_points[i % 4];
            const int relu = i % 3 == 2;
            (*cases)++;
            size_t bad = check_conv(isa, depthwise, g, zp, relu, pool);
            if (bad) {
                failures++;
                printf("  FAIL %s %s %zux%zu s%zu d%zu in %zux%zux%zu out %zux%zux%zu zx=%d: %zu differ\n",
                       ck_isa_name(isa), depthwise ? "dwconv" : "igemm", g.kernel_h, g.kernel_w, g.stride_h,
                       g.dilation_h, g.in_h, g.in_w, g.in_c, g.out_h, g.out_w, g.out_c, zp, bad);
            }
        }
    }
    // Channel tails hit on purpose: 8 (the 8-wide tail loads), 24/40/48 (16-blocks + 8), and
    // 47/63 (masked AVX-512 tails past a 32-block, odd byte tails).
    static const size_t tail_channels[] = {8, 24, 40, 47, 48, 63};
    for (size_t i = 0; i < sizeof tail_channels / sizeof tail_channels[0]; i++) {
        for (size_t k = 3; k <= 5; k += 2) {
            if (!ck_dwconv_s8_config_for(isa, k * k)) continue;
            ck_conv2d_geometry g = random_geometry(k, 1 + i % 2, 1);
            g.in_c = g.out_c = tail_channels[i];
            (*cases)++;
            size_t bad = check_conv(isa, 1, g, zero_points[i % 4], (int)(i % 2), pool);
            if (bad) {
                failures++;
                printf("  FAIL %s dwconv %zux%zu channels %zu: %zu differ\n", ck_isa_name(isa), k, k, g.out_c, bad);
            }
        }
    }
    return failures;
}

static float rng_float(void) { return (float)rng_range(-10000, 10000) * 1e-4f; }

static int close_enough(float actual, float expected, size_t k) {
    // Summation order and fused multiply-adds differ from the reference: allow an error
    // growing with the length of the dot product.
    const float tol = 1e-5f + 2e-6f * (float)k + 1e-5f * (expected < 0 ? -expected : expected);
    const float d = actual - expected;
    return d <= tol && -d <= tol;
}

// Float GEMM (m x n x k, weights [n][k] or [k][n]) against ck_gemm_f32__scalar, serial
// and on the pool; returns the number of mismatches.
static size_t check_gemm_f32(const ck_gemm_f32_config* config, size_t m, size_t n, size_t k, int w_kn,
                             ck_threadpool* pool) {
    const size_t a_stride = k + 1, y_stride = n + 2;
    float* a = malloc(m * a_stride * sizeof(float));
    float* w = malloc(n * k * sizeof(float));
    float* bias = malloc(n * sizeof(float));
    float* y = malloc(m * y_stride * sizeof(float));
    float* y2 = malloc(m * y_stride * sizeof(float));
    float* expected = malloc(m * y_stride * sizeof(float));
    float* packed = malloc(ck_gemm_f32_packed_size(n, k) * sizeof(float));
    for (size_t i = 0; i < m * a_stride; i++) a[i] = rng_float();
    for (size_t i = 0; i < n * k; i++) w[i] = rng_float();
    for (size_t j = 0; j < n; j++) bias[j] = rng_float();
    for (size_t i = 0; i < m * y_stride; i++) y[i] = y2[i] = expected[i] = 7.0f;
    const ck_clamp_f32 clamp = {-3.0f, 2.5f};
    ck_gemm_f32_pack(n, k, w, w_kn ? n : k, w_kn, bias, packed);
    for (size_t i = 0; i < m; i += config->mr)
        config->ukernel(m - i < config->mr ? m - i : config->mr, n, k, a + i * a_stride, a_stride, packed,
                        y + i * y_stride, y_stride, &clamp);
    ck_gemm_f32_parallel(pool, config, m, n, k, a, a_stride, packed, y2, y_stride, &clamp);
    ck_gemm_geometry g = {m, n, k, 0, !w_kn, a_stride, w_kn ? n : k, y_stride};
    ck_gemm_f32__scalar(&g, 1.0f, a, w, 1.0f, bias, 0, 1, clamp, expected);
    size_t bad = 0;
    for (size_t i = 0; i < m * y_stride; i++) bad += !close_enough(y[i], expected[i], k) + (y2[i] != y[i]);
    free(a), free(w), free(bias), free(y), free(y2), free(expected), free(packed);
    return bad;
}

// Float convolution (dense igemm or depthwise) against the scalar reference.
static size_t check_conv_f32(ck_isa isa, int depthwise, ck_conv2d_geometry g, ck_threadpool* pool) {
    const size_t taps = g.kernel_h * g.kernel_w;
    const size_t pixels = g.batch * g.out_h * g.out_w;
    const size_t x_count = g.batch * g.in_h * g.in_w * g.in_c;
    const size_t w_count = depthwise ? taps * g.out_c : g.out_c * taps * g.in_c;
    float* x = malloc(x_count * sizeof(float));
    float* w = malloc(w_count * sizeof(float));
    float* bias = malloc(g.out_c * sizeof(float));
    float* expected = malloc(pixels * g.out_c * sizeof(float));
    float* serial = malloc(pixels * g.out_c * sizeof(float));
    float* parallel = malloc(pixels * g.out_c * sizeof(float));
    float* zero = calloc(g.in_c, sizeof(float));
    const float** ind = malloc(ck_indirection_s8_count(&g) * sizeof *ind);
    for (size_t i = 0; i < x_count; i++) x[i] = rng_float();
    for (size_t i = 0; i < w_count; i++) w[i] = rng_float();
    for (size_t c = 0; c < g.out_c; c++) bias[c] = rng_float();
    ck_indirection_f32_init(&g, x, zero, ind);
    const ck_clamp_f32 clamp = {-4.0f, 4.0f};
    size_t k = taps;
    if (depthwise) {
        const ck_dwconv_f32_config* config = ck_dwconv_f32_config_for(isa, taps);
        float* packed = malloc(ck_dwconv_f32_packed_size(g.out_c, taps) * sizeof(float));
        ck_dwconv_f32_pack(g.out_c, taps, w, bias, packed);
        config->ukernel(pixels, g.out_c, ind, packed, serial, g.out_c, &clamp);
        ck_dwconv_f32_parallel(pool, config, pixels, g.out_c, ind, packed, parallel, g.out_c, &clamp);
        ck_dwconv2d_f32__scalar(&g, x, w, bias, clamp, expected);
        free(packed);
    } else {
        const ck_gemm_f32_config* config = ck_gemm_f32_config_for(isa);
        k = taps * g.in_c;
        float* packed = malloc(ck_gemm_f32_packed_size(g.out_c, k) * sizeof(float));
        const size_t scratch_size = ck_conv_f32_igemm_scratch_size(config, taps, g.in_c);
        float* scratch = malloc(scratch_size * ck_threadpool_threads(pool) * sizeof(float));
        ck_gemm_f32_pack(g.out_c, k, w, k, 0, bias, packed);
        ck_conv_f32_igemm(config, taps, g.in_c, g.out_c, ind, 0, pixels, packed, serial, g.out_c, scratch, &clamp);
        ck_conv_f32_igemm_parallel(pool, config, taps, g.in_c, g.out_c, ind, pixels, packed, parallel, g.out_c,
                                   scratch, &clamp);
        ck_conv2d_f32__scalar(&g, x, w, bias, clamp, expected);
        free(packed), free(scratch);
    }
    size_t bad = 0;
    for (size_t i = 0; i < pixels * g.out_c; i++)
        bad += !close_enough(serial[i], expected[i], k) + (parallel[i] != serial[i]);
    free(x), free(w), free(bias), free(expected), free(serial), free(parallel), free(zero), free(ind);
    return bad;
}

// Float ConvTranspose (GEMM + gather) against ck_deconv2d_f32__scalar. The geometry's in/out
// sizes are those of the transposed convolution: out = (in - 1) * stride - pads + dilated kernel + extra.
static size_t check_deconv_f32(const ck_gemm_f32_config* config, ck_conv2d_geometry g, ck_threadpool* pool) {
    const size_t taps = g.kernel_h * g.kernel_w;
    const size_t x_count = g.batch * g.in_h * g.in_w * g.in_c, y_count = g.batch * g.out_h * g.out_w * g.out_c;
    const size_t w_count = g.out_c * taps * g.in_c;
    float* x = malloc(x_count * sizeof(float));
    float* w = malloc(w_count * sizeof(float));
    float* scratch = malloc(w_count * sizeof(float));
    float* bias = malloc(g.out_c * sizeof(float));
    float* expected = malloc(y_count * sizeof(float));
    float* actual = malloc(y_count * sizeof(float));
    float* packed = malloc(ck_deconv2d_f32_packed_size(&g) * sizeof(float));
    float* col = malloc(ck_deconv2d_f32_col_size(&g) * sizeof(float));
    for (size_t i = 0; i < x_count; i++) x[i] = rng_float();
    for (size_t i = 0; i < w_count; i++) w[i] = rng_float();
    for (size_t c = 0; c < g.out_c; c++) bias[c] = rng_float();
    const ck_clamp_f32 clamp = {-4.0f, 4.0f};
    ck_deconv2d_f32_pack(&g, w, packed, scratch);
    ck_deconv2d_f32_gemm(pool, config, &g, x, packed, col, bias, clamp, actual);
    ck_deconv2d_f32__scalar(&g, x, w, bias, clamp, expected);
    size_t bad = 0;
    for (size_t i = 0; i < y_count; i++) bad += !close_enough(actual[i], expected[i], taps * g.in_c);
    free(x), free(w), free(scratch), free(bias), free(expected), free(actual), free(packed), free(col);
    return bad;
}

static int check_f32(ck_isa isa, ck_threadpool* pool, int* cases) {
    int failures = 0;
    const ck_gemm_f32_config* config = ck_gemm_f32_config_for(isa);
    if (!config) return 0;
    static const size_t shapes[][3] = {{1, 1, 1}, {3, 17, 5}, {4, 16, 16}, {5, 33, 9}, {9, 7, 300}, {2, 40, 1000}, {13, 1, 3}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int kn = 0; kn < 2; kn++) {
            (*cases)++;
            size_t bad = check_gemm_f32(config, shapes[s][0], shapes[s][1], shapes[s][2], kn, pool);
            if (bad) {
                failures++;
                printf("  FAIL %s m=%zu n=%zu k=%zu kn=%d: %zu differ\n", config->name, shapes[s][0], shapes[s][1],
                       shapes[s][2], kn, bad);
            }
        }
    static const size_t kernels[][3] = {{1, 1, 0}, {3, 1, 0}, {3, 2, 0}, {3, 1, 1}, {3, 2, 1}, {5, 1, 1}, {5, 2, 1}};
    for (size_t kind = 0; kind < sizeof kernels / sizeof kernels[0]; kind++)
        for (int i = 0; i < 4; i++) {
            ck_conv2d_geometry g = random_geometry(kernels[kind][0], kernels[kind][1], (int)kernels[kind][2]);
            (*cases)++;
            size_t bad = check_conv_f32(isa, (int)kernels[kind][2], g, pool);
            if (bad) {
                failures++;
                printf("  FAIL %s f32 %s %zux%zu s%zu in %zux%zux%zu out_c %zu: %zu differ\n", ck_isa_name(isa),
                       kernels[kind][2] ? "dwconv" : "igemm", g.kernel_h, g.kernel_w, g.stride_h, g.in_h, g.in_w,
                       g.in_c, g.out_c, bad);
            }
        }
    // ConvTranspose: {kernel, stride, pad, dilation, extra output}: the autoencoder's 4x4/2/1,
    // stride 1, dilation, output padding, a 1x1 and a kernel narrower than the stride.
    static const size_t deconvs[][5] = {{4, 2, 1, 1, 0}, {3, 1, 1, 1, 0}, {3, 2, 1, 1, 1}, {3, 2, 0, 2, 0},
                                        {1, 1, 0, 1, 0}, {2, 3, 0, 1, 2}, {5, 2, 2, 1, 1}};
    for (size_t kind = 0; kind < sizeof deconvs / sizeof deconvs[0]; kind++)
        for (int i = 0; i < 3; i++) {
            ck_conv2d_geometry g;
            memset(&g, 0, sizeof g);
            g.batch = (size_t)rng_range(1, 2);
            g.in_h = (size_t)rng_range(1, 9);
            g.in_w = (size_t)rng_range(1, 9);
            g.in_c = (size_t)(i == 2 ? rng_range(17, 48) : rng_range(1, 16));
            g.out_c = (size_t)(i == 1 ? rng_range(17, 40) : rng_range(1, 16));
            g.kernel_h = g.kernel_w = deconvs[kind][0];
            g.stride_h = g.stride_w = deconvs[kind][1];
            g.pad_top = g.pad_left = deconvs[kind][2];
            g.dilation_h = g.dilation_w = deconvs[kind][3];
            const size_t span = (deconvs[kind][0] - 1) * deconvs[kind][3] + 1;
            g.out_h = (g.in_h - 1) * g.stride_h + span + deconvs[kind][4] - 2 * g.pad_top;
            g.out_w = (g.in_w - 1) * g.stride_w + span + deconvs[kind][4] - 2 * g.pad_left;
            g.groups = 1;
            (*cases)++;
            size_t bad = check_deconv_f32(config, g, pool);
            if (bad) {
                failures++;
                printf("  FAIL %s f32 deconv %zux%zu s%zu p%zu d%zu in %zux%zux%zu out %zux%zux%zu: %zu differ\n",
                       config->name, g.kernel_h, g.kernel_w, g.stride_h, g.pad_top, g.dilation_h, g.in_h, g.in_w,
                       g.in_c, g.out_h, g.out_w, g.out_c, bad);
            }
        }
    return failures;
}

// Pooling and quantized binary fast paths against the references, bit for bit.
static int check_simd_ops(ck_isa isa, int* cases) {
    const ck_simd_ops* ops = ck_simd_ops_for(isa);
    if (!ops) return 0;
    int failures = 0;
    for (int i = 0; i < 24; i++) {
        ck_pool2d_geometry g;
        memset(&g, 0, sizeof g);
        g.batch = (size_t)rng_range(1, 2);
        g.in_h = (size_t)rng_range(1, 9);
        g.in_w = (size_t)rng_range(1, 9);
        g.channels = (size_t)(i % 4 == 0 ? rng_range(33, 70) : rng_range(1, 40));
        g.kernel_h = (size_t)rng_range(1, 3);
        g.kernel_w = (size_t)rng_range(1, 3);
        g.stride_h = g.stride_w = (size_t)rng_range(1, 2);
        g.dilation_h = g.dilation_w = 1;
        g.pad_top = g.pad_bottom = g.kernel_h / 2;
        g.pad_left = g.pad_right = g.kernel_w / 2;
        g.out_h = (g.in_h + g.pad_top + g.pad_bottom - g.kernel_h) / g.stride_h + 1;
        g.out_w = (g.in_w + g.pad_left + g.pad_right - g.kernel_w) / g.stride_w + 1;
        const size_t xn = g.batch * g.in_h * g.in_w * g.channels, yn = g.batch * g.out_h * g.out_w * g.channels;
        int8_t* x = malloc(xn);
        int8_t* y = malloc(yn);
        int8_t* e = malloc(yn);
        for (size_t j = 0; j < xn; j++) x[j] = (int8_t)rng_range(-128, 127);
        const int32_t xz = rng_range(-128, 127), yz = rng_range(-20, 20);
        const float xs = 0.05f, ys = 0.04f + 0.01f * (float)(i % 5);
        size_t bad = 0;
        ops->maxpool2d_s8(&g, x, y);
        ck_maxpool2d_s8__scalar(&g, x, e);
        for (size_t j = 0; j < yn; j++) bad += y[j] != e[j];
        ops->avgpool2d_qs8(&g, i % 2, xs, xz, ys, yz, x, y);
        ck_avgpool2d_qs8__scalar(&g, i % 2, xs, xz, ys, yz, x, e);
        for (size_t j = 0; j < yn; j++) bad += y[j] != e[j];
        const size_t pixels = g.in_h * g.in_w;
        {
            // Float pooling must be bit-identical too (same comparisons, same summation order).
            float* xf = malloc(xn * sizeof(float));
            float* yf = malloc(yn * sizeof(float));
            float* ef = malloc(yn * sizeof(float));
            for (size_t j = 0; j < xn; j++) xf[j] = (float)x[j] * 0.37f;
            if (xn > 3) xf[3] = -0.0f, xf[xn / 2] = 0.0f;
            ops->maxpool2d_f32(&g, xf, yf);
            ck_maxpool2d_f32__scalar(&g, xf, ef);
            bad += (size_t)memcmp(yf, ef, yn * sizeof(float)) != 0;
            ops->global_avgpool_f32(g.batch, pixels, g.channels, xf, yf);
            ck_global_avgpool_f32__scalar(g.batch, pixels, g.channels, xf, ef);
            bad += (size_t)memcmp(yf, ef, g.batch * g.channels * sizeof(float)) != 0;
            // The separable average: another summation order, so within rounding.
            float* rows = malloc((ck_avgpool2d_f32_rows_scratch_size(&g) + 1) * sizeof(float));
            ck_avgpool2d_f32_rows(&g, i % 2, xf, rows, yf);
            ck_avgpool2d_f32__scalar(&g, i % 2, xf, ef);
            for (size_t j = 0; j < yn; j++) bad += !close_enough(yf[j], ef[j], g.kernel_h * g.kernel_w);
            free(rows);
            free(xf), free(yf), free(ef);
        }
        ops->global_avgpool_qs8(g.batch, pixels, g.channels, xs, xz, ys, yz, x, y);
        ck_global_avgpool_qs8__scalar(g.batch, pixels, g.channels, xs, xz, ys, yz, x, e);
        for (size_t j = 0; j < g.batch * g.channels; j++) bad += y[j] != e[j];
        (*cases)++;
        if (bad) {
            failures++;
            printf("  FAIL %s pooling case %d: %zu differ\n", ops->suffix, i, bad);
        }
        free(x), free(y), free(e);
    }
    // QuantizeLinear: per tensor and per channel, odd lengths, values on .5 ties, huge, NaN.
    for (int i = 0; i < 16; i++) {
        const size_t outer = (size_t)rng_range(1, 3), channels = (size_t)(i % 2 ? rng_range(1, 5) : 1);
        const size_t inner = (size_t)(i % 4 == 0 ? rng_range(1, 9) : rng_range(9, 300)), n = outer * channels * inner;
        float* x = malloc(n * sizeof(float));
        float scale[5];
        int32_t zs[5], zu[5];
        for (size_t c = 0; c < channels; c++)
            scale[c] = 0.01f + 0.03f * (float)c, zs[c] = rng_range(-10, 10), zu[c] = rng_range(0, 255);
        for (size_t j = 0; j < n; j++) x[j] = (float)rng_range(-4000, 4000) * 0.005f;
        if (n > 4) x[1] = 0.5f * scale[0], x[2] = -2.5f * scale[0], x[3] = 1e30f, x[4] = -1e30f;
        if (n > 6) x[5] = NAN, x[6] = -0.0f;
        int8_t* ys = malloc(n);
        int8_t* es = malloc(n);
        uint8_t* yu = malloc(n);
        uint8_t* eu = malloc(n);
        ops->quantize_f32_s8(outer, channels, inner, x, scale, zs, ys);
        ck_quantize_f32_s8__scalar(outer, channels, inner, x, scale, zs, es);
        ops->quantize_f32_u8(outer, channels, inner, x, scale, zu, yu);
        ck_quantize_f32_u8__scalar(outer, channels, inner, x, scale, zu, eu);
        size_t bad = 0;
        for (size_t j = 0; j < n; j++) bad += (ys[j] != es[j]) + (yu[j] != eu[j]);
        (*cases)++;
        if (bad) {
            failures++;
            printf("  FAIL %s quantize case %d (%zux%zux%zu): %zu differ\n", ops->suffix, i, outer, channels, inner, bad);
        }
        free(x), free(ys), free(es), free(yu), free(eu);
    }
    // Binary: [d0][d1] with b full, row-broadcast, per-channel or scalar; a the same or not.
    for (int i = 0; i < 32; i++) {
        ck_broadcast bc;
        memset(&bc, 0, sizeof bc);
        bc.rank = 2;
        bc.shape[0] = (size_t)rng_range(1, 5);
        bc.shape[1] = (size_t)rng_range(1, 45);
        bc.a_stride[0] = bc.shape[1];
        bc.a_stride[1] = 1;
        const int kind = i % 4; // 0 same shape, 1 b per channel, 2 b scalar, 3 a per channel
        bc.b_stride[0] = kind == 0 ? bc.shape[1] : 0;
        bc.b_stride[1] = kind == 2 ? 0 : 1;
        if (kind == 3) {
            bc.a_stride[0] = 0;
            bc.b_stride[0] = bc.shape[1];
        }
        const size_t count = bc.shape[0] * bc.shape[1];
        uint8_t* a = malloc(count);
        uint8_t* b = malloc(count);
        uint8_t* y = malloc(count);
        uint8_t* e = malloc(count);
        for (size_t j = 0; j < count; j++) a[j] = (uint8_t)rng_range(0, 255), b[j] = (uint8_t)rng_range(0, 255);
        ck_qbinary_params q = {0.02f + 0.001f * (float)i, 0.015f, 0.03f + 0.002f * (float)(i % 7),
                               rng_range(-128, 127), rng_range(-128, 127), rng_range(-10, 10)};
        ck_qbinary_params qu = q;
        qu.a_zero_point += 128, qu.b_zero_point += 128, qu.y_zero_point += 128;
        size_t bad = 0;
        ops->qadd_s8(&bc, &q, (const int8_t*)a, (const int8_t*)b, (int8_t*)y);
        ck_qadd_s8__scalar(&bc, &q, (const int8_t*)a, (const int8_t*)b, (int8_t*)e);
        for (size_t j = 0; j < count; j++) bad += y[j] != e[j];
        ops->qmul_s8(&bc, &q, (const int8_t*)a, (const int8_t*)b, (int8_t*)y);
        ck_qmul_s8__scalar(&bc, &q, (const int8_t*)a, (const int8_t*)b, (int8_t*)e);
        for (size_t j = 0; j < count; j++) bad += y[j] != e[j];
        ops->qadd_u8(&bc, &qu, a, b, y);
        ck_qadd_u8__scalar(&bc, &qu, a, b, e);
        for (size_t j = 0; j < count; j++) bad += y[j] != e[j];
        ops->qmul_u8(&bc, &qu, a, b, y);
        ck_qmul_u8__scalar(&bc, &qu, a, b, e);
        for (size_t j = 0; j < count; j++) bad += y[j] != e[j];
        (*cases)++;
        if (bad) {
            failures++;
            printf("  FAIL %s binary case %d (%zux%zu kind %d): %zu differ\n", ops->suffix, i, bc.shape[0],
                   bc.shape[1], kind, bad);
        }
        free(a), free(b), free(y), free(e);
    }
    return failures;
}

int ck_bench_main(size_t threads); // ck_bench.c

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// `ck_tester bench`: throughput of each path on one convolution-sized GEMM (a 3x3 conv with
// 64 input channels over 28x28 pixels, im2col form), best of several runs. Indicative only.
static int bench(void) {
    const size_t m = 784, n = 128, k = 576;
    int8_t* a = malloc(m * k);
    int8_t* w = malloc(n * k);
    int8_t* y = malloc(m * n);
    float* multiplier = malloc(n * sizeof(float));
    for (size_t i = 0; i < m * k; i++) a[i] = (int8_t)rng_range(-128, 127);
    for (size_t i = 0; i < n * k; i++) w[i] = (int8_t)rng_range(-127, 127);
    for (size_t j = 0; j < n; j++) multiplier[j] = 0.0004f;
    void* packed = malloc(ck_qgemm_s8_packed_size(n, k));
    ck_qgemm_s8_pack(n, k, w, k, NULL, 3, multiplier, packed);
    ck_qgemm_s8_params params = {0, -128, 127};
    printf("ck_tester bench: m=%zu n=%zu k=%zu (%.1f MMAC)\n", m, n, k, (double)(m * n * k) * 1e-6);
    for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
        const ck_qgemm_s8_config* config = ck_qgemm_s8_config_for((ck_isa)isa);
        if (!config) continue;
        double best = 1e30;
        for (int run = 0; run < 7; run++) {
            double t0 = now_seconds();
            ck_qgemm_s8(config, m, n, k, a, k, packed, y, n, &params);
            double dt = now_seconds() - t0;
            if (dt < best) best = dt;
        }
        printf("  %-32s %8.3f ms  %7.2f GMAC/s\n", config->name, best * 1e3, (double)(m * n * k) / best * 1e-9);
    }
#if defined(__x86_64__)
    if (ck_isa_available(CK_ISA_AVX512VNNI)) {
        // The 256-bit tile the table no longer selects, called directly for comparison.
        const ck_qgemm_s8_config zmm = {"ck_qgemm_s8_4x8c8__avx512vnni", CK_ISA_AVX512VNNI, 4, 8, 8,
                                        ck_qgemm_s8_4x8c8__avx512vnni};
        double best = 1e30;
        for (int run = 0; run < 7; run++) {
            double t0 = now_seconds();
            ck_qgemm_s8(&zmm, m, n, k, a, k, packed, y, n, &params);
            double dt = now_seconds() - t0;
            if (dt < best) best = dt;
        }
        printf("  %-32s %8.3f ms  %7.2f GMAC/s\n", zmm.name, best * 1e3, (double)(m * n * k) / best * 1e-9);
    }
#endif
    free(a), free(w), free(y), free(multiplier), free(packed);
    return 0;
}

// The fast broadcast paths of ck_add/sub/mul/div_f32 against the reference odometer, bit for
// bit, on random shapes where each operand is full, a single value, or repeats an inner block.
static int check_binary_f32(int* cases) {
    void (*fast[4])(const ck_broadcast*, const float*, const float*, float*) = {ck_add_f32, ck_sub_f32, ck_mul_f32, ck_div_f32};
    void (*ref[4])(const ck_broadcast*, const float*, const float*, float*) = {
        ck_add_f32__scalar, ck_sub_f32__scalar, ck_mul_f32__scalar, ck_div_f32__scalar};
    int failures = 0;
    for (int c = 0; c < 200; c++) {
        ck_broadcast bc;
        memset(&bc, 0, sizeof bc);
        bc.rank = (size_t)rng_range(1, 4);
        size_t total = 1;
        for (size_t d = 0; d < bc.rank; d++) total *= (bc.shape[d] = (size_t)rng_range(1, 9));
        // Per operand: 0 full, 1 single value, 2 inner block from a random split, 3 outer-only.
        const int kind_a = c % 2 ? 0 : rng_range(0, 3), kind_b = c % 2 ? rng_range(0, 3) : 0;
        const size_t split = (size_t)rng_range(0, (int32_t)bc.rank);
        size_t* strides[2] = {bc.a_stride, bc.b_stride};
        const int kinds[2] = {kind_a, kind_b};
        for (int o = 0; o < 2; o++) {
            size_t stride = 1;
            for (size_t d = bc.rank; d-- > 0;) {
                const int present = kinds[o] == 0 || (kinds[o] == 2 && d >= split) || (kinds[o] == 3 && d < split);
                strides[o][d] = present && bc.shape[d] > 1 ? stride : 0;
                if (present) stride *= bc.shape[d];
            }
        }
        float* a = malloc(total * sizeof(float));
        float* b = malloc(total * sizeof(float));
        float* y0 = malloc(total * sizeof(float));
        float* y1 = malloc(total * sizeof(float));
        for (size_t i = 0; i < total; i++) {
            a[i] = rng_float();
            b[i] = rng_float() + (rng_range(0, 1) ? 2.0f : -2.0f);  // away from 0 for Div
        }
        for (int op = 0; op < 4; op++) {
            (*cases)++;
            ref[op](&bc, a, b, y0);
            fast[op](&bc, a, b, y1);
            if (memcmp(y0, y1, total * sizeof(float)) != 0) {
                failures++;
                printf("  FAIL binary f32 op %d rank %zu kinds %d/%d split %zu\n", op, bc.rank, kind_a, kind_b, split);
            }
        }
        free(a);
        free(b);
        free(y0);
        free(y1);
    }
    printf("  binary f32 fast paths (add/sub/mul/div broadcasts): %s\n", failures ? "FAILED" : "ok");
    return failures;
}

// ck_range_f32 (SIMD) against the scalar rule, NaN and negative zero included.
static int check_range_f32(int* cases) {
    int failures = 0;
    for (int c = 0; c < 100; c++) {
        const size_t n = (size_t)rng_range(0, 70);
        float* x = malloc((n + 1) * sizeof(float));
        const float bias = (float)rng_range(-3, 3);
        for (size_t i = 0; i < n; i++) x[i] = rng_float() + bias;
        if (n > 0 && c % 5 == 0) x[(size_t)rng_range(0, (int32_t)n - 1)] = NAN;
        if (n > 0 && c % 7 == 0) x[(size_t)rng_range(0, (int32_t)n - 1)] = -0.0f;
        float lo0, hi0, lo1, hi1;
        ck_range_f32__scalar(n, x, &lo0, &hi0);
        ck_range_f32(n, x, &lo1, &hi1);
        (*cases)++;
        if (memcmp(&lo0, &lo1, sizeof lo0) != 0 || memcmp(&hi0, &hi1, sizeof hi0) != 0) {
            failures++;
            printf("  FAIL range f32 n=%zu: [%g, %g] vs [%g, %g]\n", n, lo1, hi1, lo0, hi0);
        }
        free(x);
    }
    printf("  range f32 (DynamicQuantizeLinear): %s\n", failures ? "FAILED" : "ok");
    return failures;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "bench") == 0) {
        const int status = bench();
        return status ? status : ck_bench_main(argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 0);
    }
    static const size_t shapes[][3] = {
        {1, 1, 1},   {1, 8, 8},   {2, 7, 3},   {3, 9, 15},  {4, 8, 16},    {5, 16, 17}, {7, 23, 9},
        {9, 1, 31},  {4, 64, 64}, {1, 33, 300}, {17, 12, 7}, {6, 40, 1000}, {13, 8, 8},  {8, 17, 24},
        {2, 3, 2},   {3, 5, 33},  {11, 9, 47},
    };
    static const int32_t zero_points[] = {0, -128, 127, 5, -17};
    int failures = 0, cases = 0;
    // Three threads even on a small machine, so tiles really are split across workers.
    ck_threadpool* pool = ck_threadpool_create(3);
    printf("ck_tester: selected ISA %s, %zu physical cores\n", ck_isa_name(ck_isa_selected()), ck_physical_cores());
    for (int isa = 0; isa < CK_ISA_COUNT; isa++) {
        const ck_qgemm_s8_config* config = ck_qgemm_s8_config_for((ck_isa)isa);
        if (!config) {
            printf("  %-12s not available\n", ck_isa_name((ck_isa)isa));
            continue;
        }
        int isa_failures = 0;
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            const int32_t za = zero_points[s % 5];
            const int relu = s % 3 == 1;
            size_t bad = check_qgemm(config, shapes[s][0], shapes[s][1], shapes[s][2], za, relu);
            cases++;
            if (bad) {
                isa_failures++;
                printf("  FAIL %s m=%zu n=%zu k=%zu za=%d relu=%d: %zu outputs differ\n", config->name, shapes[s][0],
                       shapes[s][1], shapes[s][2], za, relu, bad);
            }
        }
        isa_failures += check_convs((ck_isa)isa, pool, &cases);
        isa_failures += check_f32((ck_isa)isa, pool, &cases);
        isa_failures += check_simd_ops((ck_isa)isa, &cases);
        printf("  %-12s %s + igemm + dwconv + f32 + pool/qbinary: %s\n", ck_isa_name((ck_isa)isa), config->name,
               isa_failures ? "FAILED" : "ok");
        failures += isa_failures;
    }
    ck_threadpool_destroy(pool);
    failures += check_binary_f32(&cases);
    failures += check_range_f32(&cases);
#if defined(__x86_64__)
    if (ck_isa_available(CK_ISA_AVX512VNNI)) {
        // Kept out of the dispatch table (the zmm tile is faster) but still exported: check it.
        const ck_qgemm_s8_config ymm = {"ck_qgemm_s8_4x8c8__avx512vnni", CK_ISA_AVX512VNNI, 4, 8, 8,
                                        ck_qgemm_s8_4x8c8__avx512vnni};
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++, cases++)
            if (check_qgemm(&ymm, shapes[s][0], shapes[s][1], shapes[s][2], zero_points[s % 5], s % 3 == 1)) {
                failures++;
                printf("  FAIL %s shape %zu\n", ymm.name, s);
            }
    }
#endif
    printf("ck_tester: %d cases, %d failed\n", cases, failures);
    return failures ? 1 : 0;
}
