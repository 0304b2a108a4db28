import CKernels
import Testing

/// Float convolutions (dense/grouped, depthwise, transposed) against the Swift oracle.
@Suite("Convolution f32 kernels")
struct ConvKernelTests {
    typealias ConvF32 =
        @convention(c) (
            UnsafePointer<ck_conv2d_geometry>?, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Float>?,
            ck_clamp_f32, UnsafeMutablePointer<Float>?
        ) -> Void

    static let convVariants: [KernelVariant<ConvF32>] = available([
        KernelVariant<ConvF32>("ck_conv2d_f32__scalar", ck_conv2d_f32__scalar)
    ])
    static let depthwiseVariants: [KernelVariant<ConvF32>] = available([
        KernelVariant<ConvF32>("ck_dwconv2d_f32__scalar", ck_dwconv2d_f32__scalar)
    ])
    static let deconvVariants: [KernelVariant<ConvF32>] = available([
        KernelVariant<ConvF32>("ck_deconv2d_f32__scalar", ck_deconv2d_f32__scalar)
    ])

    static func run(
        _ f: ConvF32,
        _ g: ck_conv2d_geometry,
        _ x: [Float],
        _ w: [Float],
        _ bias: [Float]?,
        _ clamp: ClosedRange<Float>,
        outputCount: Int
    ) -> [Float] {
        var y = [Float](repeating: .nan, count: outputCount)
        var g = g
        let c = ck_clamp_f32(min: clamp.lowerBound, max: clamp.upperBound)
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    if let bias {
                        bias.withUnsafeBufferPointer {
                            f(&g, xp.baseAddress, wp.baseAddress, $0.baseAddress, c, yp.baseAddress)
                        }
                    } else {
                        f(&g, xp.baseAddress, wp.baseAddress, nil, c, yp.baseAddress)
                    }
                }
            }
        }
        return y
    }

    /// Bias and fused clamp alternate with the seed so both paths are covered.
    static func activation(_ seed: UInt64) -> ClosedRange<Float> {
        seed % 2 == 0 ? -Float.infinity...Float.infinity : 0...0.5
    }

    @Test(arguments: convVariants, ConvCase.conv + RandomShapes.convolutions(count: 24, seed: 0xC0DE))
    func conv2d(variant: KernelVariant<ConvF32>, c: ConvCase) throws {
        var rng = SplitMix64(seed: c.seed)
        let x = rng.floats(c.inputCount), w = rng.floats(c.weightCount)
        let bias = c.seed % 3 == 0 ? nil : rng.floats(c.outC)
        let clamp = Self.activation(c.seed)
        let expected = ConvOracle.convF32(c, x: x, w: w, bias: bias, clamp: clamp)
        let reference = Self.run(ck_conv2d_f32__scalar, c.geometry, x, w, bias, clamp, outputCount: c.outputCount)
        expectClose(reference, expected, "reference \(c.testDescription)")
        let actual = Self.run(variant.function, c.geometry, x, w, bias, clamp, outputCount: c.outputCount)
        expectClose(actual, reference, "\(variant.name) \(c.testDescription)")
    }

    @Test(arguments: depthwiseVariants, ConvCase.depthwise)
    func depthwise(variant: KernelVariant<ConvF32>, c: ConvCase) throws {
        var rng = SplitMix64(seed: c.seed)
        let x = rng.floats(c.inputCount), w = rng.floats(c.depthwiseWeightCount)
        let bias = c.seed % 3 == 0 ? nil : rng.floats(c.outC)
        let clamp = Self.activation(c.seed)
        let expected = ConvOracle.depthwiseF32(c, x: x, w: w, bias: bias, clamp: clamp)
        let reference = Self.run(ck_dwconv2d_f32__scalar, c.geometry, x, w, bias, clamp, outputCount: c.outputCount)
        expectClose(reference, expected, "reference \(c.testDescription)")
        let actual = Self.run(variant.function, c.geometry, x, w, bias, clamp, outputCount: c.outputCount)
        expectClose(actual, reference, "\(variant.name) \(c.testDescription)")
    }

    /// ConvTranspose cases: (shape, output_padding). Pads here are ConvTranspose pads.
    static let deconvCases: [DeconvCase] = [
        DeconvCase(
            c: ConvCase(
                inH: 4,
                inW: 5,
                inC: 3,
                outC: 2,
                kernelH: 3,
                kernelW: 3,
                strideH: 2,
                strideW: 2,
                padTop: 1,
                padLeft: 1,
                padBottom: 1,
                padRight: 1,
                seed: 21
            ),
            outputPadding: 1
        ),
        DeconvCase(
            c: ConvCase(
                inH: 3,
                inW: 3,
                inC: 4,
                outC: 6,
                kernelH: 2,
                kernelW: 2,
                strideH: 2,
                strideW: 2,
                groups: 2,
                seed: 22
            ),
            outputPadding: 0
        ),
        DeconvCase(
            c: ConvCase(
                batch: 2,
                inH: 5,
                inW: 2,
                inC: 2,
                outC: 3,
                kernelH: 3,
                kernelW: 2,
                dilationH: 2,
                padTop: 2,
                padBottom: 1,
                seed: 23
            ),
            outputPadding: 0
        ),
        DeconvCase(
            c: ConvCase(inH: 1, inW: 1, inC: 5, outC: 4, kernelH: 4, kernelW: 4, strideH: 3, strideW: 3, seed: 24),
            outputPadding: 2
        ),
    ]

    struct DeconvCase: Sendable, CustomTestStringConvertible {
        var c: ConvCase
        var outputPadding: Int
        var outH: Int {
            c.strideH * (c.inH - 1) + outputPadding + c.dilationH * (c.kernelH - 1) + 1 - c.padTop - c.padBottom
        }
        var outW: Int {
            c.strideW * (c.inW - 1) + outputPadding + c.dilationW * (c.kernelW - 1) + 1 - c.padLeft - c.padRight
        }
        var testDescription: String { "\(c.testDescription) op\(outputPadding)" }
    }

    @Test(arguments: deconvVariants, deconvCases)
    func deconv2d(variant: KernelVariant<ConvF32>, d: DeconvCase) throws {
        let c = d.c
        var rng = SplitMix64(seed: c.seed)
        let x = rng.floats(c.inputCount), w = rng.floats(c.weightCount)
        let bias = c.seed % 2 == 0 ? nil : rng.floats(c.outC)
        var g = c.geometry
        g.out_h = d.outH
        g.out_w = d.outW
        let count = c.batch * d.outH * d.outW * c.outC
        let expected = ConvOracle.deconvF32(c, outH: d.outH, outW: d.outW, x: x, w: w, bias: bias)
        let reference = Self.run(ck_deconv2d_f32__scalar, g, x, w, bias, -.infinity ... .infinity, outputCount: count)
        expectClose(reference, expected, "reference \(d.testDescription)")
        let actual = Self.run(variant.function, g, x, w, bias, -.infinity ... .infinity, outputCount: count)
        expectClose(actual, reference, "\(variant.name) \(d.testDescription)")
    }
}
