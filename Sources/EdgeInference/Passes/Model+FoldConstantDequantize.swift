extension Model {
    /// DequantizeLinear of constant weights that feed an operator QDQ fusion did not take
    /// (ONNX Runtime runs such an operator in float, e.g. ConvTranspose): folded into a float32
    /// initializer, (q − zero point) · scale in float32, per tensor or per axis.
    mutating func foldConstantDequantize() -> Int {
        var folded = 0
        var nodes = graph.nodes
        nodes.removeAll { node in
            guard node.domain.isEmpty, node.opType == "DequantizeLinear",
                let x = graph.initializers[node.inputs[0]], let s = node.input(1).flatMap({ graph.initializers[$0] }),
                !graph.isGraphOutput(node.outputs[0])
            else { return false }
            let z = node.input(2).flatMap { graph.initializers[$0] }
            let integers: Set<ElementType> = [.int8, .uint8, .int32]
            guard integers.contains(x.elementType), z.map({ integers.contains($0.elementType) }) ?? true,
                s.elementType == .float32, s.count == 1 || s.count <= x.count
            else { return false }
            let q = x.doubles().map { Int64($0) }
            let scales = s.floats()
            let zeros = z?.doubles().map { Int64($0) } ?? [0]
            guard !scales.isEmpty, zeros.count == 1 || zeros.count == scales.count else { return false }
            var axis = (try? node.int("axis", default: 1)) ?? 1
            if axis < 0 { axis += x.rank }
            let inner = scales.count == 1 || axis >= x.rank ? 1 : x.shape[(axis + 1)...].reduce(1, *)
            var out = [Float](repeating: 0, count: q.count)
            for i in q.indices {
                let c = scales.count == 1 ? 0 : (i / inner) % scales.count
                out[i] = Float(q[i] - zeros[zeros.count == 1 ? 0 : c]) * scales[c]
            }
            graph.initializers[node.outputs[0]] = Tensor(floats: out, shape: x.shape)
            folded += 1
            return true
        }
        graph.nodes = nodes
        graph.pruneUnused()
        return folded
    }
}
