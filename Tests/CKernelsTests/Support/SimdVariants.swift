import CKernels

/// The SIMD fast paths of pooling and QLinearAdd / QLinearMul (ck_simd_ops.h), appended to
/// the suites' variant lists after the scalar reference so every case of those suites
/// checks them too. Each architecture lists its own; `available` drops what the CPU lacks.
enum SimdVariants {
    #if arch(x86_64)
        static let avx2 = UInt32(CK_CPU_AVX2)
        static let maxPoolF32 = [
            KernelVariant<PoolKernelTests.MaxPoolF32>("ck_maxpool2d_f32__avx2", ck_maxpool2d_f32__avx2, requires: avx2)
        ]
        static let globalAvgPoolF32 = [
            KernelVariant<GlobalPoolKernelTests.GapF32>(
                "ck_global_avgpool_f32__avx2",
                ck_global_avgpool_f32__avx2,
                requires: avx2
            )
        ]
        static let maxPoolS8 = [
            KernelVariant<PoolKernelTests.MaxPoolS8>("ck_maxpool2d_s8__avx2", ck_maxpool2d_s8__avx2, requires: avx2)
        ]
        static let avgPoolS8 = [
            KernelVariant<PoolKernelTests.AvgPoolS8>("ck_avgpool2d_qs8__avx2", ck_avgpool2d_qs8__avx2, requires: avx2)
        ]
        static let globalAvgPoolS8 = [
            KernelVariant<GlobalPoolKernelTests.GapS8>(
                "ck_global_avgpool_qs8__avx2", ck_global_avgpool_qs8__avx2, requires: avx2)
        ]
        static let qaddS8 = [
            KernelVariant<BinaryKernelTests.QBinaryS8>("ck_qadd_s8__avx2", ck_qadd_s8__avx2, requires: avx2)
        ]
        static let qaddU8 = [
            KernelVariant<BinaryKernelTests.QBinaryU8>("ck_qadd_u8__avx2", ck_qadd_u8__avx2, requires: avx2)
        ]
        static let qmulS8 = [
            KernelVariant<BinaryKernelTests.QBinaryS8>("ck_qmul_s8__avx2", ck_qmul_s8__avx2, requires: avx2)
        ]
        static let qmulU8 = [
            KernelVariant<BinaryKernelTests.QBinaryU8>("ck_qmul_u8__avx2", ck_qmul_u8__avx2, requires: avx2)
        ]
    #elseif arch(arm64)
        static let neon = UInt32(CK_CPU_NEON)
        static let maxPoolF32 = [
            KernelVariant<PoolKernelTests.MaxPoolF32>("ck_maxpool2d_f32__neon", ck_maxpool2d_f32__neon, requires: neon)
        ]
        static let globalAvgPoolF32 = [
            KernelVariant<GlobalPoolKernelTests.GapF32>(
                "ck_global_avgpool_f32__neon",
                ck_global_avgpool_f32__neon,
                requires: neon
            )
        ]
        static let maxPoolS8 = [
            KernelVariant<PoolKernelTests.MaxPoolS8>("ck_maxpool2d_s8__neon", ck_maxpool2d_s8__neon, requires: neon)
        ]
        static let avgPoolS8 = [
            KernelVariant<PoolKernelTests.AvgPoolS8>("ck_avgpool2d_qs8__neon", ck_avgpool2d_qs8__neon, requires: neon)
        ]
        static let globalAvgPoolS8 = [
            KernelVariant<GlobalPoolKernelTests.GapS8>(
                "ck_global_avgpool_qs8__neon", ck_global_avgpool_qs8__neon, requires: neon)
        ]
        static let qaddS8 = [
            KernelVariant<BinaryKernelTests.QBinaryS8>("ck_qadd_s8__neon", ck_qadd_s8__neon, requires: neon)
        ]
        static let qaddU8 = [
            KernelVariant<BinaryKernelTests.QBinaryU8>("ck_qadd_u8__neon", ck_qadd_u8__neon, requires: neon)
        ]
        static let qmulS8 = [
            KernelVariant<BinaryKernelTests.QBinaryS8>("ck_qmul_s8__neon", ck_qmul_s8__neon, requires: neon)
        ]
        static let qmulU8 = [
            KernelVariant<BinaryKernelTests.QBinaryU8>("ck_qmul_u8__neon", ck_qmul_u8__neon, requires: neon)
        ]
    #else
        static let maxPoolF32: [KernelVariant<PoolKernelTests.MaxPoolF32>] = []
        static let globalAvgPoolF32: [KernelVariant<GlobalPoolKernelTests.GapF32>] = []
        static let maxPoolS8: [KernelVariant<PoolKernelTests.MaxPoolS8>] = []
        static let avgPoolS8: [KernelVariant<PoolKernelTests.AvgPoolS8>] = []
        static let globalAvgPoolS8: [KernelVariant<GlobalPoolKernelTests.GapS8>] = []
        static let qaddS8: [KernelVariant<BinaryKernelTests.QBinaryS8>] = []
        static let qaddU8: [KernelVariant<BinaryKernelTests.QBinaryU8>] = []
        static let qmulS8: [KernelVariant<BinaryKernelTests.QBinaryS8>] = []
        static let qmulU8: [KernelVariant<BinaryKernelTests.QBinaryU8>] = []
    #endif
}
