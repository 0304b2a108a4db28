/// The quantization rules of the ONNX specification, written from the spec text for the
/// oracles (deliberately not a transcription of the C helpers).
enum QuantMath {
    /// Range of an 8-bit type.
    static func range(signed: Bool) -> ClosedRange<Int32> { signed ? -128...127 : 0...255 }

    /// sat(rne(value) + zeroPoint): round first, then add, then saturate.
    static func quantize(_ value: Float, zeroPoint: Int32, range: ClosedRange<Int32>) -> Int32 {
        let rounded = value.rounded(.toNearestOrEven)
        if rounded.isNaN { return range.lowerBound }
        let shifted = Double(rounded) + Double(zeroPoint)
        return Int32(min(max(shifted, Double(range.lowerBound)), Double(range.upperBound)))
    }

    /// Requantize an int32 accumulator with a float32 multiplier.
    static func requantize(_ acc: Int32, multiplier: Float, zeroPoint: Int32, range: ClosedRange<Int32>) -> Int32 {
        quantize(Float(acc) * multiplier, zeroPoint: zeroPoint, range: range)
    }
}
