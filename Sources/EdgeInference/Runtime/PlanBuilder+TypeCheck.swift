/// Element types each lowered operator accepts, per input index. Shape inference follows ONNX's
/// type constraints loosely; the kernels are typed exactly, so a mismatch here must be an error
/// before any kernel is bound (a corrupted model must never reach a kernel with the wrong type).
extension PlanBuilder {
    static let float: Set<ElementType> = [.float32]
    static let eightBit: Set<ElementType> = [.int8, .uint8]
    static let anyNumeric: Set<ElementType> = [.float32, .int8, .uint8]

    static let inputTypes: [String: [Int: Set<ElementType>]] = [
        "Conv": [0: float, 1: float, 2: float],
        "ConvTranspose": [0: float, 1: float, 2: float],
        "Gemm": [0: float, 1: float, 2: float],
        "MatMul": [0: float, 1: float],
        "BatchNormalization": [0: float, 1: float, 2: float, 3: float, 4: float],
        "AveragePool": [0: float], "GlobalAveragePool": [0: float],
        "Softmax": [0: float], "ReduceMean": [0: float, 1: [.int64]],
        "QuantizeLinear": [0: float, 1: float, 2: eightBit],
        "DequantizeLinear": [0: [.int8, .uint8, .int32], 1: float, 2: [.int8, .uint8, .int32]],
        "DynamicQuantizeLinear": [0: float],
        "MaxPool": [0: anyNumeric], "Resize": [0: anyNumeric, 2: float, 3: [.int64]],
        "QLinearConv": [0: eightBit, 1: float, 2: eightBit, 3: eightBit, 4: float, 5: eightBit, 6: float, 7: eightBit, 8: [.int32]],
        "ConvInteger": [0: eightBit, 1: eightBit, 2: eightBit, 3: eightBit],
        "QLinearMatMul": [0: eightBit, 1: float, 2: eightBit, 3: eightBit, 4: float, 5: eightBit, 6: float, 7: eightBit],
        "MatMulInteger": [0: eightBit, 1: eightBit, 2: eightBit, 3: eightBit],
        "QGemm": [0: eightBit, 1: float, 2: eightBit, 3: eightBit, 4: float, 5: eightBit, 6: [.int32], 7: float, 8: eightBit],
        "QLinearAdd": [0: eightBit, 1: float, 2: eightBit, 3: eightBit, 4: float, 5: eightBit, 6: float, 7: eightBit],
        "QLinearMul": [0: eightBit, 1: float, 2: eightBit, 3: eightBit, 4: float, 5: eightBit, 6: float, 7: eightBit],
        "QLinearSigmoid": [0: eightBit, 1: float, 2: eightBit, 3: float, 4: eightBit],
        "QLinearLeakyRelu": [0: eightBit, 1: float, 2: eightBit, 3: float, 4: eightBit],
        "QLinearAveragePool": [0: eightBit, 1: float, 2: eightBit, 3: float, 4: eightBit],
        "QLinearGlobalAveragePool": [0: eightBit, 1: float, 2: eightBit, 3: float, 4: eightBit],
        "Pad": [1: [.int64], 3: [.int64, .int32]],
        "Clip": [1: float, 2: float],
    ]

    /// Throws when an input of `node` has a type its kernel does not take; also requires the
    /// 8-bit operands of one operator to agree where the kernel assumes it (x and its zero point).
    func checkInputTypes(_ node: Node) throws {
        guard let table = Self.inputTypes[node.opType] else { return }
        for (index, allowed) in table {
            guard let name = node.input(index) else { continue }
            let type = try values(named: name, node: node)
            guard allowed.contains(type) else {
                throw RuntimeError(
                    code: .unsupported,
                    message: "\(node.opType) input \(index) ('\(name)') is \(type); expected \(allowed.map(\.description).sorted().joined(separator: " or "))",
                    node: node.name,
                    value: name
                )
            }
        }
    }

    private func values(named name: String, node: Node) throws -> ElementType {
        if let t = model.graph.initializers[name] { return t.elementType }
        return try type(of: name, node: node).elementType
    }
}
