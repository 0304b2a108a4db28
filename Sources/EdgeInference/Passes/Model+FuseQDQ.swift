/// QDQ fusion: `DequantizeLinear → op → QuantizeLinear` becomes the integer operator, as ONNX
/// Runtime's QDQ transformer does, so a QDQ model runs in 8-bit end to end:
///
/// | Float op | Becomes |
/// |---|---|
/// | Conv | QLinearConv (int32 bias from `DequantizeLinear` of an int32 initializer) |
/// | MatMul | QLinearMatMul (constant B) |
/// | Gemm (beta 1) | com.microsoft QGemm |
/// | Add, Mul | com.microsoft QLinearAdd, QLinearMul (per-tensor) |
/// | GlobalAveragePool, AveragePool | com.microsoft QLinearGlobalAveragePool, QLinearAveragePool |
/// | Sigmoid, LeakyRelu | com.microsoft QLinearSigmoid, QLinearLeakyRelu |
/// | MaxPool, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, nearest Resize | the same op on 8-bit data, when input and output quantization are equal |
///
/// A fusion needs: every data input produced by a DequantizeLinear with constant scale and zero
/// point, the op's only consumer a QuantizeLinear (and the op's output not a graph output).
/// DequantizeLinear nodes left without consumers are removed.
extension Model {
    /// Applies the fusions; returns a log line per fused operator kind.
    public mutating func fuseQDQ() -> [String] {
        var counts: [String: Int] = [:]
        var removed = Set<Int>()
        let consumers = graph.consumersByValue()
        let producers = graph.producersByValue()
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            guard node.domain.isEmpty, node.opType != "QuantizeLinear", node.opType != "DequantizeLinear",
                node.outputs.count == 1, !graph.isGraphOutput(node.outputs[0]),
                let users = consumers[node.outputs[0]], users.count == 1,
                graph.nodes[users[0]].opType == "QuantizeLinear", graph.nodes[users[0]].domain.isEmpty
            else { continue }
            let q = graph.nodes[users[0]]
            guard let qp = quantParams(q, scaleIndex: 1, zeroIndex: 2) else { continue }
            func dq(_ name: String) -> (x: String, scale: String, zero: String, node: Node)? {
                guard let p = producers[name], graph.nodes[p].opType == "DequantizeLinear", graph.nodes[p].domain.isEmpty else { return nil }
                let d = graph.nodes[p]
                guard let params = quantParams(d, scaleIndex: 1, zeroIndex: 2) else { return nil }
                return (d.inputs[0], params.scale, params.zero, d)
            }
            var fused: Node?
            let name = node.name.isEmpty ? q.outputs[0] + "_fused" : node.name
            let out = [q.outputs[0]]
            switch node.opType {
            case "Conv":
                guard let x = dq(node.inputs[0]), let w = dq(node.inputs[1]), graph.initializers[w.x] != nil else { break }
                var inputs = [x.x, x.scale, x.zero, w.x, w.scale, w.zero, qp.scale, qp.zero]
                if let b = node.input(2) {
                    guard let bias = dq(b), graph.initializers[bias.x]?.elementType == .int32 else { break }
                    inputs.append(bias.x)
                }
                fused = Node(name: name, opType: "QLinearConv", inputs: inputs, outputs: out, attributes: node.attributes)
            case "MatMul":
                guard let a = dq(node.inputs[0]), let b = dq(node.inputs[1]), graph.initializers[b.x] != nil,
                    graph.initializers[b.x]?.rank == 2
                else { break }
                fused = Node(name: name, opType: "QLinearMatMul", inputs: [a.x, a.scale, a.zero, b.x, b.scale, b.zero, qp.scale, qp.zero], outputs: out)
            case "Gemm":
                guard (try? node.float("beta", default: 1)) == 1, (try? node.int("transA", default: 0)) == 0,
                    let a = dq(node.inputs[0]), let b = dq(node.inputs[1]), graph.initializers[b.x] != nil
                else { break }
                var c = ""
                if let name = node.input(2) {
                    guard let bias = dq(name), graph.initializers[bias.x]?.elementType == .int32 else { break }
                    c = bias.x
                }
                var attributes = node.attributes
                attributes["beta"] = nil
                fused = Node(name: name, opType: "QGemm", domain: Model.microsoftDomain,
                             inputs: [a.x, a.scale, a.zero, b.x, b.scale, b.zero, c, qp.scale, qp.zero], outputs: out, attributes: attributes)
            case "Add", "Mul":
                guard let a = dq(node.inputs[0]), let b = dq(node.inputs[1]),
                    isScalar(a.scale), isScalar(b.scale), isScalar(qp.scale)
                else { break }
                fused = Node(name: name, opType: "QLinear" + node.opType, domain: Model.microsoftDomain,
                             inputs: [a.x, a.scale, a.zero, b.x, b.scale, b.zero, qp.scale, qp.zero], outputs: out)
            case "GlobalAveragePool", "AveragePool", "Sigmoid", "LeakyRelu":
                guard let x = dq(node.inputs[0]) else { break }
                var attributes = node.attributes
                if node.opType == "GlobalAveragePool" { attributes["channels_last"] = .int(0) }
                fused = Node(name: name, opType: "QLinear" + node.opType, domain: Model.microsoftDomain,
                             inputs: [x.x, x.scale, x.zero, qp.scale, qp.zero], outputs: out, attributes: attributes)
            case "MaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Resize", "Concat":
                if node.opType == "Resize", (try? node.string("mode", default: "nearest")) != "nearest" { break }
                if node.opType == "MaxPool", node.outputs.count > 1 { break }
                let dataInputs = node.opType == "Concat" ? Array(node.inputs.indices) : [0]
                var inputs = node.inputs
                var ok = true
                for i in dataInputs {
                    guard let x = dq(node.inputs[i]), sameValues(x.scale, qp.scale), sameValues(x.zero, qp.zero) else {
                        ok = false
                        break
                    }
                    inputs[i] = x.x
                }
                if ok { fused = Node(name: name, opType: node.opType, inputs: inputs, outputs: out, attributes: node.attributes) }
            default:
                break
            }
            if let fused {
                graph.nodes[index] = fused
                removed.insert(users[0])
                counts[node.opType, default: 0] += 1
            }
        }
        guard !counts.isEmpty else { return [] }
        graph.nodes = graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        if counts.keys.contains(where: { ["Gemm", "Add", "Mul", "GlobalAveragePool", "AveragePool", "Sigmoid", "LeakyRelu"].contains($0) }),
            opsets[Model.microsoftDomain] == nil
        {
            opsets[Model.microsoftDomain] = 1
        }
        // Dead DequantizeLinear nodes (their float outputs were only read by fused operators).
        var changed = true
        while changed {
            changed = false
            let used = Set(graph.nodes.flatMap(\.inputs)).union(graph.outputs.map(\.name))
            let before = graph.nodes.count
            graph.nodes.removeAll { $0.opType == "DequantizeLinear" && !used.contains($0.outputs[0]) }
            changed = graph.nodes.count != before
        }
        graph.pruneUnused()
        return counts.sorted { $0.key < $1.key }.map { "qdq-fusion: \($0.key) ×\($0.value)" }
    }

    /// Scale and zero-point names of a Q/DQ node when both are initializers (the zero point is
    /// required: ONNX Runtime's quantizer always writes it).
    private func quantParams(_ node: Node, scaleIndex: Int, zeroIndex: Int) -> (scale: String, zero: String)? {
        guard let s = node.input(scaleIndex), let z = node.input(zeroIndex),
            graph.initializers[s] != nil, graph.initializers[z] != nil
        else { return nil }
        return (s, z)
    }

    private func isScalar(_ name: String) -> Bool { graph.initializers[name]?.count == 1 }

    private func sameValues(_ a: String, _ b: String) -> Bool {
        guard let x = graph.initializers[a], let y = graph.initializers[b] else { return false }
        return x.count == y.count && x.doubles() == y.doubles()
    }
}
