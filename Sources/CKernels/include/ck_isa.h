// Instruction-set selection for the fast kernels: the best path this CPU supports, or the
// one named by the environment variable EDGEMLOPS_ISA (scalar|neon|neondot|avx2|avx512vnni)
// so that every path available on a machine can be tested and benchmarked.
#ifndef CK_ISA_H
#define CK_ISA_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ck_isa {
    CK_ISA_SCALAR = 0,     ///< portable C, always available
    CK_ISA_NEON = 1,       ///< AArch64 Advanced SIMD, widening multiply-accumulate (Cortex-A72, Pi 4)
    CK_ISA_NEONDOT = 2,    ///< NEON + sdot (Cortex-A76, Pi 5)
    CK_ISA_AVX2 = 3,       ///< x86-64 AVX2 + FMA
    CK_ISA_AVX512VNNI = 4, ///< x86-64 AVX-512 VL + VNNI (vpdpbusd)
    CK_ISA_COUNT = 5,
} ck_isa;

/// Lower-case name as accepted by EDGEMLOPS_ISA ("scalar", "neon", ...).
const char* ck_isa_name(ck_isa isa);

/// Parses an EDGEMLOPS_ISA value; returns 0 and leaves *isa untouched when unknown.
int ck_isa_parse(const char* name, ck_isa* isa);

/// 1 when this build contains the path and this CPU (and OS) supports it.
int ck_isa_available(ck_isa isa);

/// The best available path.
ck_isa ck_isa_best(void);

/// The path kernels use: EDGEMLOPS_ISA when it names an available path, otherwise the best
/// one. Read once, thread-safe. See ck_isa_override_status for why an override was ignored.
ck_isa ck_isa_selected(void);

/// Outcome of EDGEMLOPS_ISA, for `edgemlops doctor` and logs.
typedef enum ck_isa_override {
    CK_ISA_OVERRIDE_NONE = 0,        ///< variable unset or empty
    CK_ISA_OVERRIDE_APPLIED = 1,     ///< the named path is in use
    CK_ISA_OVERRIDE_UNKNOWN = 2,     ///< not one of the names above; best path used
    CK_ISA_OVERRIDE_UNAVAILABLE = 3, ///< known name, not supported here; best path used
} ck_isa_override;

ck_isa_override ck_isa_override_status(void);

#ifdef __cplusplus
}
#endif

#endif
