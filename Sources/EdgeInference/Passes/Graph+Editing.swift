/// Small graph-editing helpers shared by the passes.
extension Graph {
    /// Replaces every use of value `old` (node inputs, node outputs, graph outputs) by `new`.
    mutating func renameValue(_ old: String, to new: String) {
        for i in nodes.indices {
            for j in nodes[i].inputs.indices where nodes[i].inputs[j] == old { nodes[i].inputs[j] = new }
            for j in nodes[i].outputs.indices where nodes[i].outputs[j] == old { nodes[i].outputs[j] = new }
        }
        for i in outputs.indices where outputs[i].name == old { outputs[i].name = new }
        if let info = valueInfo.removeValue(forKey: old) {
            var renamed = info
            renamed.name = new
            valueInfo[new] = renamed
        }
    }

    /// Replaces uses of `old` as a node input (not as a graph output) by `new`.
    mutating func redirectConsumers(of old: String, to new: String) {
        for i in nodes.indices {
            for j in nodes[i].inputs.indices where nodes[i].inputs[j] == old { nodes[i].inputs[j] = new }
        }
    }

    /// Adds an initializer under a fresh name derived from `base`; returns the name used.
    mutating func addInitializer(_ tensor: Tensor, base: String) -> String {
        let name = uniqueName(base)
        initializers[name] = tensor
        return name
    }

    /// Drops initializers and value infos nothing refers to any more.
    mutating func pruneUnused() {
        var used = Set(outputs.map(\.name)).union(inputs.map(\.name))
        var produced = Set<String>()
        for node in nodes {
            used.formUnion(node.inputs)
            produced.formUnion(node.outputs)
            for attribute in node.attributes.values {
                if case .graph = attribute { return }  // subgraphs may capture outer values: keep everything
                if case .graphs = attribute { return }
            }
        }
        initializers = initializers.filter { used.contains($0.key) }
        valueInfo = valueInfo.filter { produced.contains($0.key) || used.contains($0.key) }
    }

    /// True when `name` is one of the graph's declared outputs.
    func isGraphOutput(_ name: String) -> Bool { outputs.contains { $0.name == name } }

    /// Index of the node producing `name`.
    func producerIndex(of name: String) -> Int? {
        nodes.firstIndex { $0.outputs.contains(name) }
    }
}
