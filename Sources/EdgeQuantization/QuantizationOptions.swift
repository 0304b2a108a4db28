/// What `edgemlops quantize` is asked to do.
public struct QuantizationOptions: Sendable, Hashable {
    /// Static: activation ranges from calibration. Dynamic: activations quantized at run time.
    public enum Mode: String, Sendable, Hashable, CaseIterable { case `static`, dynamic }
    /// How calibration turns observed activations into a range.
    public enum Method: String, Sendable, Hashable, CaseIterable { case minmax, percentile, entropy }
    /// Output graph form: Q/DQ pairs around float operators, or fused QLinear* operators.
    public enum Format: String, Sendable, Hashable, CaseIterable { case qdq, qoperator }
    /// Integer type of quantized activations.
    public enum Activations: String, Sendable, Hashable, CaseIterable { case int8, uint8 }

    public var mode: Mode = .static
    public var method: Method = .minmax
    public var format: Format = .qdq
    /// int8 like ORT's quantize_static default (S8S8 QDQ); also the faster path in our runtime.
    public var activations: Activations = .int8
    /// Per-output-channel weight scales (per-tensor otherwise). Dynamic mode is always per channel.
    public var perChannel = false
    /// Nodes left in float: exact node names, or prefixes ending in `*` (`/score/*`: every
    /// node torch exported from the `score` submodule).
    public var exclude: Set<String> = []
    /// Percentile kept by the percentile calibrator (ORT's default 99.999).
    public var percentile: Double = 99.999
    /// Histogram bins of the percentile and entropy calibrators (ORT: 2048 and 128).
    public var percentileBins = 2048
    public var entropyBins = 128
    public var entropyQuantizedBins = 128

    public init() {}

    /// Whether `--exclude` names the node, exactly or by a `prefix*` pattern.
    public func excludes(_ nodeName: String) -> Bool {
        if exclude.contains(nodeName) { return true }
        return exclude.contains { $0.hasSuffix("*") && nodeName.hasPrefix($0.dropLast()) }
    }

    /// `--exclude` entries that name no node of `graph`: almost always a typo.
    public func unmatchedExcludes(in nodeNames: [String]) -> [String] {
        exclude.filter { pattern in
            !nodeNames.contains { name in pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern }
        }.sorted()
    }
}
