/// How a model is quantized, detected from its operators and quantization parameters.
public struct QuantizationSummary: Sendable, Encodable, Equatable {
    /// `fp32`, `QDQ`, `QOperator` or `dynamic` (joined with `+` when a model mixes them).
    public var scheme: String
    /// `per-tensor`, `per-channel`, or nil for float models.
    public var granularity: String?
    /// Element type of quantized activations (`int8`/`uint8`), when detected.
    public var activationType: String?
    /// Element type of quantized weights, when detected.
    public var weightType: String?

    static let qoperatorOps: Set<String> = [
        "QLinearConv", "QLinearMatMul", "QGemm", "QLinearAdd", "QLinearMul", "QLinearGlobalAveragePool",
        "QLinearSigmoid", "QLinearLeakyRelu", "QLinearConcat", "QLinearAveragePool", "QLinearSoftmax",
    ]

    public init(scheme: String, granularity: String? = nil, activationType: String? = nil, weightType: String? = nil) {
        self.scheme = scheme
        self.granularity = granularity
        self.activationType = activationType
        self.weightType = weightType
    }

    /// Detects the scheme from the graph's operators and quantization parameters.
    public init(graph: Graph) {
        let ops = Set(graph.nodes.map(\.opType))
        var schemes: [String] = []
        let isQOperator = !ops.isDisjoint(with: Self.qoperatorOps)
        let isDynamic =
            ops.contains("DynamicQuantizeLinear") || ops.contains("ConvInteger") || ops.contains("MatMulInteger")
        // In QOperator and dynamic models Q/DQ only sit at the edges; QDQ means DQ feeds float compute.
        let computeOps: Set<String> = [
            "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Mul", "Concat", "AveragePool", "MaxPool",
        ]
        let producers = Dictionary(graph.nodes.flatMap { n in n.outputs.map { ($0, n.opType) } }) { a, _ in a }
        let isQDQ = graph.nodes.contains { node in
            computeOps.contains(node.opType) && node.inputs.contains { producers[$0] == "DequantizeLinear" }
        }
        if isQDQ { schemes.append("QDQ") }
        if isQOperator { schemes.append("QOperator") }
        if isDynamic { schemes.append("dynamic") }
        scheme = schemes.isEmpty ? "fp32" : schemes.joined(separator: "+")
        guard !schemes.isEmpty else { return }

        func type(of name: String?) -> ElementType? {
            guard let name else { return nil }
            if let t = graph.initializers[name] { return t.elementType }
            return graph.inputs.first { $0.name == name }?.elementType
        }
        func count(of name: String?) -> Int { name.flatMap { graph.initializers[$0]?.count } ?? 1 }

        var perChannel = false
        for node in graph.nodes {
            switch node.opType {
            case "DequantizeLinear":
                // A DQ of a constant is a weight, unless it is an int32 bias.
                if let w = node.input(0).flatMap({ graph.initializers[$0] }), w.elementType != .int32 {
                    weightType = weightType ?? w.elementType.description
                    if count(of: node.input(1)) > 1 { perChannel = true }
                }
            case "QuantizeLinear":
                guard let x = node.input(0), graph.initializers[x] == nil else { break }
                activationType = activationType ?? (type(of: node.input(2))?.description ?? "uint8")
            case "QLinearConv", "QLinearMatMul", "QGemm":
                if count(of: node.input(4)) > 1 { perChannel = true }
                if let w = type(of: node.input(3)) { weightType = weightType ?? w.description }
                if let x = type(of: node.input(2)) { activationType = activationType ?? x.description }
            case "ConvInteger", "MatMulInteger":
                if count(of: node.input(3)) > 1 { perChannel = true }
                if let w = type(of: node.input(1)) { weightType = weightType ?? w.description }
                activationType = activationType ?? "uint8"
            default:
                break
            }
        }
        granularity = perChannel ? "per-channel" : "per-tensor"
    }
}
