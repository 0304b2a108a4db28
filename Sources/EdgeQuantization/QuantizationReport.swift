/// What the quantizer did, for the command's summary.
public struct QuantizationReport: Sendable {
    /// Operator type → number of nodes quantized.
    public var quantized: [String: Int] = [:]
    /// Nodes left in float with the reason (excluded, no integer kernel, non-constant weight).
    public var leftFloat: [(node: String, opType: String, reason: String)] = []
    /// Number of activation tensors that got a quantization range.
    public var quantizedTensors = 0
    /// Notes from preprocessing and fusion.
    public var notes: [String] = []

    public init() {}
}
