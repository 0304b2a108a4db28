// CPU feature detection: getauxval on Linux/AArch64, cpuid (through the compiler's
// __builtin_cpu_supports, which also checks that the OS saves the wide registers) on x86-64.
#include "ck_cpu.h"

#include <stdatomic.h>
#include <unistd.h>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif
#endif

static uint32_t ck_detect(void) {
    uint32_t features = 0;
#if defined(__aarch64__)
#if defined(__linux__)
    unsigned long hwcap = getauxval(AT_HWCAP);
    unsigned long hwcap2 = getauxval(AT_HWCAP2);
    if (hwcap & HWCAP_ASIMD) features |= CK_CPU_NEON;
    if (hwcap & HWCAP_ASIMDDP) features |= CK_CPU_NEON_DOTPROD;
    if (hwcap2 & HWCAP2_I8MM) features |= CK_CPU_NEON_I8MM;
#else
    features |= CK_CPU_NEON;
#endif
#elif defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.1")) features |= CK_CPU_SSE41;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) features |= CK_CPU_AVX2;
    if (__builtin_cpu_supports("avx512f")) features |= CK_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) features |= CK_CPU_AVX512BW;
    if (__builtin_cpu_supports("avx512vnni")) features |= CK_CPU_AVX512VNNI;
    if (__builtin_cpu_supports("avx512vl")) features |= CK_CPU_AVX512VL;
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 11)
    if (__builtin_cpu_supports("avxvnni")) features |= CK_CPU_AVXVNNI;
#endif
#endif
    return features;
}

uint32_t ck_cpu_features(void) {
    // Bit 31 marks "computed"; racing first calls store the same value.
    static _Atomic uint32_t cached = 0;
    uint32_t value = atomic_load_explicit(&cached, memory_order_relaxed);
    if (value == 0) {
        value = ck_detect() | (1u << 31);
        atomic_store_explicit(&cached, value, memory_order_relaxed);
    }
    return value & ~(1u << 31);
}

int ck_cpu_logical_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
