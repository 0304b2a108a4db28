import EdgeInference

/// Compares a produced output tensor with a golden one under a ``ModelManifest/Tolerance``.
struct OutputComparison: Sendable {
    /// One quantization step for integer outputs; for float outputs one step of a score
    /// quantized to 8 bits over 0...1, which is what the quantizer publishes.
    static let defaultFloatTolerance = 1.0 / 255.0

    var absolute: Double?
    var top1: Bool

    init(_ tolerance: ModelManifest.Tolerance?) {
        absolute = tolerance?.absolute
        top1 = tolerance?.top1 ?? true
    }

    /// Nil when `produced` matches `expected`, else the first disagreement in words.
    func mismatch(produced: Tensor, expected: Tensor) -> String? {
        guard produced.shape == expected.shape else {
            return "shape \(produced.shape), expected \(expected.shape)"
        }
        let limit = absolute ?? (produced.elementType.isFloat ? Self.defaultFloatTolerance : 1)
        let got = produced.doubles()
        let want = expected.doubles()
        for (index, (g, w)) in zip(got, want).enumerated() {
            guard g.isFinite else { return "element \(index) is \(g)" }
            if abs(g - w) > limit {
                return "element \(index) is \(g), expected \(w) (tolerance \(limit))"
            }
        }
        if top1, let classes = produced.shape.last, classes > 1 {
            for row in 0..<(got.count / classes) {
                let range = row * classes..<(row + 1) * classes
                let a = Self.argmax(got[range]), b = Self.argmax(want[range])
                if a != b { return "row \(row) top-1 is class \(a - range.lowerBound), expected \(b - range.lowerBound)" }
            }
        }
        return nil
    }

    static func argmax(_ values: ArraySlice<Double>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}

extension ElementType {
    var isFloat: Bool { self == .float32 || self == .float16 || self == .float64 }
}
