/// Pass: constant subgraphs (shape computations) become initializers.
extension Model {
    /// Replaces every node constant folding evaluated by initializers holding its outputs.
    /// Nodes writing a graph output stay, so the graph keeps its interface.
    mutating func foldConstants(inputShapes: [String: [Int]]) throws(ONNXError) {
        let (_, constants) = try ShapeInference.inferWithConstants(self, inputShapes: inputShapes)
        var kept: [Node] = []
        for node in graph.nodes {
            let outputs = node.outputs.filter { !$0.isEmpty }
            let folded =
                node.domain.isEmpty && ConstantFolding.foldable.contains(node.opType) && !outputs.isEmpty
                && outputs.allSatisfy { constants[$0] != nil && !graph.isGraphOutput($0) }
            guard folded else {
                kept.append(node)
                continue
            }
            for name in outputs { graph.initializers[name] = constants[name] }
        }
        graph.nodes = kept
    }
}
