/// Topological order checks.
extension Graph {
    /// The graph with nodes in a valid topological order (stable: an already sorted graph is
    /// unchanged). Throws when an input is never produced or the nodes form a cycle.
    public func topologicallySorted() throws(ONNXError) -> Graph {
        var available = Set(initializers.keys).union(inputs.map(\.name))
        available.insert("")
        var producers: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                guard producers[output] == nil, !available.contains(output) else {
                    throw ONNXError(
                        code: .invalidModel,
                        message: "value '\(output)' is produced more than once",
                        node: node.name_
                    )
                }
                producers[output] = index
            }
        }
        for node in nodes {
            for input in node.inputs where !available.contains(input) && producers[input] == nil {
                throw ONNXError(
                    code: .invalidModel,
                    message: "input '\(input)' of \(node.opType) is not a graph input, initializer or node output",
                    node: node.name_
                )
            }
        }
        var placed = [Bool](repeating: false, count: nodes.count)
        var order: [Int] = []
        order.reserveCapacity(nodes.count)
        // Repeated sweeps keep file order where possible; O(n²) only for badly unsorted graphs.
        var progress = true
        while order.count < nodes.count, progress {
            progress = false
            for (index, node) in nodes.enumerated() where !placed[index] {
                if node.inputs.allSatisfy({ available.contains($0) }) {
                    placed[index] = true
                    order.append(index)
                    available.formUnion(node.outputs)
                    progress = true
                }
            }
        }
        guard order.count == nodes.count else {
            let stuck = nodes.indices.first { !placed[$0] }.map { nodes[$0].name_ } ?? "?"
            throw ONNXError(code: .invalidModel, message: "the graph has a cycle", node: stuck)
        }
        var sorted = self
        sorted.nodes = order.map { nodes[$0] }
        return sorted
    }
}
