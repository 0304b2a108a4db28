import EdgeInference

/// Static quantization: calibrated Q/DQ pairs on activations, int8 weights, int32 biases.
extension Quantizer {
    struct StaticPlan {
        /// Node indices to quantize.
        var nodes: Set<Int> = []
        /// Relu/Clip nodes folded into the preceding quantized node (their Q clamps instead).
        var removedActivations: Set<Int> = []
        /// Activation tensors that get a Q/DQ pair (and so need a calibrated range).
        var tensors: [String] = []
        var report = QuantizationReport()
    }

    func isConstant(_ graph: Graph, _ name: String?) -> Bool { name.map { graph.initializers[$0] != nil } ?? false }

    /// Whether `node` can be quantized as ONNX Runtime's QDQ quantizer would.
    func quantizable(_ node: Node, in graph: Graph) -> String? {
        guard node.domain.isEmpty else { return "no integer kernel for domain \(node.displayDomain)" }
        if options.excludes(node.name) { return "excluded (--exclude)" }
        switch node.opType {
        case "Conv":
            return isConstant(graph, node.input(1)) ? nil : "weight is not constant"
        case "Gemm":
            guard isConstant(graph, node.input(1)) else { return "weight is not constant" }
            guard (try? node.float("alpha", default: 1)) == 1, (try? node.float("beta", default: 1)) == 1,
                (try? node.int("transA", default: 0)) == 0
            else { return "alpha/beta/transA other than the defaults" }
            if let c = node.input(2), graph.initializers[c]?.rank != 1 { return "bias is not a 1-D constant" }
            return nil
        case "MatMul":
            return nil
        default:
            return Self.activationOps.contains(node.opType) ? nil : "no integer kernel for \(node.opType)"
        }
    }

    func staticPlan(_ model: Model) -> StaticPlan {
        let graph = model.graph
        var plan = StaticPlan()
        let outputs = Set(graph.outputs.map(\.name))
        for (i, node) in graph.nodes.enumerated() {
            if let reason = quantizable(node, in: graph) {
                plan.report.leftFloat.append((node.name, node.opType, reason))
            } else {
                plan.nodes.insert(i)
            }
        }
        // Conv/MatMul/Gemm/Add followed only by Relu (or Clip from 0): the activation goes, the
        // output range starts at 0 so the QuantizeLinear clamps exactly as the activation would.
        for i in plan.nodes where ["Conv", "MatMul", "Gemm", "Add"].contains(graph.nodes[i].opType) {
            let out = graph.nodes[i].outputs[0]
            let users = graph.consumers(of: out)
            guard !outputs.contains(out), users.count == 1, plan.nodes.contains(users[0]) else { continue }
            let act = graph.nodes[users[0]]
            if act.opType == "Relu" || (act.opType == "Clip" && clipStartsAtZero(act, graph)) {
                plan.removedActivations.insert(users[0])
            }
        }
        var tensors: [String] = []
        var seen = Set<String>()
        func add(_ name: String?) {
            guard let name, !name.isEmpty, !seen.contains(name), graph.initializers[name] == nil else { return }
            seen.insert(name)
            tensors.append(name)
        }
        for i in graph.nodes.indices where plan.nodes.contains(i) && !plan.removedActivations.contains(i) {
            let node = graph.nodes[i]
            switch node.opType {
            case "Conv", "Gemm": add(node.input(0))
            case "MatMul": add(node.input(0)); add(node.input(1))
            case "Add", "Mul": add(node.input(0)); add(node.input(1))
            case "Concat": node.inputs.forEach { add($0) }
            case "Clip", "Reshape", "Squeeze", "Unsqueeze": add(node.input(0))
            default: add(node.input(0))
            }
            var out = node.outputs[0]
            // The folded activation's output is the tensor quantized (its range starts at 0).
            if let user = graph.consumers(of: out).first, plan.removedActivations.contains(user) {
                out = graph.nodes[user].outputs[0]
            }
            add(out)
        }
        plan.tensors = tensors
        return plan
    }

    func clipStartsAtZero(_ node: Node, _ graph: Graph) -> Bool {
        guard let lo = node.input(1), let t = graph.initializers[lo], t.count == 1 else { return false }
        return t.floats()[0] == 0
    }

    func applyStatic(_ model: Model, plan: StaticPlan, ranges: [String: TensorRange]) -> (model: Model, report: QuantizationReport) {
        var model = model
        var report = plan.report
        let original = model.graph
        var params: [String: QuantizationParameters] = [:]
        let zeroType: ElementType = options.activations == .uint8 ? .uint8 : .int8

        // 1. Fold the removed activations: the producer writes the activation's output directly.
        for i in plan.removedActivations.sorted(by: >) {
            let act = original.nodes[i]
            model.graph.renameEverywhere(act.inputs[0], to: act.outputs[0])
            report.quantized[act.opType + " (folded)", default: 0] += 1
        }
        model.graph.nodes = model.graph.nodes.enumerated().filter { !plan.removedActivations.contains($0.offset) }.map(\.element)

        // 2. Q/DQ pairs on every calibrated activation tensor.
        var dequantized: [String: String] = [:]
        var newNodes: [Node] = []
        for name in plan.tensors {
            guard let range = ranges[name] else { continue }
            let p = QuantizationParameters.activation(range, type: options.activations)
            params[name] = p
            let scale = model.graph.addConstant(Tensor(floats: p.scales, shape: []), base: name + "_scale")
            let zero = model.graph.addConstant(zeroPointTensor(p.zeroPoints[0], type: zeroType), base: name + "_zero_point")
            var source = name
            if model.graph.outputs.contains(where: { $0.name == name }) {
                // Keep the graph output's name on the dequantized value.
                source = model.graph.uniqueName(name + "_float")
                model.graph.renameEverywhere(name, to: source)
                model.graph.outputs = model.graph.outputs.map { $0.name == source ? ValueInfo(name: name, elementType: .float32, shape: $0.shape) : $0 }
            }
            let q = model.graph.uniqueName(name + "_quantized")
            let dq = source == name ? model.graph.uniqueName(name + "_dequantized") : name
            model.graph.redirectInputs(of: source, to: dq)
            newNodes.append(Node(name: q + "_QuantizeLinear", opType: "QuantizeLinear", inputs: [source, scale, zero], outputs: [q]))
            newNodes.append(Node(name: dq + "_DequantizeLinear", opType: "DequantizeLinear", inputs: [q, scale, zero], outputs: [dq]))
            dequantized[name] = dq
            report.quantizedTensors += 1
        }

        // 3. Weights and biases of the compute operators.
        let keptIndices = original.nodes.indices.filter { !plan.removedActivations.contains($0) }
        for (newIndex, oldIndex) in keptIndices.enumerated() where plan.nodes.contains(oldIndex) {
            let node = model.graph.nodes[newIndex]
            report.quantized[node.opType, default: 0] += 1
            guard Self.computeOps.contains(node.opType), let wName = node.input(1), let w = model.graph.initializers[wName] else { continue }
            let axis: Int? =
                switch node.opType {
                case "Conv": 0
                case "Gemm": (try? node.int("transB", default: 0)) == 1 ? 0 : 1
                default: w.rank == 2 ? 1 : nil
                }
            let qw = QuantizedWeight(w, axis: options.perChannel ? axis : nil)
            let dqW = appendWeightDQ(&model.graph, qw, base: wName, nodes: &newNodes)
            model.graph.nodes[newIndex].inputs[1] = dqW
            if let bName = node.input(2), let bias = model.graph.initializers[bName], bias.rank == 1,
                let xScale = params[original.nodes[oldIndex].inputs[0]]?.scales.first ?? params[node.inputs[0]]?.scales.first
            {
                let qb = quantizeBias(bias, inputScale: xScale, weightScales: qw.scales)
                let bq = model.graph.addConstant(Tensor(qb.values, shape: bias.shape, type: .int32), base: bName + "_quantized")
                let perChannel = qw.scales.count > 1
                let bs = model.graph.addConstant(
                    Tensor(floats: perChannel ? qb.scales : [qb.scales[0]], shape: perChannel ? [qb.scales.count] : []),
                    base: bName + "_scale")
                let bz = model.graph.addConstant(
                    Tensor([Int32](repeating: 0, count: perChannel ? qb.scales.count : 1), shape: perChannel ? [qb.scales.count] : [], type: .int32),
                    base: bName + "_zero_point")
                let out = model.graph.uniqueName(bName + "_dequantized")
                newNodes.append(
                    Node(name: out + "_DequantizeLinear", opType: "DequantizeLinear", inputs: [bq, bs, bz], outputs: [out],
                         attributes: perChannel ? ["axis": .int(0)] : [:]))
                model.graph.nodes[newIndex].inputs[2] = out
            }
        }
        model.graph.nodes += newNodes
        model.graph.dropUnusedInitializers()
        if let sorted = try? model.graph.topologicallySorted() { model.graph = sorted }
        return (model, report)
    }

    func zeroPointTensor(_ value: Int32, type: ElementType) -> Tensor {
        type == .uint8 ? Tensor([UInt8(value)], shape: [], type: .uint8) : Tensor([Int8(value)], shape: [], type: .int8)
    }

    /// Adds the int8 weight, its scale(s) and zero point(s), and a DequantizeLinear node.
    func appendWeightDQ(_ graph: inout Graph, _ qw: QuantizedWeight, base: String, nodes: inout [Node]) -> String {
        let perChannel = qw.scales.count > 1 || qw.axis != nil && options.perChannel
        let wq = graph.addConstant(Tensor(qw.values, shape: qw.shape, type: .int8), base: base + "_quantized")
        let ws = graph.addConstant(Tensor(floats: qw.scales, shape: perChannel ? [qw.scales.count] : []), base: base + "_scale")
        let wz = graph.addConstant(
            Tensor([Int8](repeating: 0, count: qw.scales.count), shape: perChannel ? [qw.scales.count] : [], type: .int8),
            base: base + "_zero_point")
        let out = graph.uniqueName(base + "_dequantized")
        nodes.append(
            Node(name: out + "_DequantizeLinear", opType: "DequantizeLinear", inputs: [wq, ws, wz], outputs: [out],
                 attributes: perChannel ? ["axis": .int(qw.axis ?? 0)] : [:]))
        return out
    }
}
