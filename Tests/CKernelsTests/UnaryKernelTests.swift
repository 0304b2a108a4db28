import CKernels
import Foundation
import Testing

/// Unary activations and QLinearSigmoid.
@Suite("Unary kernels")
struct UnaryKernelTests {
    /// Every float activation is adapted to one shape (count, x, y) so they share a test.
    struct Activation: Sendable, CustomTestStringConvertible {
        var name: String
        var run: @Sendable (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
        var meaning: @Sendable (Float) -> Float
        var tolerance: Float
        var testDescription: String { name }
    }

    static let activations: [Activation] = [
        Activation(
            name: "ck_relu_f32__scalar",
            run: { ck_relu_f32__scalar($0, $1, $2) },
            meaning: { max($0, 0) },
            tolerance: 0
        ),
        Activation(
            name: "ck_clip_f32__scalar",
            run: { ck_clip_f32__scalar($0, $1, -0.5, 6, $2) },
            meaning: { min(max($0, -0.5), 6) },
            tolerance: 0
        ),
        Activation(
            name: "ck_leaky_relu_f32__scalar",
            run: { ck_leaky_relu_f32__scalar($0, $1, 0.1, $2) },
            meaning: { $0 < 0 ? 0.1 * $0 : $0 },
            tolerance: 0
        ),
        Activation(
            name: "ck_sigmoid_f32__scalar",
            run: { ck_sigmoid_f32__scalar($0, $1, $2) },
            meaning: { Float(1 / (1 + Foundation.exp(-Double($0)))) },
            tolerance: 2e-7
        ),
        Activation(
            name: "ck_hard_sigmoid_f32__scalar",
            run: { ck_hard_sigmoid_f32__scalar($0, $1, 0.2, 0.5, $2) },
            meaning: { min(max(0.2 * $0 + 0.5, 0), 1) },
            tolerance: 1e-7
        ),
        Activation(
            name: "ck_hard_swish_f32__scalar",
            run: { ck_hard_swish_f32__scalar($0, $1, $2) },
            meaning: { $0 * min(max($0 / 6 + 0.5, 0), 1) },
            tolerance: 1e-6
        ),
    ]

    /// Odd counts, and the special points of each activation (0, the clip bounds, ±3 of HardSwish).
    @Test(arguments: activations, [1, 7, 64, 1001])
    func activation(a: Activation, count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        var x = rng.floats(count, in: -8...8)
        let specials: [Float] = [0, -0, -0.5, 6, 3, -3, 2.5, -2.5, 80, -80]
        for (i, s) in specials.enumerated() where i < count { x[i] = s }
        var y = [Float](repeating: .nan, count: count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { a.run(count, xp.baseAddress!, $0.baseAddress!) }
        }
        expectClose(y, x.map(a.meaning), relative: a.tolerance, absolute: a.tolerance, a.name)
    }

    @Test func activationsWorkInPlace() {
        var x: [Float] = [-2, -1, 0, 1, 2]
        x.withUnsafeMutableBufferPointer { ck_relu_f32__scalar(5, $0.baseAddress, $0.baseAddress) }
        #expect(x == [0, 0, 0, 1, 2])
    }

    typealias QSigmoidS8 =
        @convention(c) (Int, UnsafePointer<Int8>?, Float, Int32, Float, Int32, UnsafeMutablePointer<Int8>?) -> Void
    typealias QSigmoidU8 =
        @convention(c) (Int, UnsafePointer<UInt8>?, Float, Int32, Float, Int32, UnsafeMutablePointer<UInt8>?) -> Void
    static let qsigmoidS8: [KernelVariant<QSigmoidS8>] = available([
        KernelVariant<QSigmoidS8>("ck_qsigmoid_s8__scalar", ck_qsigmoid_s8__scalar)
    ])
    static let qsigmoidU8: [KernelVariant<QSigmoidU8>] = available([
        KernelVariant<QSigmoidU8>("ck_qsigmoid_u8__scalar", ck_qsigmoid_u8__scalar)
    ])

    /// Every possible input byte, as ONNX Runtime's lookup table would be built.
    @Test(arguments: qsigmoidS8)
    func qlinearSigmoidS8(variant: KernelVariant<QSigmoidS8>) throws {
        let x = (Int8.min...Int8.max).map { $0 }
        let expected = x.map { v -> Int32 in
            let real = Float(Int32(v) - 3) * 0.05
            let s = 1 / (1 + Foundation.exp(-real))
            return QuantMath.quantize(s / (1 / 256), zeroPoint: -128, range: -128...127)
        }
        var y = [Int8](repeating: 0, count: x.count)
        variant.function(x.count, x, 0.05, 3, 1.0 / 256, -128, &y)
        expectEqualElements(y.map(Int32.init), expected, variant.name)
    }

    @Test(arguments: qsigmoidU8)
    func qlinearSigmoidU8(variant: KernelVariant<QSigmoidU8>) throws {
        let x = (UInt8.min...UInt8.max).map { $0 }
        let expected = x.map { v -> Int32 in
            let real = Float(Int32(v) - 128) * 0.04
            let s = 1 / (1 + Foundation.exp(-real))
            return QuantMath.quantize(s / 0.004, zeroPoint: 0, range: 0...255)
        }
        var y = [UInt8](repeating: 0, count: x.count)
        variant.function(x.count, x, 0.04, 128, 0.004, 0, &y)
        expectEqualElements(y.map(Int32.init), expected, variant.name)
    }
}
