// Dispatch table of the pooling / quantized binary fast paths, and the loop skeletons the
// ISA files share (window walking, broadcast odometer), so each ISA file only supplies the
// vector body.
#include "ck_simd_ops.h"
#include "ck_simd_internal.h"

static const ck_simd_ops ck_simd_ops_table[CK_ISA_COUNT] = {
    [CK_ISA_SCALAR] = {"scalar", CK_ISA_SCALAR, ck_maxpool2d_s8__scalar, ck_avgpool2d_qs8__scalar,
                       ck_global_avgpool_qs8__scalar, ck_qadd_s8__scalar, ck_qadd_u8__scalar, ck_qmul_s8__scalar,
                       ck_qmul_u8__scalar, ck_maxpool2d_f32__scalar, ck_global_avgpool_f32__scalar,
                       ck_quantize_f32_s8__scalar, ck_quantize_f32_u8__scalar},
#if defined(__x86_64__)
    [CK_ISA_AVX2] = {"avx2", CK_ISA_AVX2, ck_maxpool2d_s8__avx2, ck_avgpool2d_qs8__avx2, ck_global_avgpool_qs8__avx2,
                     ck_qadd_s8__avx2, ck_qadd_u8__avx2, ck_qmul_s8__avx2, ck_qmul_u8__avx2, ck_maxpool2d_f32__avx2,
                     ck_global_avgpool_f32__avx2, ck_quantize_f32_s8__avx2, ck_quantize_f32_u8__avx2},
    [CK_ISA_AVX512VNNI] = {"avx2", CK_ISA_AVX512VNNI, ck_maxpool2d_s8__avx2, ck_avgpool2d_qs8__avx2,
                           ck_global_avgpool_qs8__avx2, ck_qadd_s8__avx2, ck_qadd_u8__avx2, ck_qmul_s8__avx2,
                           ck_qmul_u8__avx2, ck_maxpool2d_f32__avx2, ck_global_avgpool_f32__avx2, ck_quantize_f32_s8__avx2, ck_quantize_f32_u8__avx2},
#endif
#if defined(__aarch64__)
    [CK_ISA_NEON] = {"neon", CK_ISA_NEON, ck_maxpool2d_s8__neon, ck_avgpool2d_qs8__neon, ck_global_avgpool_qs8__neon,
                     ck_qadd_s8__neon, ck_qadd_u8__neon, ck_qmul_s8__neon, ck_qmul_u8__neon, ck_maxpool2d_f32__neon,
                     ck_global_avgpool_f32__neon, ck_quantize_f32_s8__neon, ck_quantize_f32_u8__neon},
    [CK_ISA_NEONDOT] = {"neon", CK_ISA_NEONDOT, ck_maxpool2d_s8__neon, ck_avgpool2d_qs8__neon,
                        ck_global_avgpool_qs8__neon, ck_qadd_s8__neon, ck_qadd_u8__neon, ck_qmul_s8__neon,
                        ck_qmul_u8__neon, ck_maxpool2d_f32__neon, ck_global_avgpool_f32__neon, ck_quantize_f32_s8__neon, ck_quantize_f32_u8__neon},
#endif
};

const ck_simd_ops* ck_simd_ops_for(ck_isa isa) {
    if ((unsigned)isa >= CK_ISA_COUNT || !ck_isa_available(isa) || !ck_simd_ops_table[isa].suffix) return NULL;
    return &ck_simd_ops_table[isa];
}
