import CKernels
import Testing

/// Max / average / global-average pooling against oracles that enumerate each window as a
/// list of (row, column) positions and filter it, instead of the C kernels' nested checks.
@Suite("Pooling kernels")
struct PoolKernelTests {
    typealias MaxPoolF32 =
        @convention(c) (UnsafePointer<ck_pool2d_geometry>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    typealias MaxPoolS8 =
        @convention(c) (UnsafePointer<ck_pool2d_geometry>?, UnsafePointer<Int8>?, UnsafeMutablePointer<Int8>?) -> Void
    typealias MaxPoolU8 =
        @convention(c) (UnsafePointer<ck_pool2d_geometry>?, UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?) -> Void
    typealias AvgPoolF32 =
        @convention(c) (UnsafePointer<ck_pool2d_geometry>?, Int32, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?)
        -> Void
    typealias AvgPoolS8 =
        @convention(c) (
            UnsafePointer<ck_pool2d_geometry>?, Int32, Float, Int32, Float, Int32, UnsafePointer<Int8>?,
            UnsafeMutablePointer<Int8>?
        ) -> Void
    typealias AvgPoolU8 =
        @convention(c) (
            UnsafePointer<ck_pool2d_geometry>?, Int32, Float, Int32, Float, Int32, UnsafePointer<UInt8>?,
            UnsafeMutablePointer<UInt8>?
        ) -> Void

    static let maxF32: [KernelVariant<MaxPoolF32>] = available([
        KernelVariant<MaxPoolF32>("ck_maxpool2d_f32__scalar", ck_maxpool2d_f32__scalar)
    ] + SimdVariants.maxPoolF32)
    static let maxS8: [KernelVariant<MaxPoolS8>] = available([
        KernelVariant<MaxPoolS8>("ck_maxpool2d_s8__scalar", ck_maxpool2d_s8__scalar)
    ] + SimdVariants.maxPoolS8)
    static let maxU8: [KernelVariant<MaxPoolU8>] = available([
        KernelVariant<MaxPoolU8>("ck_maxpool2d_u8__scalar", ck_maxpool2d_u8__scalar)
    ])
    static let avgF32: [KernelVariant<AvgPoolF32>] = available([
        KernelVariant<AvgPoolF32>("ck_avgpool2d_f32__scalar", ck_avgpool2d_f32__scalar)
    ])
    static let avgS8: [KernelVariant<AvgPoolS8>] = available([
        KernelVariant<AvgPoolS8>("ck_avgpool2d_qs8__scalar", ck_avgpool2d_qs8__scalar)
    ] + SimdVariants.avgPoolS8)
    static let avgU8: [KernelVariant<AvgPoolU8>] = available([
        KernelVariant<AvgPoolU8>("ck_avgpool2d_qu8__scalar", ck_avgpool2d_qu8__scalar)
    ])

    /// Pool shapes reuse ConvCase (inC = channels, outC ignored). Some have ceil-mode-like
    /// overhang: the output covers positions past the bottom/right pads.
    struct PoolCase: Sendable, CustomTestStringConvertible {
        var c: ConvCase
        var extraH = 0, extraW = 0  // ceil_mode overhang beyond pad_bottom / pad_right
        var outH: Int { c.outH + extraH }
        var outW: Int { c.outW + extraW }
        var testDescription: String { "\(c.testDescription) overhang \(extraH),\(extraW)" }

        var geometry: ck_pool2d_geometry {
            var g = ck_pool2d_geometry()
            g.batch = c.batch
            g.in_h = c.inH
            g.in_w = c.inW
            g.channels = c.inC
            g.out_h = outH
            g.out_w = outW
            g.kernel_h = c.kernelH
            g.kernel_w = c.kernelW
            g.stride_h = c.strideH
            g.stride_w = c.strideW
            g.dilation_h = c.dilationH
            g.dilation_w = c.dilationW
            g.pad_top = c.padTop
            g.pad_left = c.padLeft
            g.pad_bottom = c.padBottom
            g.pad_right = c.padRight
            return g
        }
        var inputCount: Int { c.batch * c.inH * c.inW * c.inC }
        var outputCount: Int { c.batch * outH * outW * c.inC }

        /// Window positions (signed) of output (oh, ow).
        func window(_ oh: Int, _ ow: Int) -> [(Int, Int)] {
            (0..<c.kernelH).flatMap { kh in
                (0..<c.kernelW).map { kw in
                    (oh * c.strideH + kh * c.dilationH - c.padTop, ow * c.strideW + kw * c.dilationW - c.padLeft)
                }
            }
        }
        func inImage(_ p: (Int, Int)) -> Bool { (0..<c.inH).contains(p.0) && (0..<c.inW).contains(p.1) }
        func inPads(_ p: (Int, Int)) -> Bool {
            (-c.padTop..<(c.inH + c.padBottom)).contains(p.0) && (-c.padLeft..<(c.inW + c.padRight)).contains(p.1)
        }

        /// Applies `reduce` to every window's in-image values; `count` is the divisor.
        func map<T, R>(_ x: [T], _ reduce: ([T], _ count: Int) -> R, includePad: Bool = false) -> [R] {
            var y: [R] = []
            for n in 0..<c.batch {
                for oh in 0..<outH {
                    for ow in 0..<outW {
                        let w = window(oh, ow)
                        let taps = w.filter(inImage)
                        let count = includePad ? w.filter(inPads).count : taps.count
                        for ch in 0..<c.inC {
                            let values = taps.map { x[((n * c.inH + $0.0) * c.inW + $0.1) * c.inC + ch] }
                            y.append(reduce(values, count))
                        }
                    }
                }
            }
            return y
        }
    }

    static let cases: [PoolCase] = [
        PoolCase(
            c: ConvCase(
                inH: 7,
                inW: 7,
                inC: 3,
                outC: 0,
                kernelH: 3,
                kernelW: 3,
                strideH: 2,
                strideW: 2,
                padTop: 1,
                padLeft: 1,
                padBottom: 1,
                padRight: 1,
                seed: 31
            )
        ),
        PoolCase(
            c: ConvCase(
                batch: 2,
                inH: 6,
                inW: 5,
                inC: 5,
                outC: 0,
                kernelH: 2,
                kernelW: 2,
                strideH: 2,
                strideW: 2,
                seed: 32
            ),
            extraH: 0,
            extraW: 1
        ),
        PoolCase(
            c: ConvCase(
                inH: 5,
                inW: 8,
                inC: 17,
                outC: 0,
                kernelH: 3,
                kernelW: 2,
                strideH: 1,
                strideW: 3,
                padTop: 2,
                padLeft: 0,
                padBottom: 0,
                padRight: 1,
                seed: 33
            ),
            extraH: 1,
            extraW: 0
        ),
        PoolCase(
            c: ConvCase(
                inH: 9,
                inW: 9,
                inC: 2,
                outC: 0,
                kernelH: 3,
                kernelW: 3,
                strideH: 2,
                strideW: 1,
                dilationH: 2,
                dilationW: 2,
                padTop: 1,
                padLeft: 2,
                padBottom: 2,
                padRight: 1,
                seed: 34
            )
        ),
        PoolCase(c: ConvCase(inH: 1, inW: 1, inC: 4, outC: 0, kernelH: 1, kernelW: 1, seed: 35)),
    ]

    @Test(arguments: maxF32, cases)
    func maxPoolF32(variant: KernelVariant<MaxPoolF32>, p: PoolCase) throws {
        var rng = SplitMix64(seed: p.c.seed)
        let x = rng.floats(p.inputCount)
        let expected = p.map(x) { v, _ in v.max() ?? -.infinity }
        for (name, f) in [("reference", ck_maxpool2d_f32__scalar as MaxPoolF32), (variant.name, variant.function)] {
            var g = p.geometry
            var y = [Float](repeating: .nan, count: p.outputCount)
            f(&g, x, &y)
            expectEqualElements(y, expected, "\(name) \(p.testDescription)")
        }
    }

    @Test(arguments: maxS8, cases)
    func maxPoolS8(variant: KernelVariant<MaxPoolS8>, p: PoolCase) throws {
        var rng = SplitMix64(seed: p.c.seed)
        let x = rng.int8s(p.inputCount)
        let expected = p.map(x) { v, _ in v.max() ?? .min }
        for (name, f) in [("reference", ck_maxpool2d_s8__scalar as MaxPoolS8), (variant.name, variant.function)] {
            var g = p.geometry
            var y = [Int8](repeating: 77, count: p.outputCount)
            f(&g, x, &y)
            expectEqualElements(y, expected, "\(name) \(p.testDescription)")
        }
    }

    @Test(arguments: maxU8, cases)
    func maxPoolU8(variant: KernelVariant<MaxPoolU8>, p: PoolCase) throws {
        var rng = SplitMix64(seed: p.c.seed)
        let x = rng.uint8s(p.inputCount)
        let expected = p.map(x) { v, _ in v.max() ?? .min }
        for (name, f) in [("reference", ck_maxpool2d_u8__scalar as MaxPoolU8), (variant.name, variant.function)] {
            var g = p.geometry
            var y = [UInt8](repeating: 77, count: p.outputCount)
            f(&g, x, &y)
            expectEqualElements(y, expected, "\(name) \(p.testDescription)")
        }
    }

    @Test(arguments: avgF32, cases)
    func avgPoolF32(variant: KernelVariant<AvgPoolF32>, p: PoolCase) throws {
        var rng = SplitMix64(seed: p.c.seed)
        let x = rng.floats(p.inputCount)
        for includePad in [false, true] {
            let expected = p.map(x, { v, n in n == 0 ? 0 : v.reduce(0, +) / Float(n) }, includePad: includePad)
            for (name, f) in [("reference", ck_avgpool2d_f32__scalar as AvgPoolF32), (variant.name, variant.function)] {
                var g = p.geometry
                var y = [Float](repeating: .nan, count: p.outputCount)
                f(&g, includePad ? 1 : 0, x, &y)
                expectClose(y, expected, "\(name) \(p.testDescription) include_pad \(includePad)")
            }
        }
    }

    /// QLinearAveragePool: integer sum of (x - zx), one float multiply, round half to even.
    static func quantizedAverage(
        _ values: [Int32],
        _ count: Int,
        signed: Bool,
        xScale: Float,
        xZeroPoint: Int32,
        yScale: Float,
        yZeroPoint: Int32
    ) -> Int32 {
        let acc = values.reduce(Int32(0)) { $0 + $1 - xZeroPoint }
        let multiplier = count == 0 ? 0 : xScale / (yScale * Float(count))
        return QuantMath.requantize(
            acc,
            multiplier: multiplier,
            zeroPoint: yZeroPoint,
            range: QuantMath.range(signed: signed)
        )
    }

    @Test(arguments: avgS8, cases)
    func avgPoolS8(variant: KernelVariant<AvgPoolS8>, p: PoolCase) throws {
        var rng = SplitMix64(seed: p.c.seed)
        let x = rng.int8s(p.inputCount)
        for includePad in [false, true] {
            let expected = p.map(
                x.map(Int32.init),
                { v, n in
                    Self.quantizedAverage(v, n, signed: true, xScale: 0.05, xZeroPoint: -7, yScale: 0.04, yZeroPoint: 3)
                },
                includePad: includePad
            )
            for (name, f) in [("reference", ck_avgpool2d_qs8__scalar as AvgPoolS8), (variant.name, variant.function)] {
                var g = p.geometry
                var y = [Int8](repeating: 77, count: p.outputCount)
                f(&g, includePad ? 1 : 0, 0.05, -7, 0.04, 3, x, &y)
                expectEqualElements(
                    y.map(Int32.init),
                    expected,
                    "\(name) \(p.testDescription) include_pad \(includePad)"
                )
            }
        }
    }

    @Test(arguments: avgU8, cases)
    func avgPoolU8(variant: KernelVariant<AvgPoolU8>, p: PoolCase) throws {
        var rng = SplitMix64(seed: p.c.seed)
        let x = rng.uint8s(p.inputCount)
        for includePad in [false, true] {
            let expected = p.map(
                x.map(Int32.init),
                { v, n in
                    Self.quantizedAverage(
                        v,
                        n,
                        signed: false,
                        xScale: 0.05,
                        xZeroPoint: 140,
                        yScale: 0.03,
                        yZeroPoint: 120
                    )
                },
                includePad: includePad
            )
            for (name, f) in [("reference", ck_avgpool2d_qu8__scalar as AvgPoolU8), (variant.name, variant.function)] {
                var g = p.geometry
                var y = [UInt8](repeating: 77, count: p.outputCount)
                f(&g, includePad ? 1 : 0, 0.05, 140, 0.03, 120, x, &y)
                expectEqualElements(
                    y.map(Int32.init),
                    expected,
                    "\(name) \(p.testDescription) include_pad \(includePad)"
                )
            }
        }
    }
}
