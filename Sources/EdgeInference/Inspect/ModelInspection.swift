/// A summary of a model for `edgemlops model inspect`: interface, operators, parameters,
/// quantization scheme, opsets and metadata.
public struct ModelInspection: Sendable, Encodable {
    /// A graph input or output.
    public struct Value: Sendable, Encodable, Equatable {
        public var name: String
        public var elementType: String
        /// Dimensions: numbers, symbolic names, or `?`; nil when the rank is unknown.
        public var shape: [String]?

        enum CodingKeys: String, CodingKey { case name, elementType = "type", shape }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(elementType, forKey: .elementType)
            if let shape {
                var dims = c.nestedUnkeyedContainer(forKey: .shape)
                for d in shape {
                    if let n = Int(d) { try dims.encode(n) } else { try dims.encode(d) }
                }
            } else {
                try c.encodeNil(forKey: .shape)
            }
        }
    }

    public var producer: String
    public var irVersion: Int
    public var graphName: String
    public var opsets: [String: Int]
    public var metadata: [String: String]
    public var inputs: [Value]
    public var outputs: [Value]
    /// Output shapes from our static shape inference (declared shapes are often missing).
    public var inferredOutputs: [Value]?
    /// Why shape inference failed (unsupported operator, symbolic input, ...), when it did.
    public var shapeInferenceError: String?
    public var nodeCount: Int
    /// Node count per operator; contrib operators are prefixed with their domain.
    public var operators: [String: Int]
    public var parameterCount: Int
    public var parameterBytes: Int
    public var quantization: QuantizationSummary

    /// - Parameter inputShapes: concrete shapes for inputs with symbolic dimensions, used for
    ///   the inferred output shapes.
    public init(model: Model, inputShapes: [String: [Int]] = [:]) {
        let graph = model.graph
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        irVersion = model.irVersion
        graphName = graph.name
        opsets = Dictionary(uniqueKeysWithValues: model.opsets.map { ($0.key.isEmpty ? "ai.onnx" : $0.key, $0.value) })
        metadata = Dictionary(model.metadata.map { ($0.key, $0.value) }) { _, last in last }
        inputs = graph.runtimeInputs.map(Self.value)
        outputs = graph.outputs.map(Self.value)
        nodeCount = graph.nodes.count
        var histogram: [String: Int] = [:]
        for node in graph.nodes {
            histogram[node.domain.isEmpty ? node.opType : "\(node.domain).\(node.opType)", default: 0] += 1
        }
        operators = histogram
        parameterCount = graph.initializers.values.reduce(0) { $0 + $1.count }
        parameterBytes = graph.initializers.values.reduce(0) { $0 + $1.data.count }
        quantization = QuantizationSummary(graph: graph)
        do {
            let types = try ShapeInference.infer(model, inputShapes: inputShapes)
            inferredOutputs = graph.outputs.map { output in
                let t = types[output.name]
                return Value(
                    name: output.name,
                    elementType: t.map { "\($0.elementType)" } ?? "?",
                    shape: t.map { $0.shape.map(String.init) }
                )
            }
        } catch {
            shapeInferenceError = error.description
        }
    }

    static func value(_ info: ValueInfo) -> Value {
        Value(name: info.name, elementType: info.elementType?.description ?? "?", shape: info.shape?.map(\.description))
    }
}
