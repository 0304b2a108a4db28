import CKernels
import Testing

/// Add/Sub/Mul/Div with broadcasting, QLinearAdd and QLinearMul.
@Suite("Binary elementwise kernels")
struct BinaryKernelTests {
    typealias BinaryF32 =
        @convention(c) (
            UnsafePointer<ck_broadcast>?, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?
        ) -> Void
    typealias QBinaryS8 =
        @convention(c) (
            UnsafePointer<ck_broadcast>?, UnsafePointer<ck_qbinary_params>?, UnsafePointer<Int8>?, UnsafePointer<Int8>?,
            UnsafeMutablePointer<Int8>?
        ) -> Void
    typealias QBinaryU8 =
        @convention(c) (
            UnsafePointer<ck_broadcast>?, UnsafePointer<ck_qbinary_params>?, UnsafePointer<UInt8>?,
            UnsafePointer<UInt8>?,
            UnsafeMutablePointer<UInt8>?
        ) -> Void

    /// A float operation: its kernels (reference first) and its Swift meaning.
    struct FloatOp: Sendable, CustomTestStringConvertible {
        var name: String
        var variants: [KernelVariant<BinaryF32>]
        var apply: @Sendable (Float, Float) -> Float
        var testDescription: String { name }
    }

    static let floatOps: [FloatOp] = [
        FloatOp(name: "add", variants: [KernelVariant("ck_add_f32__scalar", ck_add_f32__scalar)], apply: { $0 + $1 }),
        FloatOp(name: "sub", variants: [KernelVariant("ck_sub_f32__scalar", ck_sub_f32__scalar)], apply: { $0 - $1 }),
        FloatOp(name: "mul", variants: [KernelVariant("ck_mul_f32__scalar", ck_mul_f32__scalar)], apply: { $0 * $1 }),
        FloatOp(name: "div", variants: [KernelVariant("ck_div_f32__scalar", ck_div_f32__scalar)], apply: { $0 / $1 }),
    ]

    @Test(arguments: floatOps, BroadcastCase.all)
    func floatBinary(op: FloatOp, c: BroadcastCase) {
        var rng = SplitMix64(seed: c.seed)
        let a = rng.floats(c.aCount, in: -4...4)
        let b = rng.floats(c.bCount, in: 0.5...3)  // positive: Div stays finite
        let expected = c.apply(a, b, op.apply)
        for variant in op.variants where variant.isAvailable {
            var bc = c.descriptor
            var y = [Float](repeating: .nan, count: c.outCount)
            variant.function(&bc, a, b, &y)
            // Single operations: results are correctly rounded, so exact equality holds.
            expectEqualElements(y, expected, "\(variant.name) \(c.testDescription)")
        }
    }

    static let qaddS8: [KernelVariant<QBinaryS8>] = available([
        KernelVariant<QBinaryS8>("ck_qadd_s8__scalar", ck_qadd_s8__scalar)
    ] + SimdVariants.qaddS8)
    static let qaddU8: [KernelVariant<QBinaryU8>] = available([
        KernelVariant<QBinaryU8>("ck_qadd_u8__scalar", ck_qadd_u8__scalar)
    ] + SimdVariants.qaddU8)
    static let qmulS8: [KernelVariant<QBinaryS8>] = available([
        KernelVariant<QBinaryS8>("ck_qmul_s8__scalar", ck_qmul_s8__scalar)
    ] + SimdVariants.qmulS8)
    static let qmulU8: [KernelVariant<QBinaryU8>] = available([
        KernelVariant<QBinaryU8>("ck_qmul_u8__scalar", ck_qmul_u8__scalar)
    ] + SimdVariants.qmulU8)

    static let sParams = ck_qbinary_params(
        a_scale: 0.05,
        b_scale: 0.02,
        y_scale: 0.06,
        a_zero_point: -3,
        b_zero_point: 10,
        y_zero_point: 4
    )
    static let uParams = ck_qbinary_params(
        a_scale: 0.05,
        b_scale: 0.02,
        y_scale: 0.06,
        a_zero_point: 128,
        b_zero_point: 100,
        y_zero_point: 130
    )

    /// QLinearAdd from the contrib-op formula with ONNX Runtime's float32 evaluation order.
    /// QLinearAdd as ONNX Runtime's x86 kernel evaluates it (verified bit-exact against ORT by
    /// tools/ckernels-ort): zero points folded into one constant, two fused multiply-adds, the
    /// operands exchanged when A is the one broadcast along the innermost axis.
    static func qadd(_ p: ck_qbinary_params, signed: Bool, swapped: Bool) -> (Int32, Int32) -> Int32 {
        let ra = p.a_scale / p.y_scale, rb = p.b_scale / p.y_scale
        let za = Float(p.a_zero_point), zb = Float(p.b_zero_point)
        let (r1, r2) = swapped ? (rb, ra) : (ra, rb)
        let (z1, z2) = swapped ? (zb, za) : (za, zb)
        let fixed = Float(p.y_zero_point) - (r2 * z2).addingProduct(r1, z1)
        return { a, b in
            let (first, second) = swapped ? (Float(b), Float(a)) : (Float(a), Float(b))
            let v = fixed.addingProduct(second, r2).addingProduct(first, r1)
            return QuantMath.quantize(v, zeroPoint: 0, range: QuantMath.range(signed: signed))
        }
    }

    static func qmul(_ p: ck_qbinary_params, signed: Bool) -> (Int32, Int32) -> Int32 {
        let m = p.a_scale * p.b_scale / p.y_scale
        return { a, b in
            QuantMath.requantize(
                (a - p.a_zero_point) * (b - p.b_zero_point),
                multiplier: m,
                zeroPoint: p.y_zero_point,
                range: QuantMath.range(signed: signed)
            )
        }
    }

    static func runS8(
        _ variants: [KernelVariant<QBinaryS8>],
        _ c: BroadcastCase,
        _ p: ck_qbinary_params,
        _ op: (Int32, Int32) -> Int32
    ) {
        var rng = SplitMix64(seed: c.seed)
        let a = rng.int8s(c.aCount), b = rng.int8s(c.bCount)
        let expected = c.apply(a.map(Int32.init), b.map(Int32.init), op)
        for variant in variants where variant.isAvailable {
            var bc = c.descriptor
            var q = p
            var y = [Int8](repeating: 0, count: c.outCount)
            variant.function(&bc, &q, a, b, &y)
            expectEqualElements(y.map(Int32.init), expected, "\(variant.name) \(c.testDescription)")
        }
    }

    static func runU8(
        _ variants: [KernelVariant<QBinaryU8>],
        _ c: BroadcastCase,
        _ p: ck_qbinary_params,
        _ op: (Int32, Int32) -> Int32
    ) {
        var rng = SplitMix64(seed: c.seed)
        let a = rng.uint8s(c.aCount), b = rng.uint8s(c.bCount)
        let expected = c.apply(a.map(Int32.init), b.map(Int32.init), op)
        for variant in variants where variant.isAvailable {
            var bc = c.descriptor
            var q = p
            var y = [UInt8](repeating: 0, count: c.outCount)
            variant.function(&bc, &q, a, b, &y)
            expectEqualElements(y.map(Int32.init), expected, "\(variant.name) \(c.testDescription)")
        }
    }

    @Test(arguments: BroadcastCase.all)
    func qlinearAdd(c: BroadcastCase) {
        let swapped = c.aBroadcastAlongInnermost
        Self.runS8(Self.qaddS8, c, Self.sParams, Self.qadd(Self.sParams, signed: true, swapped: swapped))
        Self.runU8(Self.qaddU8, c, Self.uParams, Self.qadd(Self.uParams, signed: false, swapped: swapped))
    }

    @Test(arguments: BroadcastCase.all)
    func qlinearMul(c: BroadcastCase) {
        Self.runS8(Self.qmulS8, c, Self.sParams, Self.qmul(Self.sParams, signed: true))
        Self.runU8(Self.qmulU8, c, Self.uParams, Self.qmul(Self.uParams, signed: false))
    }
}
