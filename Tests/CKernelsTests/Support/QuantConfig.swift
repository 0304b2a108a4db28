import CKernels

/// Quantization setup of an 8-bit convolution or GEMM case: operand types, zero points,
/// scales (per tensor or per channel), fused activation.
struct QuantConfig: Sendable, CustomStringConvertible {
    var xSigned: Bool
    var wSigned: Bool
    var perChannel: Bool
    var xZeroPoint: Int32
    var wZeroPoint: Int32  // per-tensor value; per channel adds the channel index mod 3
    var withBias: Bool
    var relu: Bool

    var description: String {
        "x\(xSigned ? "s8" : "u8") w\(wSigned ? "s8" : "u8") \(perChannel ? "per-channel" : "per-tensor") "
            + "zx\(xZeroPoint) zw\(wZeroPoint)\(withBias ? " bias" : "")\(relu ? " relu" : "")"
    }

    var xRange: ClosedRange<Int32> { QuantMath.range(signed: xSigned) }
    var wRange: ClosedRange<Int32> { QuantMath.range(signed: wSigned) }
    var xType: ck_qtype { xSigned ? CK_QTYPE_S8 : CK_QTYPE_U8 }
    var wType: ck_qtype { wSigned ? CK_QTYPE_S8 : CK_QTYPE_U8 }

    /// Output quantization lives with the input's type, as in QLinearConv.
    var yZeroPoint: Int32 { xSigned ? -3 : 131 }
    var yScale: Float { 0.75 }
    var xScale: Float { 0.02 }

    func wZeroPoints(_ channels: Int) -> [Int32] {
        (0..<channels).map { perChannel ? min(wZeroPoint + Int32($0 % 3), wRange.upperBound) : wZeroPoint }
    }

    func wScales(_ channels: Int) -> [Float] {
        (0..<channels).map { perChannel ? 0.01 + 0.003 * Float($0 % 5) : 0.013 }
    }

    /// Relu in the output domain: [y_zero_point, type max].
    var clamp: ClosedRange<Int32> {
        relu ? yZeroPoint...QuantMath.range(signed: xSigned).upperBound : Int32.min...Int32.max
    }

    static let signed: [QuantConfig] = [
        QuantConfig(
            xSigned: true,
            wSigned: true,
            perChannel: true,
            xZeroPoint: 5,
            wZeroPoint: 0,
            withBias: true,
            relu: false
        ),
        QuantConfig(
            xSigned: true,
            wSigned: true,
            perChannel: false,
            xZeroPoint: -128,
            wZeroPoint: 0,
            withBias: false,
            relu: true
        ),
        QuantConfig(
            xSigned: true,
            wSigned: true,
            perChannel: true,
            xZeroPoint: 127,
            wZeroPoint: -2,
            withBias: true,
            relu: true
        ),
    ]

    static let unsigned: [QuantConfig] = [
        QuantConfig(
            xSigned: false,
            wSigned: false,
            perChannel: false,
            xZeroPoint: 128,
            wZeroPoint: 120,
            withBias: true,
            relu: false
        ),
        QuantConfig(
            xSigned: false,
            wSigned: true,
            perChannel: true,
            xZeroPoint: 0,
            wZeroPoint: 0,
            withBias: true,
            relu: true
        ),
        QuantConfig(
            xSigned: false,
            wSigned: false,
            perChannel: true,
            xZeroPoint: 255,
            wZeroPoint: 3,
            withBias: false,
            relu: false
        ),
    ]
}

/// Raw storage of an 8-bit tensor generated as Int32 values within its type's range.
enum Raw8 {
    static func bytes(_ values: [Int32], signed: Bool) -> [UInt8] {
        values.map { signed ? UInt8(bitPattern: Int8($0)) : UInt8($0) }
    }

    static func values(_ bytes: [UInt8], signed: Bool) -> [Int32] {
        bytes.map { signed ? Int32(Int8(bitPattern: $0)) : Int32($0) }
    }
}
