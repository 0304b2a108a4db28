import EdgeInference

/// Dynamic quantization: int8 per-channel weights, activations quantized per tensor at run time,
/// written as ONNX Runtime's quantize_dynamic writes it:
///
///     x → DynamicQuantizeLinear → (x_q, x_scale, x_zp)
///     ConvInteger / MatMulInteger(x_q, W_q, x_zp, w_zp) → Cast(float) → Mul(·, x_scale · w_scale) [→ Add bias]
///
/// Unlike ORT's default we also do this for Conv. Per-channel weight scales are a constant the
/// product `x_scale · w_scale` broadcasts over (shape [C,1,1] for Conv, [N] for MatMul/Gemm).
extension Quantizer {
    func quantizeDynamic(_ model: Model) -> (model: Model, report: QuantizationReport) {
        var model = model
        var report = QuantizationReport()
        var quantizedInputs: [String: (q: String, scale: String, zero: String)] = [:]
        var rebuilt: [Node] = []
        for node in model.graph.nodes {
            guard let reason = dynamicReason(node, model.graph) else {
                rebuilt += dynamicNodes(for: node, graph: &model.graph, inputs: &quantizedInputs)
                report.quantized[node.opType, default: 0] += 1
                continue
            }
            report.leftFloat.append((node.name, node.opType, reason))
            rebuilt.append(node)
        }
        model.graph.nodes = rebuilt
        model.graph.dropUnusedInitializers()
        report.quantizedTensors = quantizedInputs.count
        return (model, report)
    }

    /// nil when `node` can be quantized dynamically, the reason otherwise.
    func dynamicReason(_ node: Node, _ graph: Graph) -> String? {
        guard node.domain.isEmpty, Self.dynamicOps.contains(node.opType) else { return "no dynamic integer form for \(node.opType)" }
        if options.excludes(node.name) { return "excluded (--exclude)" }
        guard let w = node.input(1).flatMap({ graph.initializers[$0] }), w.elementType == .float32 else { return "weight is not constant" }
        switch node.opType {
        case "MatMul": return w.rank == 2 ? nil : "weight is not 2-D"
        case "Gemm":
            guard (try? node.float("alpha", default: 1)) == 1, (try? node.float("beta", default: 1)) == 1,
                (try? node.int("transA", default: 0)) == 0, w.rank == 2
            else { return "alpha/beta/transA other than the defaults" }
            if let c = node.input(2), graph.initializers[c]?.rank != 1 { return "bias is not a 1-D constant" }
            return nil
        default: return nil
        }
    }

    func dynamicNodes(for node: Node, graph: inout Graph, inputs: inout [String: (q: String, scale: String, zero: String)]) -> [Node] {
        var nodes: [Node] = []
        let x = node.inputs[0]
        let base = node.name.isEmpty ? node.outputs[0] : node.name
        if inputs[x] == nil {
            let q = graph.uniqueName(x + "_quantized"), s = graph.uniqueName(x + "_scale"), z = graph.uniqueName(x + "_zero_point")
            nodes.append(Node(name: x + "_QuantizeLinear", opType: "DynamicQuantizeLinear", inputs: [x], outputs: [q, s, z]))
            inputs[x] = (q, s, z)
        }
        let xq = inputs[x]!
        var w = graph.initializers[node.inputs[1]]!
        if node.opType == "Gemm", (try? node.int("transB", default: 0)) == 1 {
            w = transposed(w)  // MatMulInteger wants [K, N]
        }
        let axis = node.opType == "Conv" ? 0 : 1
        let qw = QuantizedWeight(w, axis: axis)
        let wq = graph.addConstant(Tensor(qw.values, shape: qw.shape, type: .int8), base: node.inputs[1] + "_quantized")
        let wz = graph.addConstant(Tensor([Int8(0)], shape: [], type: .int8), base: node.inputs[1] + "_zero_point")
        let scaleShape = node.opType == "Conv" ? [qw.scales.count, 1, 1] : [qw.scales.count]
        let ws = graph.addConstant(Tensor(floats: qw.scales, shape: scaleShape), base: node.inputs[1] + "_scale")
        let integer = graph.uniqueName(base + "_output_quantized")
        let cast = graph.uniqueName(base + "_output_quantized_cast")
        let scale = graph.uniqueName(base + "_scale_product")
        let hasBias = node.input(2) != nil
        let scaled = hasBias ? graph.uniqueName(base + "_output_scaled") : node.outputs[0]
        let integerOp = node.opType == "Conv" ? "ConvInteger" : "MatMulInteger"
        var attributes: [String: Attribute] = [:]
        if node.opType == "Conv" { attributes = node.attributes }
        nodes.append(Node(name: base + "_" + integerOp, opType: integerOp, inputs: [xq.q, wq, xq.zero, wz], outputs: [integer], attributes: attributes))
        nodes.append(Node(name: base + "_cast", opType: "Cast", inputs: [integer], outputs: [cast], attributes: ["to": .int(Int(ElementType.float32.rawValue))]))
        nodes.append(Node(name: base + "_scale_mul", opType: "Mul", inputs: [xq.scale, ws], outputs: [scale]))
        nodes.append(Node(name: base + "_output_scale_mul", opType: "Mul", inputs: [cast, scale], outputs: [scaled]))
        if let b = node.input(2), let bias = graph.initializers[b] {
            var biasName = b
            if node.opType == "Conv" {
                biasName = graph.addConstant(Tensor(floats: bias.values(as: Float.self), shape: [bias.count, 1, 1]), base: b + "_reshaped")
            }
            nodes.append(Node(name: base + "_add_bias", opType: "Add", inputs: [scaled, biasName], outputs: [node.outputs[0]]))
        }
        return nodes
    }

    func transposed(_ t: Tensor) -> Tensor {
        let rows = t.shape[0], cols = t.shape[1]
        let v = t.values(as: Float.self)
        var out = [Float](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = v[r * cols + c] } }
        return Tensor(floats: out, shape: [cols, rows])
    }
}
