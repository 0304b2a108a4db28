import CKernels
import Testing

/// The packed float32 GEMM, indirect convolution and depthwise microkernels of every ISA
/// against the scalar references (tolerance: summation order and fused multiply-adds differ),
/// and the pool-parallel drivers against the serial call (bit for bit).
@Suite("Float32 microkernels")
struct FloatMicrokernelTests {
    static let isas = IndirectConvS8Tests.isas

    struct GemmShape: Sendable, CustomTestStringConvertible {
        var m: Int, n: Int, k: Int
        var kMajor: Bool
        var testDescription: String { "\(m)x\(n)x\(k)\(kMajor ? " [k][n]" : " [n][k]")" }
    }

    /// 1, odd, around the 4x16 tile, long K; both weight layouts.
    static let gemmShapes: [GemmShape] = [(1, 1, 1), (3, 17, 5), (4, 16, 16), (5, 33, 9), (9, 7, 300), (2, 40, 1000)]
        .flatMap { s in [false, true].map { GemmShape(m: s.0, n: s.1, k: s.2, kMajor: $0) } }

    /// Tolerance grows with the dot-product length.
    static func tolerance(_ k: Int) -> Float { 1e-5 + 2e-6 * Float(k) }

    @Test(arguments: isas, gemmShapes)
    func gemmMatchesReference(arg: IndirectConvS8Tests.IsaArgument, s: GemmShape) throws {
        let config = try #require(ck_gemm_f32_config_for(arg.isa))
        var rng = SplitMix64(seed: UInt64(s.m * 7 + s.n * 131 + s.k))
        let aStride = s.k + 1
        let yStride = s.n + 2
        let a = rng.floats(s.m * aStride)
        let w = rng.floats(s.n * s.k)
        let bias = rng.floats(s.n)
        var packed = [Float](repeating: .nan, count: ck_gemm_f32_packed_size(s.n, s.k))
        ck_gemm_f32_pack(s.n, s.k, w, s.kMajor ? s.n : s.k, s.kMajor ? 1 : 0, bias, &packed)
        var clamp = ck_clamp_f32(min: -3, max: 2.5)
        var actual = [Float](repeating: 7, count: s.m * yStride)
        let pool = try #require(ck_threadpool_create(2))
        defer { ck_threadpool_destroy(pool) }
        ck_gemm_f32_parallel(pool, config, s.m, s.n, s.k, a, aStride, packed, &actual, yStride, &clamp)
        var serial = [Float](repeating: 7, count: s.m * yStride)
        ck_gemm_f32_parallel(nil, config, s.m, s.n, s.k, a, aStride, packed, &serial, yStride, &clamp)

        var expected = [Float](repeating: 7, count: s.m * yStride)
        var g = ck_gemm_geometry(
            m: s.m, n: s.n, k: s.k, trans_a: 0, trans_b: s.kMajor ? 0 : 1,
            lda: aStride, ldb: s.kMajor ? s.n : s.k, ldy: yStride)
        ck_gemm_f32__scalar(&g, 1, a, w, 1, bias, 0, 1, clamp, &expected)
        let name = String(cString: config.pointee.name)
        let tol = Self.tolerance(s.k)
        expectClose(actual, expected, relative: 1e-5, absolute: tol, "\(name) \(s.testDescription)")
        #expect(actual == serial, "parallel \(name)")
    }

    @Test(arguments: isas, IndirectConvS8Tests.denseCases)
    func convMatchesReference(arg: IndirectConvS8Tests.IsaArgument, s: ConvCase) throws {
        let config = try #require(ck_gemm_f32_config_for(arg.isa))
        var rng = SplitMix64(seed: s.seed &* 31)
        let x = rng.floats(s.inputCount)
        let w = rng.floats(s.weightCount)
        let bias = rng.floats(s.outC)
        let taps = s.kernelH * s.kernelW
        let k = taps * s.inC
        var packed = [Float](repeating: .nan, count: ck_gemm_f32_packed_size(s.outC, k))
        ck_gemm_f32_pack(s.outC, k, w, k, 0, bias, &packed)
        var clamp = ck_clamp_f32(min: -4, max: 4)
        let pixels = s.outputCount / s.outC
        var scratch = [Float](repeating: 0, count: 2 * ck_conv_f32_igemm_scratch_size(config, taps, s.inC))
        var serial = [Float](repeating: 9, count: s.outputCount)
        var parallel = [Float](repeating: 8, count: s.outputCount)
        let pool = try #require(ck_threadpool_create(2))
        defer { ck_threadpool_destroy(pool) }
        Self.withIndirection(s, x) { ind in
            ck_conv_f32_igemm(config, taps, s.inC, s.outC, ind, 0, pixels, packed, &serial, s.outC, &scratch, &clamp)
            ck_conv_f32_igemm_parallel(
                pool, config, taps, s.inC, s.outC, ind, pixels, packed, &parallel, s.outC, &scratch, &clamp)
        }
        var expected = [Float](repeating: 0, count: s.outputCount)
        var g = s.geometry
        ck_conv2d_f32__scalar(&g, x, w, bias, clamp, &expected)
        let name = "\(String(cString: config.pointee.name)) \(s.testDescription)"
        expectClose(serial, expected, relative: 1e-5, absolute: Self.tolerance(k), name)
        #expect(parallel == serial, "parallel \(name)")
    }

    @Test(arguments: isas, IndirectConvS8Tests.depthwiseCases)
    func depthwiseMatchesReference(arg: IndirectConvS8Tests.IsaArgument, s: ConvCase) throws {
        let taps = s.kernelH * s.kernelW
        let config = try #require(ck_dwconv_f32_config_for(arg.isa, taps))
        var rng = SplitMix64(seed: s.seed &* 37)
        let x = rng.floats(s.inputCount)
        let w = rng.floats(s.depthwiseWeightCount)
        let bias = rng.floats(s.outC)
        var packed = [Float](repeating: .nan, count: ck_dwconv_f32_packed_size(s.outC, taps))
        ck_dwconv_f32_pack(s.outC, taps, w, bias, &packed)
        var clamp = ck_clamp_f32(min: -.infinity, max: .infinity)
        let pixels = s.outputCount / s.outC
        var serial = [Float](repeating: 9, count: s.outputCount)
        var parallel = [Float](repeating: 8, count: s.outputCount)
        let pool = try #require(ck_threadpool_create(3))
        defer { ck_threadpool_destroy(pool) }
        Self.withIndirection(s, x) { ind in
            config.pointee.ukernel(pixels, s.outC, ind, packed, &serial, s.outC, &clamp)
            ck_dwconv_f32_parallel(pool, config, pixels, s.outC, ind, packed, &parallel, s.outC, &clamp)
        }
        var expected = [Float](repeating: 0, count: s.outputCount)
        var g = s.geometry
        ck_dwconv2d_f32__scalar(&g, x, w, bias, clamp, &expected)
        let name = "\(String(cString: config.pointee.name)) \(s.testDescription)"
        expectClose(serial, expected, relative: 1e-5, absolute: Self.tolerance(taps), name)
        #expect(parallel == serial, "parallel \(name)")
    }

    static func withIndirection(
        _ s: ConvCase,
        _ x: [Float],
        _ body: (UnsafePointer<UnsafePointer<Float>?>) -> Void
    ) {
        var g = s.geometry
        let zero = [Float](repeating: 0, count: s.inC)
        x.withUnsafeBufferPointer { xp in
            zero.withUnsafeBufferPointer { zp in
                var ind = [UnsafePointer<Float>?](repeating: nil, count: ck_indirection_s8_count(&g))
                ck_indirection_f32_init(&g, xp.baseAddress, zp.baseAddress, &ind)
                ind.withUnsafeBufferPointer { body($0.baseAddress!) }
            }
        }
    }
}
