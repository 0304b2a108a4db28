/// ONNX Runtime's `WeightBiasQuantization` (ORT ≥ 1.2x, a basic-level optimizer that every
/// default session runs): a float Conv, ConvTranspose or Gemm sitting inside a quantized graph —
/// input from a per-tensor DequantizeLinear, output reaching a QuantizeLinear through nothing but
/// Relu/Clip — gets its float weights rounded to int8 and its bias to int32 before it runs.
/// ORT's answers for such models include that rounding, so we apply the same rounding to match:
///
/// * weight (float32 initializer): per-tensor int8 with ORT's `GetQuantizationParameter`:
///   range widened to include 0, `scale = (max − min) / 255` (1 when max = min),
///   `zp = rne(clamp(−128 − min / scale, −128, 127))`; then `w' = (sat(rne(w / scale) + zp) − zp) · scale`.
/// * bias (1-D float32 initializer): `s_b = x_scale · w_scale`, `b' = rne(b / s_b) · s_b` (int32).
///
/// Weights that are already a per-tensor DequantizeLinear keep their values; only the bias is
/// rounded then (with that scale). Per-channel weight scales are left alone.
extension Model {
    mutating func quantizeWeightsLikeORT() -> Int {
        var changed = 0
        let consumers = graph.consumersByValue()
        let producers = graph.producersByValue()
        func leadsToQuantize(_ node: Node) -> Bool {
            var current = node
            while true {
                guard current.outputs.count == 1, !graph.isGraphOutput(current.outputs[0]),
                    let users = consumers[current.outputs[0]], users.count == 1
                else { return false }
                let next = graph.nodes[users[0]]
                if next.opType == "QuantizeLinear" { return true }
                guard next.opType == "Relu" || next.opType == "Clip" else { return false }
                current = next
            }
        }
        for index in graph.nodes.indices {
            let node = graph.nodes[index]
            guard node.domain.isEmpty, ["Conv", "ConvTranspose", "Gemm"].contains(node.opType), node.inputs.count >= 2,
                let p0 = producers[node.inputs[0]], graph.nodes[p0].opType == "DequantizeLinear",
                let xScale = graph.nodes[p0].input(1).flatMap({ graph.initializers[$0] }), xScale.count == 1,
                leadsToQuantize(node)
            else { continue }
            var wScale: Float
            if let w = graph.initializers[node.inputs[1]], w.elementType == .float32 {
                let values = w.values(as: Float.self)
                let lo = min(values.min() ?? 0, 0), hi = max(values.max() ?? 0, 0)
                wScale = hi == lo ? 1 : (hi - lo) / 255
                let zp = min(max(Float(-128) - lo / wScale, -128), 127).rounded(.toNearestOrEven)
                let rounded = values.map { v -> Float in
                    let q = min(max((v / wScale).rounded(.toNearestOrEven) + zp, -128), 127)
                    return (q - zp) * wScale
                }
                graph.nodes[index].inputs[1] = graph.addInitializer(Tensor(floats: rounded, shape: w.shape), base: node.inputs[1] + "_ortq")
            } else if let p1 = producers[node.inputs[1]], graph.nodes[p1].opType == "DequantizeLinear",
                let s = graph.nodes[p1].input(1).flatMap({ graph.initializers[$0] }), s.count == 1
            {
                wScale = s.floats()[0]
            } else {
                continue
            }
            if let b = node.input(2), let bias = graph.initializers[b], bias.elementType == .float32, bias.rank == 1 {
                let biasScale = xScale.floats()[0] * wScale
                let rounded = bias.values(as: Float.self).map { v -> Float in
                    // Saturated to int32 (NaN from a corrupted model becomes 0, never a trap).
                    let q = (v / biasScale).rounded(.toNearestOrEven)
                    return (q.isNaN ? 0 : max(min(q, 2_147_483_520), -2_147_483_648)) * biasScale
                }
                graph.nodes[index].inputs[2] = graph.addInitializer(Tensor(floats: rounded, shape: bias.shape), base: b + "_ortq")
            }
            changed += 1
        }
        if changed > 0 { graph.pruneUnused() }
        return changed
    }
}
