import CKernels
import Testing

/// QLinearConv / ConvInteger kernels (dense, grouped and depthwise) against the integer oracle.
@Suite("Convolution 8-bit kernels")
struct QuantConvKernelTests {
    /// The C signatures (one per output type: @convention(c) cannot be generic).
    typealias QConvS8 =
        @convention(c) (
            UnsafePointer<ck_conv2d_geometry>?, UnsafePointer<ck_qconv_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<Int8>?
        ) -> Void
    typealias QConvU8 =
        @convention(c) (
            UnsafePointer<ck_conv2d_geometry>?, UnsafePointer<ck_qconv_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<UInt8>?
        ) -> Void
    typealias QConvS32 =
        @convention(c) (
            UnsafePointer<ck_conv2d_geometry>?, UnsafePointer<ck_qconv_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
            UnsafePointer<Int32>?, UnsafeMutablePointer<Int32>?
        ) -> Void
    /// The same shape as a Swift function type, so the helpers can be generic.
    typealias QConv<Output> = (
        UnsafePointer<ck_conv2d_geometry>?, UnsafePointer<ck_qconv_params>?, UnsafeRawPointer?, UnsafeRawPointer?,
        UnsafePointer<Int32>?, UnsafeMutablePointer<Output>?
    ) -> Void

    static let convS8: [KernelVariant<QConvS8>] = available([
        KernelVariant<QConvS8>("ck_conv2d_qs8__scalar", ck_conv2d_qs8__scalar)
    ])
    static let convU8: [KernelVariant<QConvU8>] = available([
        KernelVariant<QConvU8>("ck_conv2d_qu8__scalar", ck_conv2d_qu8__scalar)
    ])
    static let convS32: [KernelVariant<QConvS32>] = available([
        KernelVariant<QConvS32>("ck_conv2d_qs32__scalar", ck_conv2d_qs32__scalar)
    ])
    static let dwS8: [KernelVariant<QConvS8>] = available([
        KernelVariant<QConvS8>("ck_dwconv2d_qs8__scalar", ck_dwconv2d_qs8__scalar)
    ])
    static let dwU8: [KernelVariant<QConvU8>] = available([
        KernelVariant<QConvU8>("ck_dwconv2d_qu8__scalar", ck_dwconv2d_qu8__scalar)
    ])

    /// Inputs of one case, generated from its seed.
    struct Operands {
        var x: [Int32], w: [Int32], bias: [Int32]?
        var wZeroPoints: [Int32], wScales: [Float]

        init(_ c: ConvCase, _ q: QuantConfig, depthwise: Bool) {
            var rng = SplitMix64(seed: c.seed &* 31 &+ UInt64(q.xZeroPoint & 0xff))
            x = rng.int32s(c.inputCount, in: q.xRange)
            w = rng.int32s(depthwise ? c.depthwiseWeightCount : c.weightCount, in: q.wRange)
            bias = q.withBias ? rng.int32s(c.outC, in: -5000...5000) : nil
            wZeroPoints = q.wZeroPoints(c.outC)
            wScales = q.wScales(c.outC)
        }
    }

    /// Calls a kernel with the C parameter block built from the config.
    static func run<Output: FixedWidthInteger>(
        _ f: QConv<Output>,
        _ c: ConvCase,
        _ q: QuantConfig,
        _ o: Operands,
        depthwise: Bool
    ) -> [Output] {
        var g = c.geometry
        var y = [Output](repeating: 0x55, count: c.outputCount)
        let x = Raw8.bytes(o.x, signed: q.xSigned), w = Raw8.bytes(o.w, signed: q.wSigned)
        o.wScales.withUnsafeBufferPointer { scales in
            o.wZeroPoints.withUnsafeBufferPointer { zps in
                var p = ck_qconv_params()
                p.x_type = q.xType
                p.w_type = q.wType
                p.x_zero_point = q.xZeroPoint
                p.x_scale = q.xScale
                p.w = ck_qparams_axis(
                    scale: scales.baseAddress,
                    zero_point: zps.baseAddress,
                    scale_stride: q.perChannel ? 1 : 0,
                    zero_point_stride: q.perChannel ? 1 : 0
                )
                p.y_scale = q.yScale
                p.y_zero_point = q.yZeroPoint
                p.clamp = ck_clamp_q(min: q.clamp.lowerBound, max: q.clamp.upperBound)
                x.withUnsafeBytes { xp in
                    w.withUnsafeBytes { wp in
                        y.withUnsafeMutableBufferPointer { yp in
                            if let bias = o.bias {
                                bias.withUnsafeBufferPointer {
                                    f(&g, &p, xp.baseAddress, wp.baseAddress, $0.baseAddress, yp.baseAddress)
                                }
                            } else {
                                f(&g, &p, xp.baseAddress, wp.baseAddress, UnsafePointer<Int32>?.none, yp.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// Oracle: integer accumulators, then requantize with x_scale * w_scale[c] / y_scale.
    static func expected(_ c: ConvCase, _ q: QuantConfig, _ o: Operands, depthwise: Bool, outputSigned: Bool?)
        -> [Int32]
    {
        let acc = ConvOracle.convAccumulators(
            c,
            depthwise: depthwise,
            x: o.x,
            xZeroPoint: q.xZeroPoint,
            w: o.w,
            wZeroPoints: o.wZeroPoints,
            bias: o.bias
        )
        guard let outputSigned else { return acc }
        let type = QuantMath.range(signed: outputSigned)
        let range = max(type.lowerBound, q.clamp.lowerBound)...min(type.upperBound, q.clamp.upperBound)
        return acc.enumerated().map { i, a in
            let oc = i % c.outC
            return QuantMath.requantize(
                a,
                multiplier: q.xScale * o.wScales[oc] / q.yScale,
                zeroPoint: q.yZeroPoint,
                range: range
            )
        }
    }

    static func check<Output: FixedWidthInteger>(
        _ name: String,
        _ function: QConv<Output>,
        reference: QConv<Output>,
        _ c: ConvCase,
        _ q: QuantConfig,
        depthwise: Bool,
        outputSigned: Bool?
    ) {
        let o = Operands(c, q, depthwise: depthwise)
        let want = expected(c, q, o, depthwise: depthwise, outputSigned: outputSigned)
        let ref = run(reference, c, q, o, depthwise: depthwise).map { Int32($0) }
        expectEqualElements(ref, want, "reference \(c.testDescription) \(q)")
        let got = run(function, c, q, o, depthwise: depthwise).map { Int32($0) }
        expectEqualElements(got, ref, "\(name) \(c.testDescription) \(q)")
    }

    static let signedCases =
        cross(ConvCase.conv, QuantConfig.signed)
        + cross(RandomShapes.convolutions(count: 12, seed: 0x5EED), QuantConfig.signed)
    static let unsignedCases = cross(ConvCase.conv, QuantConfig.unsigned)
    static let allCases = cross(ConvCase.conv, QuantConfig.signed + QuantConfig.unsigned)
    static let dwSignedCases = cross(ConvCase.depthwise, QuantConfig.signed)
    static let dwUnsignedCases = cross(ConvCase.depthwise, QuantConfig.unsigned)

    @Test(arguments: convS8, signedCases)
    func qlinearConvS8(variant: KernelVariant<QConvS8>, pair: QCase) throws {
        Self.check(
            variant.name,
            variant.function,
            reference: ck_conv2d_qs8__scalar,
            pair.c,
            pair.q,
            depthwise: false,
            outputSigned: true
        )
    }

    @Test(arguments: convU8, unsignedCases)
    func qlinearConvU8(variant: KernelVariant<QConvU8>, pair: QCase) throws {
        Self.check(
            variant.name,
            variant.function,
            reference: ck_conv2d_qu8__scalar,
            pair.c,
            pair.q,
            depthwise: false,
            outputSigned: false
        )
    }

    @Test(arguments: convS32, allCases)
    func convInteger(variant: KernelVariant<QConvS32>, pair: QCase) throws {
        Self.check(
            variant.name,
            variant.function,
            reference: ck_conv2d_qs32__scalar,
            pair.c,
            pair.q,
            depthwise: false,
            outputSigned: nil
        )
    }

    @Test(arguments: dwS8, dwSignedCases)
    func depthwiseS8(variant: KernelVariant<QConvS8>, pair: QCase) throws {
        Self.check(
            variant.name,
            variant.function,
            reference: ck_dwconv2d_qs8__scalar,
            pair.c,
            pair.q,
            depthwise: true,
            outputSigned: true
        )
    }

    @Test(arguments: dwU8, dwUnsignedCases)
    func depthwiseU8(variant: KernelVariant<QConvU8>, pair: QCase) throws {
        Self.check(
            variant.name,
            variant.function,
            reference: ck_dwconv2d_qu8__scalar,
            pair.c,
            pair.q,
            depthwise: true,
            outputSigned: false
        )
    }
}
