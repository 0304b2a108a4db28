import EdgeInference

/// Graph edits the quantizer needs (the runtime's own helpers are internal to EdgeInference).
extension Graph {
    mutating func addConstant(_ tensor: Tensor, base: String) -> String {
        let name = uniqueName(base)
        initializers[name] = tensor
        return name
    }

    /// Points every node input reading `old` at `new`, except in the nodes listed in `keeping`.
    mutating func redirectInputs(of old: String, to new: String, keeping: Set<Int> = []) {
        for i in nodes.indices where !keeping.contains(i) {
            for j in nodes[i].inputs.indices where nodes[i].inputs[j] == old { nodes[i].inputs[j] = new }
        }
    }

    /// Renames a value everywhere (producer, consumers, graph outputs).
    mutating func renameEverywhere(_ old: String, to new: String) {
        for i in nodes.indices {
            for j in nodes[i].inputs.indices where nodes[i].inputs[j] == old { nodes[i].inputs[j] = new }
            for j in nodes[i].outputs.indices where nodes[i].outputs[j] == old { nodes[i].outputs[j] = new }
        }
        for i in outputs.indices where outputs[i].name == old { outputs[i].name = new }
        valueInfo.removeValue(forKey: old)
    }

    func consumers(of name: String) -> [Int] {
        nodes.indices.filter { nodes[$0].inputs.contains(name) }
    }

    /// Drops initializers no node or output reads any more.
    mutating func dropUnusedInitializers() {
        let used = Set(nodes.flatMap(\.inputs)).union(outputs.map(\.name))
        initializers = initializers.filter { used.contains($0.key) }
    }
}
