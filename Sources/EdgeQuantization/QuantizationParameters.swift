import EdgeInference

/// Scale and zero point of one quantized tensor, per tensor or per channel.
struct QuantizationParameters {
    var scales: [Float]
    var zeroPoints: [Int32]

    /// Asymmetric activation parameters the way ONNX Runtime computes them: the range widened to
    /// include 0 (so 0 is exact), `scale = (rmax − rmin) / (qmax − qmin)`, `zp = rne(qmin − rmin/scale)`.
    static func activation(_ range: TensorRange, type: QuantizationOptions.Activations) -> QuantizationParameters {
        let (qmin, qmax): (Float, Float) = type == .uint8 ? (0, 255) : (-128, 127)
        let rmin = Swift.min(range.min, 0), rmax = Swift.max(range.max, 0)
        guard rmax > rmin else { return QuantizationParameters(scales: [1], zeroPoints: [0]) }
        let scale = (rmax - rmin) / (qmax - qmin)
        let zp = Swift.min(Swift.max((qmin - rmin / scale).rounded(.toNearestOrEven), qmin), qmax)
        return QuantizationParameters(scales: [scale], zeroPoints: [Int32(zp)])
    }
}

/// A float weight quantized symmetrically to int8 in [−127, 127] (zero point 0).
struct QuantizedWeight {
    var values: [Int8]
    var shape: [Int]
    /// One scale per channel along `axis`, or a single scale.
    var scales: [Float]
    var axis: Int?

    /// - Parameters:
    ///   - axis: the output-channel axis for per-channel scales, nil for one scale per tensor.
    init(_ weight: Tensor, axis: Int?) {
        let w = weight.values(as: Float.self)
        shape = weight.shape
        self.axis = axis
        let channels = axis.map { weight.shape[$0] } ?? 1
        // Element i belongs to channel (i / inner) % channels.
        let inner = axis.map { weight.shape[($0 + 1)...].reduce(1, *) } ?? w.count
        var absMax = Array(repeating: Float(0), count: channels)
        for (i, v) in w.enumerated() {
            let c = axis == nil ? 0 : (i / inner) % channels
            absMax[c] = Swift.max(absMax[c], abs(v))
        }
        scales = absMax.map { $0 > 0 ? $0 / 127 : 1 }
        var q = [Int8](repeating: 0, count: w.count)
        for (i, v) in w.enumerated() {
            let c = axis == nil ? 0 : (i / inner) % channels
            q[i] = Int8(Swift.min(Swift.max((v / scales[c]).rounded(.toNearestOrEven), -127), 127))
        }
        values = q
    }
}

/// Quantizes a float bias to int32 with `scale = x_scale · w_scale` per channel, saturating.
func quantizeBias(_ bias: Tensor, inputScale: Float, weightScales: [Float]) -> (values: [Int32], scales: [Float]) {
    let b = bias.values(as: Float.self)
    var scales: [Float] = []
    var q: [Int32] = []
    for (i, v) in b.enumerated() {
        let s = inputScale * weightScales[weightScales.count == 1 ? 0 : i]
        scales.append(s)
        let r = (v / s).rounded(.toNearestOrEven)
        q.append(r.isNaN ? 0 : Int32(Swift.min(Swift.max(r, -2_147_483_648), 2_147_483_520)))
    }
    return (q, scales)
}
