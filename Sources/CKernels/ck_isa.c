// ISA selection and the qgemm_s8 dispatch table.
#include "ck_isa.h"
#include "ck_cpu.h"
#include "ck_qgemm_s8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char* const ck_isa_names[CK_ISA_COUNT] = {"scalar", "neon", "neondot", "avx2", "avx512vnni"};

const char* ck_isa_name(ck_isa isa) {
    return (unsigned)isa < CK_ISA_COUNT ? ck_isa_names[isa] : "unknown";
}

int ck_isa_parse(const char* name, ck_isa* isa) {
    if (!name) return 0;
    for (int i = 0; i < CK_ISA_COUNT; i++) {
        if (strcmp(name, ck_isa_names[i]) == 0) {
            *isa = (ck_isa)i;
            return 1;
        }
    }
    return 0;
}

int ck_isa_available(ck_isa isa) {
    const uint32_t f = ck_cpu_features();
    switch (isa) {
    case CK_ISA_SCALAR:
        return 1;
#if defined(__aarch64__)
    case CK_ISA_NEON:
        return (f & CK_CPU_NEON) != 0;
    case CK_ISA_NEONDOT:
        return (f & CK_CPU_NEON) && (f & CK_CPU_NEON_DOTPROD);
#endif
#if defined(__x86_64__)
    case CK_ISA_AVX2:
        return (f & CK_CPU_AVX2) != 0;
    case CK_ISA_AVX512VNNI: {
        // The kernel uses the 256-bit (VL) form of vpdpbusd.
        const uint32_t need = CK_CPU_AVX2 | CK_CPU_AVX512F | CK_CPU_AVX512BW | CK_CPU_AVX512VL | CK_CPU_AVX512VNNI;
        return (f & need) == need;
    }
#endif
    default:
        return 0;
    }
}

ck_isa ck_isa_best(void) {
    static const ck_isa preference[] = {CK_ISA_AVX512VNNI, CK_ISA_AVX2, CK_ISA_NEONDOT, CK_ISA_NEON};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++)
        if (ck_isa_available(preference[i])) return preference[i];
    return CK_ISA_SCALAR;
}

static pthread_once_t ck_isa_once = PTHREAD_ONCE_INIT;
static ck_isa ck_isa_chosen = CK_ISA_SCALAR;
static ck_isa_override ck_isa_status = CK_ISA_OVERRIDE_NONE;

static void ck_isa_choose(void) {
    const char* env = getenv("EDGEMLOPS_ISA");
    ck_isa_chosen = ck_isa_best();
    if (!env || !*env) {
        ck_isa_status = CK_ISA_OVERRIDE_NONE;
        return;
    }
    ck_isa requested;
    if (!ck_isa_parse(env, &requested)) {
        ck_isa_status = CK_ISA_OVERRIDE_UNKNOWN;
    } else if (!ck_isa_available(requested)) {
        ck_isa_status = CK_ISA_OVERRIDE_UNAVAILABLE;
    } else {
        ck_isa_chosen = requested;
        ck_isa_status = CK_ISA_OVERRIDE_APPLIED;
    }
}

ck_isa ck_isa_selected(void) {
    pthread_once(&ck_isa_once, ck_isa_choose);
    return ck_isa_chosen;
}

ck_isa_override ck_isa_override_status(void) {
    pthread_once(&ck_isa_once, ck_isa_choose);
    return ck_isa_status;
}

static const ck_qgemm_s8_config ck_qgemm_s8_table[CK_ISA_COUNT] = {
    [CK_ISA_SCALAR] = {"ck_qgemm_s8_4x8c8__scalar", CK_ISA_SCALAR, 4, 8, 8, ck_qgemm_s8_4x8c8__scalar},
#if defined(__aarch64__)
    [CK_ISA_NEON] = {"ck_qgemm_s8_2x8c8__neon_mlal", CK_ISA_NEON, 2, 8, 8, ck_qgemm_s8_2x8c8__neon_mlal},
    [CK_ISA_NEONDOT] = {"ck_qgemm_s8_4x8c8__neondot", CK_ISA_NEONDOT, 4, 8, 8, ck_qgemm_s8_4x8c8__neondot},
#endif
#if defined(__x86_64__)
    [CK_ISA_AVX2] = {"ck_qgemm_s8_4x8c8__avx2", CK_ISA_AVX2, 4, 8, 8, ck_qgemm_s8_4x8c8__avx2},
    // The zmm tile: one vpdpbusd per row and K block, 1.5x the 256-bit 4x8c8 tile (docs/kernels.md).
    [CK_ISA_AVX512VNNI] = {"ck_qgemm_s8_8x16c8__avx512vnni", CK_ISA_AVX512VNNI, 8, 8, 8,
                           ck_qgemm_s8_8x16c8__avx512vnni},
#endif
};

const ck_qgemm_s8_config* ck_qgemm_s8_config_for(ck_isa isa) {
    if ((unsigned)isa >= CK_ISA_COUNT || !ck_isa_available(isa) || !ck_qgemm_s8_table[isa].ukernel) return NULL;
    return &ck_qgemm_s8_table[isa];
}

const ck_qgemm_s8_config* ck_qgemm_s8_config_default(void) {
    return ck_qgemm_s8_config_for(ck_isa_selected());
}
