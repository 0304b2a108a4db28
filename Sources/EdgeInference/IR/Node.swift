/// One operator application in the IR.
///
/// `domain` is `""` for the default ONNX domain (`ai.onnx` is folded into it on import).
/// An empty string in ``inputs`` marks an omitted optional input, as in ONNX.
public struct Node: Sendable, Equatable {
    public var name: String
    public var opType: String
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: Attribute]

    public init(
        name: String,
        opType: String,
        domain: String = "",
        inputs: [String],
        outputs: [String],
        attributes: [String: Attribute] = [:]
    ) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// Domain as written in messages: `ai.onnx` for the default domain.
    public var displayDomain: String { domain.isEmpty ? "ai.onnx" : domain }

    /// The input at `index`, or nil when absent or omitted (`""`).
    public func input(_ index: Int) -> String? {
        index < inputs.count && !inputs[index].isEmpty ? inputs[index] : nil
    }
}
