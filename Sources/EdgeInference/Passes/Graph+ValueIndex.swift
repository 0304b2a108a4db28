/// Value → node indexes, for passes that match patterns.
extension Graph {
    /// Node indices reading each value.
    func consumersByValue() -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (i, node) in nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty { result[input, default: []].append(i) }
        }
        return result
    }

    /// The node index producing each value.
    func producersByValue() -> [String: Int] {
        var result: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            for output in node.outputs { result[output] = i }
        }
        return result
    }
}
