/// A computation graph: nodes in topological order, constant initializers, declared inputs,
/// outputs and intermediate value infos.
public struct Graph: Sendable, Equatable {
    public var name: String
    public var nodes: [Node]
    /// Constant tensors by name. A graph input with the same name is an overridable default.
    public var initializers: [String: Tensor]
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Declared types of intermediate values, by name.
    public var valueInfo: [String: ValueInfo]

    public init(
        name: String = "",
        nodes: [Node] = [],
        initializers: [String: Tensor] = [:],
        inputs: [ValueInfo] = [],
        outputs: [ValueInfo] = [],
        valueInfo: [String: ValueInfo] = [:]
    ) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
    }

    /// Inputs the caller must feed: declared inputs that are not initializers (IR ≤ 3 exporters
    /// list every initializer as an input too).
    public var runtimeInputs: [ValueInfo] {
        inputs.filter { initializers[$0.name] == nil }
    }

    /// A name not used by any value in the graph, derived from `base`.
    public func uniqueName(_ base: String) -> String {
        var used = Set(initializers.keys)
        for node in nodes { used.formUnion(node.outputs) }
        for input in inputs { used.insert(input.name) }
        if !used.contains(base) { return base }
        var i = 1
        while used.contains("\(base)_\(i)") { i += 1 }
        return "\(base)_\(i)"
    }

    /// Number of nodes that read each value (graph outputs count as readers).
    public func consumerCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for node in nodes {
            for input in node.inputs where !input.isEmpty { counts[input, default: 0] += 1 }
        }
        for output in outputs { counts[output.name, default: 0] += 1 }
        return counts
    }
}
