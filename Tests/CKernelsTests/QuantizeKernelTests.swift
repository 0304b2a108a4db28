import CKernels
import Testing

/// QuantizeLinear, DequantizeLinear (per tensor and per axis), DynamicQuantizeLinear and
/// requantization, including exact rounding ties.
@Suite("Quantization kernels")
struct QuantizeKernelTests {
    /// [outer, channels, inner] views: per tensor (channels 1) and per axis at several positions.
    static let layouts: [[Int]] = [[1, 1, 1], [1, 1, 97], [4, 3, 5], [1, 16, 1], [2, 7, 9], [30, 2, 1]]

    static func channelParams(_ channels: Int, signed: Bool) -> (scales: [Float], zeroPoints: [Int32]) {
        let scales = (0..<channels).map { 0.01 * Float($0 + 1) + 0.003 }
        let zeroPoints = (0..<channels).map { (c: Int) -> Int32 in
            let spread: Int = signed ? (c * 37) % 256 - 128 : (c * 53) % 256
            return Int32(spread)
        }
        return (scales, zeroPoints)
    }

    @Test(arguments: layouts)
    func quantizeLinear(layout: [Int]) {
        let (outer, channels, inner) = (layout[0], layout[1], layout[2])
        let count = outer * channels * inner
        var rng = SplitMix64(seed: UInt64(count))
        var x = rng.floats(count, in: -3...3)
        // Exact ties x / scale = k + 0.5 where representable, plus saturation.
        if count > 3 { x[0] = 0.005; x[1] = -0.015; x[2] = 1e9; x[3] = -1e9 }
        for signed in [true, false] {
            let (scales, zeroPoints) = Self.channelParams(channels, signed: signed)
            let expected = x.enumerated().map { i, v in
                let c = (i / inner) % channels
                return QuantMath.quantize(
                    v / scales[c],
                    zeroPoint: zeroPoints[c],
                    range: QuantMath.range(signed: signed)
                )
            }
            var y8 = [Int32](repeating: 0, count: count)
            if signed {
                var y = [Int8](repeating: 0, count: count)
                ck_quantize_f32_s8__scalar(outer, channels, inner, x, scales, zeroPoints, &y)
                y8 = y.map(Int32.init)
            } else {
                var y = [UInt8](repeating: 0, count: count)
                ck_quantize_f32_u8__scalar(outer, channels, inner, x, scales, zeroPoints, &y)
                y8 = y.map(Int32.init)
            }
            expectEqualElements(y8, expected, "signed \(signed) layout \(layout)")
        }
    }

    @Test(arguments: layouts)
    func dequantizeLinear(layout: [Int]) {
        let (outer, channels, inner) = (layout[0], layout[1], layout[2])
        let count = outer * channels * inner
        var rng = SplitMix64(seed: UInt64(count) &+ 9)
        let (scales, zeroPoints) = Self.channelParams(channels, signed: true)
        let s8 = rng.int8s(count)
        let u8 = rng.uint8s(count)
        let s32 = rng.int32s(count, in: Int32.min...Int32.max)
        func expected(_ values: [Int64], _ zps: [Int32]) -> [Float] {
            values.enumerated().map { i, v in
                let c = (i / inner) % channels
                return Float(v - Int64(zps[c])) * scales[c]
            }
        }
        var y = [Float](repeating: .nan, count: count)
        ck_dequantize_s8_f32__scalar(outer, channels, inner, s8, scales, zeroPoints, &y)
        expectEqualElements(y, expected(s8.map(Int64.init), zeroPoints), "s8")
        let u8zp = zeroPoints.map { $0 + 128 }
        ck_dequantize_u8_f32__scalar(outer, channels, inner, u8, scales, u8zp, &y)
        expectEqualElements(y, expected(u8.map(Int64.init), u8zp), "u8")
        ck_dequantize_s32_f32__scalar(outer, channels, inner, s32, scales, zeroPoints, &y)
        expectEqualElements(y, expected(s32.map(Int64.init), zeroPoints), "s32")
    }

    /// The example of the ONNX operator documentation: scale 0.0196078438, zero point 153.
    @Test func dynamicQuantizeSpecExample() {
        let x: [Float] = [0, 2, -3, -2.5, 1.34, 0.5]
        var y = [UInt8](repeating: 0, count: x.count)
        var scale: Float = 0
        var zeroPoint: Int32 = 0
        ck_dynamic_quantize_f32_u8__scalar(x.count, x, &y, &scale, &zeroPoint)
        #expect(abs(scale - 0.019_607_843_8) < 1e-9)
        #expect(zeroPoint == 153)
        #expect(y.map(Int32.init) == x.map { QuantMath.quantize($0 / scale, zeroPoint: 153, range: 0...255) })
    }

    /// Positive-only, negative-only, all-zero (scale 1) and random inputs.
    @Test(arguments: [0, 1, 2, 3, 4])
    func dynamicQuantize(kind: Int) {
        var rng = SplitMix64(seed: UInt64(kind) &+ 100)
        let x: [Float] =
            switch kind {
            case 0: rng.floats(50, in: 0.1...4)
            case 1: rng.floats(33, in: -7 ... -0.5)
            case 2: [Float](repeating: 0, count: 10)
            case 3: [3.25]
            default: rng.floats(257, in: -1.5...2.5)
            }
        let lo = min(x.min()!, 0), hi = max(x.max()!, 0)
        let expectedScale: Float = hi == lo ? 1 : (hi - lo) / 255
        let expectedZeroPoint = Int32(min(max(0 - lo / expectedScale, 0), 255).rounded(.toNearestOrEven))
        var y = [UInt8](repeating: 0, count: x.count)
        var scale: Float = 0
        var zeroPoint: Int32 = -1
        ck_dynamic_quantize_f32_u8__scalar(x.count, x, &y, &scale, &zeroPoint)
        #expect(scale == expectedScale)
        #expect(zeroPoint == expectedZeroPoint)
        let expected = x.map { QuantMath.quantize($0 / expectedScale, zeroPoint: expectedZeroPoint, range: 0...255) }
        expectEqualElements(y.map(Int32.init), expected, "kind \(kind)")
    }

    /// Round half to even by integer arithmetic, for multipliers 2^-shift (exact in float):
    /// a deliberately different route from float rounding.
    static func roundShift(_ acc: Int32, _ shift: Int) -> Int64 {
        let value = Int64(acc), unit = Int64(1) << shift
        let floor = value >= 0 ? value / unit : -((-value + unit - 1) / unit)
        let remainder = value - floor * unit
        if remainder * 2 < unit { return floor }
        if remainder * 2 > unit { return floor + 1 }
        return floor % 2 == 0 ? floor : floor + 1
    }

    /// Every accumulator in a window around zero and around the saturation points, with
    /// multipliers 1/2, 1/4 and 1/8 so that exact ties (k + 0.5) occur throughout.
    @Test(arguments: [1, 2, 3], [true, false])
    func requantizeTiesToEven(shift: Int, signed: Bool) {
        let zeroPoint: Int32 = signed ? -1 : 128
        let acc = Array(Int32(-600)...Int32(600)) + [Int32.max, Int32.min, 2_000_001, -2_000_001]
        var multiplier = Float(1) / Float(1 << shift)
        let range = QuantMath.range(signed: signed)
        let expected = acc.map { a -> Int32 in
            Int32(
                min(max(Self.roundShift(a, shift) + Int64(zeroPoint), Int64(range.lowerBound)), Int64(range.upperBound))
            )
        }
        var y = [Int32](repeating: 0, count: acc.count)
        let clamp = ck_clamp_q(min: .min, max: .max)
        if signed {
            var out = [Int8](repeating: 0, count: acc.count)
            ck_requantize_s32_s8__scalar(1, acc.count, acc, &multiplier, 0, zeroPoint, clamp, &out)
            y = out.map(Int32.init)
        } else {
            var out = [UInt8](repeating: 0, count: acc.count)
            ck_requantize_s32_u8__scalar(1, acc.count, acc, &multiplier, 0, zeroPoint, clamp, &out)
            y = out.map(Int32.init)
        }
        expectEqualElements(y, expected, "shift \(shift) signed \(signed)")
        // The single-value entry point follows the same rule.
        for (a, e) in zip(acc, expected) {
            #expect(ck_requantize_one(a, multiplier, zeroPoint, range.lowerBound, range.upperBound) == e)
        }
    }

    /// Per-channel multipliers, rows, and a fused clamp narrower than the type.
    @Test func requantizePerChannelWithClamp() {
        let rows = 3, channels = 5
        var rng = SplitMix64(seed: 77)
        let acc = rng.int32s(rows * channels, in: -4000...4000)
        let multipliers: [Float] = [0.01, 0.02, 0.035, 0.0071, 0.05]
        let expected = acc.enumerated().map { i, a in
            QuantMath.requantize(a, multiplier: multipliers[i % channels], zeroPoint: 2, range: 2...100)
        }
        var y = [Int8](repeating: 0, count: acc.count)
        ck_requantize_s32_s8__scalar(rows, channels, acc, multipliers, 1, 2, ck_clamp_q(min: 2, max: 100), &y)
        expectEqualElements(y.map(Int32.init), expected)
    }
}
