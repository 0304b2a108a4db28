/// Pass: `Constant` nodes become initializers.
extension Model {
    /// Moves every default-domain `Constant` node's value into ``Graph/initializers``, under the
    /// node's output name. A Constant that is itself a graph output stays a node, because an
    /// initializer cannot be a graph output in every runtime.
    mutating func constantsToInitializers() throws(ONNXError) {
        var kept: [Node] = []
        for node in graph.nodes {
            guard node.opType == "Constant", node.domain.isEmpty, let output = node.outputs.first,
                !graph.isGraphOutput(output)
            else {
                kept.append(node)
                continue
            }
            graph.initializers[output] = try ConstantFolding.constantValue(of: node)
        }
        graph.nodes = kept
    }
}
