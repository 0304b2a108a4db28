import CKernels
import Testing

/// QLinearMatMul / QGemm / MatMulInteger / MatMulIntegerToFloat kernels.
@Suite("GEMM 8-bit kernels")
struct QuantGemmKernelTests {
    typealias QGemmS8 =
        @convention(c) (
            UnsafePointer<ck_gemm_geometry>?, UnsafePointer<ck_qgemm_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<Int8>?
        ) -> Void
    typealias QGemmU8 =
        @convention(c) (
            UnsafePointer<ck_gemm_geometry>?, UnsafePointer<ck_qgemm_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<UInt8>?
        ) -> Void
    typealias QGemmS32 =
        @convention(c) (
            UnsafePointer<ck_gemm_geometry>?, UnsafePointer<ck_qgemm_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<Int32>?
        ) -> Void
    typealias QGemmF32 =
        @convention(c) (
            UnsafePointer<ck_gemm_geometry>?, UnsafePointer<ck_qgemm_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<Float>?
        ) -> Void
    typealias QGemm<Output> = (
        UnsafePointer<ck_gemm_geometry>?, UnsafePointer<ck_qgemm_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
        UnsafePointer<Int32>?, UnsafeMutablePointer<Output>?
    ) -> Void

    static let s8Variants: [KernelVariant<QGemmS8>] = available([
        KernelVariant<QGemmS8>("ck_gemm_qs8__scalar", ck_gemm_qs8__scalar)
    ])
    static let u8Variants: [KernelVariant<QGemmU8>] = available([
        KernelVariant<QGemmU8>("ck_gemm_qu8__scalar", ck_gemm_qu8__scalar)
    ])
    static let s32Variants: [KernelVariant<QGemmS32>] = available([
        KernelVariant<QGemmS32>("ck_gemm_qs32__scalar", ck_gemm_qs32__scalar)
    ])
    static let f32Variants: [KernelVariant<QGemmF32>] = available([
        KernelVariant<QGemmF32>("ck_gemm_qf32__scalar", ck_gemm_qf32__scalar)
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        var shape: GemmCase
        var q: QuantConfig
        /// QGemm's alpha; 1 is QLinearMatMul.
        var alpha: Float
        /// Per-row zero points of A (QLinearMatMul allows them); otherwise one.
        var perRowA: Bool
        var testDescription: String { "\(shape.testDescription) \(q) alpha \(alpha)\(perRowA ? " per-row A" : "")" }
    }

    static func cases(_ configs: [QuantConfig]) -> [Case] {
        GemmCase.all.enumerated().flatMap { index, shape in
            configs.map { Case(shape: shape, q: $0, alpha: index % 3 == 2 ? 0.5 : 1, perRowA: index % 4 == 3) }
        }
    }

    struct Operands {
        var a: [Int32], b: [Int32], bias: [Int32]?
        var aZeroPoints: [Int32], bZeroPoints: [Int32], bScales: [Float]

        init(_ c: Case) {
            let s = c.shape, q = c.q
            var rng = SplitMix64(seed: s.seed &* 977 &+ UInt64(q.xZeroPoint & 0xff))
            a = rng.int32s(s.aCount, in: q.xRange)
            b = rng.int32s(s.bCount, in: q.wRange)
            bias = q.withBias ? rng.int32s(s.n, in: -20000...20000) : nil
            aZeroPoints = (0..<s.m).map {
                c.perRowA ? min(q.xZeroPoint &+ Int32($0 % 4), q.xRange.upperBound) : q.xZeroPoint
            }
            bZeroPoints = q.wZeroPoints(s.n)
            bScales = q.wScales(s.n)
        }

        /// acc[i][j] = bias[j] + sum_p (a - za[i]) (b - zb[j]), straight from the QLinearMatMul definition.
        func accumulators(_ s: GemmCase) -> [[Int32]] {
            (0..<s.m).map { i in
                (0..<s.n).map { j in
                    var acc = bias?[j] ?? 0
                    for p in 0..<s.k { acc += (a[s.a(i, p)] - aZeroPoints[i]) * (b[s.b(p, j)] - bZeroPoints[j]) }
                    return acc
                }
            }
        }
    }

    static func run<Output>(_ f: QGemm<Output>, _ c: Case, _ o: Operands, fill: Output) -> [Output] {
        var g = c.shape.geometry
        var y = [Output](repeating: fill, count: c.shape.yCount)
        let a = Raw8.bytes(o.a, signed: c.q.xSigned), b = Raw8.bytes(o.b, signed: c.q.wSigned)
        o.aZeroPoints.withUnsafeBufferPointer { azp in
            o.bZeroPoints.withUnsafeBufferPointer { bzp in
                o.bScales.withUnsafeBufferPointer { bs in
                    var p = ck_qgemm_params()
                    p.a_type = c.q.xType
                    p.b_type = c.q.wType
                    p.a_zero_point = azp.baseAddress
                    p.a_zero_point_stride = c.perRowA ? 1 : 0
                    p.a_scale = c.q.xScale
                    p.b = ck_qparams_axis(
                        scale: bs.baseAddress,
                        zero_point: bzp.baseAddress,
                        scale_stride: c.q.perChannel ? 1 : 0,
                        zero_point_stride: c.q.perChannel ? 1 : 0
                    )
                    p.alpha = c.alpha
                    p.y_scale = c.q.yScale
                    p.y_zero_point = c.q.yZeroPoint
                    p.clamp = ck_clamp_q(min: c.q.clamp.lowerBound, max: c.q.clamp.upperBound)
                    a.withUnsafeBytes { ap in
                        b.withUnsafeBytes { bp in
                            y.withUnsafeMutableBufferPointer { yp in
                                if let bias = o.bias {
                                    bias.withUnsafeBufferPointer {
                                        f(&g, &p, ap.baseAddress, bp.baseAddress, $0.baseAddress, yp.baseAddress)
                                    }
                                } else {
                                    f(
                                        &g,
                                        &p,
                                        ap.baseAddress,
                                        bp.baseAddress,
                                        UnsafePointer<Int32>?.none,
                                        yp.baseAddress
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Lays an M x N result out with the case's ldy, padding holding `fill`.
    static func strided<T>(_ rows: [[T]], _ s: GemmCase, fill: T) -> [T] {
        var y = [T](repeating: fill, count: s.yCount)
        for i in 0..<s.m { for j in 0..<s.n { y[i * s.ldy + j] = rows[i][j] } }
        return y
    }

    static func requantized(_ c: Case, _ o: Operands, signed: Bool, fill: Int32) -> [Int32] {
        let type = QuantMath.range(signed: signed)
        let range = max(type.lowerBound, c.q.clamp.lowerBound)...min(type.upperBound, c.q.clamp.upperBound)
        let rows = o.accumulators(c.shape).map { row in
            row.enumerated().map { j, acc in
                let multiplier = c.alpha * c.q.xScale * o.bScales[j] / c.q.yScale
                return QuantMath.requantize(acc, multiplier: multiplier, zeroPoint: c.q.yZeroPoint, range: range)
            }
        }
        return strided(rows, c.shape, fill: fill)
    }

    @Test(arguments: s8Variants, cases(QuantConfig.signed))
    func qlinearMatMulS8(variant: KernelVariant<QGemmS8>, c: Case) throws {
        let o = Operands(c)
        let reference = Self.run(ck_gemm_qs8__scalar, c, o, fill: 99).map(Int32.init)
        expectEqualElements(reference, Self.requantized(c, o, signed: true, fill: 99), "reference \(c.testDescription)")
        expectEqualElements(Self.run(variant.function, c, o, fill: 99).map(Int32.init), reference, variant.name)
    }

    @Test(arguments: u8Variants, cases(QuantConfig.unsigned))
    func qlinearMatMulU8(variant: KernelVariant<QGemmU8>, c: Case) throws {
        let o = Operands(c)
        let reference = Self.run(ck_gemm_qu8__scalar, c, o, fill: 99).map(Int32.init)
        expectEqualElements(
            reference,
            Self.requantized(c, o, signed: false, fill: 99),
            "reference \(c.testDescription)"
        )
        expectEqualElements(Self.run(variant.function, c, o, fill: 99).map(Int32.init), reference, variant.name)
    }

    @Test(arguments: s32Variants, cases(QuantConfig.signed + QuantConfig.unsigned))
    func matMulInteger(variant: KernelVariant<QGemmS32>, c: Case) throws {
        let o = Operands(c)
        let reference = Self.run(ck_gemm_qs32__scalar, c, o, fill: 12345)
        expectEqualElements(
            reference,
            Self.strided(o.accumulators(c.shape), c.shape, fill: 12345),
            "reference \(c.testDescription)"
        )
        expectEqualElements(Self.run(variant.function, c, o, fill: 12345), reference, variant.name)
    }

    @Test(arguments: f32Variants, cases(QuantConfig.signed + QuantConfig.unsigned))
    func matMulIntegerToFloat(variant: KernelVariant<QGemmF32>, c: Case) throws {
        let o = Operands(c)
        let rows = o.accumulators(c.shape).map { row in
            row.enumerated().map { j, acc in Float(acc) * (c.alpha * c.q.xScale * o.bScales[j]) }
        }
        let reference = Self.run(ck_gemm_qf32__scalar, c, o, fill: -1)
        expectClose(
            reference,
            Self.strided(rows, c.shape, fill: -1),
            relative: 1e-6,
            absolute: 0,
            "reference \(c.testDescription)"
        )
        expectClose(Self.run(variant.function, c, o, fill: -1), reference, relative: 1e-6, absolute: 0, variant.name)
    }
}
