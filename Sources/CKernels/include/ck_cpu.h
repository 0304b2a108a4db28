// CPU feature detection for runtime kernel dispatch.
#ifndef CK_CPU_H
#define CK_CPU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Features the kernels care about, as bits of `ck_cpu_features()`.
enum {
    CK_CPU_NEON = 1u << 0,         ///< AArch64 Advanced SIMD (baseline on every Raspberry Pi 4/5)
    CK_CPU_NEON_DOTPROD = 1u << 1, ///< sdot/udot (Cortex-A76 and later: Raspberry Pi 5)
    CK_CPU_NEON_I8MM = 1u << 2,    ///< smmla (Armv8.6)
    CK_CPU_SSE41 = 1u << 8,
    CK_CPU_AVX2 = 1u << 9,         ///< with FMA
    CK_CPU_AVX512F = 1u << 10,
    CK_CPU_AVX512BW = 1u << 11,
    CK_CPU_AVX512VNNI = 1u << 12,
    CK_CPU_AVXVNNI = 1u << 13,
    CK_CPU_AVX512VL = 1u << 14,    ///< 128/256-bit EVEX forms (the VNNI GEMM uses 256-bit vpdpbusd)
};

/// Features of this CPU that the OS also enables (computed once, thread-safe).
uint32_t ck_cpu_features(void);

/// Number of online logical processors.
int ck_cpu_logical_count(void);

#ifdef __cplusplus
}
#endif

#endif
