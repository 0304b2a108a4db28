// Standalone C tester for the CKernels microkernels: every ISA path this CPU offers is run
// against the scalar reference on random shapes (edge sizes, odd sizes, large K). It exists
// next to the Swift tests so the NEON paths can be checked on an x86-64 host by
// cross-compiling and running under qemu-aarch64 (scripts/check-kernels-aarch64.sh), where
// no Swift toolchain is available. Exit status 0 = every case matched.
#include "CKernels.h"

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
    free(a), free(w), free(y), free(multiplier), free(packed);
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "bench") == 0) return bench();
    static const size_t shapes[][3] = {
        {1, 1, 1},   {1, 8, 8},   {2, 7, 3},   {3, 9, 15},  {4, 8, 16},    {5, 16, 17}, {7, 23, 9},
        {9, 1, 31},  {4, 64, 64}, {1, 33, 300}, {17, 12, 7}, {6, 40, 1000}, {13, 8, 8},  {8, 17, 24},
        {2, 3, 2},   {3, 5, 33},  {11, 9, 47},
    };
    static const int32_t zero_points[] = {0, -128, 127, 5, -17};
    int failures = 0, cases = 0;
    printf("ck_tester: selected ISA %s\n", ck_isa_name(ck_isa_selected()));
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
        printf("  %-12s %s: %s\n", ck_isa_name((ck_isa)isa), config->name, isa_failures ? "FAILED" : "ok");
        failures += isa_failures;
    }
    printf("ck_tester: %d cases, %d failed\n", cases, failures);
    return failures ? 1 : 0;
}
