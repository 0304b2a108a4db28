/// Pass: `Identity` and inference-mode `Dropout` are removed.
extension Model {
    mutating func removeIdentities() {
        var index = 0
        while index < graph.nodes.count {
            let node = graph.nodes[index]
            let isIdentity = node.domain.isEmpty && node.opType == "Identity"
            // Dropout is a no-op at inference unless its mask output is used.
            let isDropout =
                node.domain.isEmpty && node.opType == "Dropout"
                && (node.outputs.count < 2 || node.outputs[1].isEmpty
                    || graph.consumerCounts()[node.outputs[1], default: 0] == 0)
            guard isIdentity || isDropout, let x = node.input(0), let y = node.outputs.first, !y.isEmpty else {
                index += 1
                continue
            }
            if !graph.isGraphOutput(y) {
                graph.nodes.remove(at: index)
                graph.redirectConsumers(of: y, to: x)
                continue
            }
            // y is a graph output: rename x's producer to write y directly, when x is an internal value.
            if graph.producerIndex(of: x) != nil, !graph.isGraphOutput(x) {
                graph.nodes.remove(at: index)
                graph.renameValue(x, to: y)
                continue
            }
            index += 1
        }
    }
}
