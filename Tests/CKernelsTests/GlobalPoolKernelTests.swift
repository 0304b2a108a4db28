import CKernels
import Testing

/// GlobalAveragePool and QLinearGlobalAveragePool (channels last).
@Suite("Global average pooling kernels")
struct GlobalPoolKernelTests {
    typealias GapF32 = @convention(c) (Int, Int, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    typealias GapS8 =
        @convention(c) (Int, Int, Int, Float, Int32, Float, Int32, UnsafePointer<Int8>?, UnsafeMutablePointer<Int8>?) ->
        Void
    typealias GapU8 =
        @convention(c) (Int, Int, Int, Float, Int32, Float, Int32, UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?)
        -> Void

    static let f32Variants: [KernelVariant<GapF32>] = available([
        KernelVariant<GapF32>("ck_global_avgpool_f32__scalar", ck_global_avgpool_f32__scalar)
    ] + SimdVariants.globalAvgPoolF32)
    static let s8Variants: [KernelVariant<GapS8>] = available([
        KernelVariant<GapS8>("ck_global_avgpool_qs8__scalar", ck_global_avgpool_qs8__scalar)
    ] + SimdVariants.globalAvgPoolS8)
    static let u8Variants: [KernelVariant<GapU8>] = available([
        KernelVariant<GapU8>("ck_global_avgpool_qu8__scalar", ck_global_avgpool_qu8__scalar)
    ])

    /// (batch, pixels, channels)
    static let shapes: [[Int]] = [[1, 1, 1], [1, 49, 7], [2, 9, 33], [1, 196, 64], [3, 5, 1]]

    /// Channel c of image n, as an array: the oracle's unit of work.
    static func channel<T>(_ x: [T], _ s: [Int], _ n: Int, _ c: Int) -> [T] {
        (0..<s[1]).map { x[(n * s[1] + $0) * s[2] + c] }
    }

    @Test(arguments: f32Variants, shapes)
    func globalAverageF32(variant: KernelVariant<GapF32>, s: [Int]) throws {
        var rng = SplitMix64(seed: UInt64(s.reduce(1, *)))
        let x = rng.floats(s.reduce(1, *), in: -3...5)
        var expected: [Float] = []
        for n in 0..<s[0] { for c in 0..<s[2] { expected.append(Self.channel(x, s, n, c).reduce(0, +) / Float(s[1])) } }
        for (name, f) in [("reference", ck_global_avgpool_f32__scalar as GapF32), (variant.name, variant.function)] {
            var y = [Float](repeating: .nan, count: s[0] * s[2])
            f(s[0], s[1], s[2], x, &y)
            expectClose(y, expected, name)
        }
    }

    static func expectedQuantized(_ x: [Int32], _ s: [Int], signed: Bool, xs: Float, xz: Int32, ys: Float, yz: Int32)
        -> [Int32]
    {
        var y: [Int32] = []
        for n in 0..<s[0] {
            for c in 0..<s[2] {
                // Real mean of the dequantized values, requantized: sum(x - zx) * xs / (ys * N).
                let acc = Self.channel(x, s, n, c).reduce(Int32(0)) { $0 + $1 - xz }
                y.append(
                    QuantMath.requantize(
                        acc,
                        multiplier: xs / (ys * Float(s[1])),
                        zeroPoint: yz,
                        range: QuantMath.range(signed: signed)
                    )
                )
            }
        }
        return y
    }

    @Test(arguments: s8Variants, shapes)
    func qlinearGlobalAverageS8(variant: KernelVariant<GapS8>, s: [Int]) throws {
        var rng = SplitMix64(seed: UInt64(s.reduce(7, *)))
        let x = rng.int8s(s.reduce(1, *))
        let expected = Self.expectedQuantized(x.map(Int32.init), s, signed: true, xs: 0.1, xz: 10, ys: 0.02, yz: -5)
        for (name, f) in [("reference", ck_global_avgpool_qs8__scalar as GapS8), (variant.name, variant.function)] {
            var y = [Int8](repeating: 0, count: s[0] * s[2])
            f(s[0], s[1], s[2], 0.1, 10, 0.02, -5, x, &y)
            expectEqualElements(y.map(Int32.init), expected, name)
        }
    }

    @Test(arguments: u8Variants, shapes)
    func qlinearGlobalAverageU8(variant: KernelVariant<GapU8>, s: [Int]) throws {
        var rng = SplitMix64(seed: UInt64(s.reduce(5, *)))
        let x = rng.uint8s(s.reduce(1, *))
        let expected = Self.expectedQuantized(x.map(Int32.init), s, signed: false, xs: 0.1, xz: 128, ys: 0.03, yz: 100)
        for (name, f) in [("reference", ck_global_avgpool_qu8__scalar as GapU8), (variant.name, variant.function)] {
            var y = [UInt8](repeating: 0, count: s[0] * s[2])
            f(s[0], s[1], s[2], 0.1, 128, 0.03, 100, x, &y)
            expectEqualElements(y.map(Int32.init), expected, name)
        }
    }
}
