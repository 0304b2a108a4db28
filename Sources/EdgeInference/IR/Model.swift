/// An ONNX model in the IR: header fields, opset per domain, metadata and the main graph.
public struct Model: Sendable, Equatable {
    /// The domain key of the default ONNX operator set (`""` and `"ai.onnx"` on disk).
    public static let defaultDomain = ""
    /// ONNX Runtime's contrib operators.
    public static let microsoftDomain = "com.microsoft"

    public var irVersion: Int
    public var producerName: String
    public var producerVersion: String
    public var domain: String
    public var modelVersion: Int
    public var docString: String
    /// Opset version per domain; `""` is ai.onnx.
    public var opsets: [String: Int]
    /// `metadata_props`, in file order.
    public var metadata: [StringStringEntryProto]
    public var graph: Graph

    public init(
        irVersion: Int = 8,
        producerName: String = "edgemlops",
        producerVersion: String = "",
        domain: String = "",
        modelVersion: Int = 0,
        docString: String = "",
        opsets: [String: Int] = ["": 13],
        metadata: [StringStringEntryProto] = [],
        graph: Graph
    ) {
        self.irVersion = irVersion
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.domain = domain
        self.modelVersion = modelVersion
        self.docString = docString
        self.opsets = opsets
        self.metadata = metadata
        self.graph = graph
    }

    /// The opset version a node is interpreted with.
    public func opset(for node: Node) -> Int? { opsets[node.domain] }
}
