import EdgeInference

/// Small FP32 models built in code, deterministic weights from a fixed LCG.
enum SmallModels {
    static func values(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) - 0.5) * 2 * scale
        }
    }

    /// Conv(3→4, 3×3) → Relu → GlobalAveragePool → Flatten → Gemm(4→3) [→ Softmax when `unknownOp`]
    /// on a 1×3×8×8 input, with image metadata (8×8 RGB).
    static func classifier(unknownOp: Bool = false) -> Model {
        var graph = Graph(name: "classifier")
        graph.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 3, 8, 8])]
        graph.initializers["w"] = Tensor(floats: values(4 * 3 * 3 * 3, seed: 1, scale: 0.5), shape: [4, 3, 3, 3])
        graph.initializers["b"] = Tensor(floats: values(4, seed: 2, scale: 0.1), shape: [4])
        graph.initializers["fw"] = Tensor(floats: values(3 * 4, seed: 3), shape: [3, 4])
        graph.initializers["fb"] = Tensor(floats: values(3, seed: 4, scale: 0.1), shape: [3])
        graph.nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
            Node(name: "relu", opType: "Relu", inputs: ["c"], outputs: ["r"]),
            Node(name: "gap", opType: "GlobalAveragePool", inputs: ["r"], outputs: ["g"]),
            Node(name: "flatten", opType: "Flatten", inputs: ["g"], outputs: ["f"]),
            Node(name: "fc", opType: "Gemm", inputs: ["f", "fw", "fb"], outputs: ["logits"], attributes: ["transB": .int(1)]),
        ]
        if unknownOp {
            graph.nodes.append(Node(name: "softmax", opType: "Softmax", inputs: ["logits"], outputs: ["probs"]))
            graph.outputs = [ValueInfo(name: "probs", elementType: .float32, shape: [1, 3])]
        } else {
            graph.outputs = [ValueInfo(name: "logits", elementType: .float32, shape: [1, 3])]
        }
        return Model(
            opsets: ["": 13],
            metadata: [StringStringEntryProto(key: "edgemlops.input.size", value: "8x8")],
            graph: graph)
    }

    /// MatMul(x[2,6], W[6,5]) + Add: exercises MatMul paths.
    static func matmul() -> Model {
        var graph = Graph(name: "matmul")
        graph.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [2, 6])]
        graph.initializers["w"] = Tensor(floats: values(30, seed: 9), shape: [6, 5])
        graph.nodes = [Node(name: "mm", opType: "MatMul", inputs: ["x", "w"], outputs: ["y"])]
        graph.outputs = [ValueInfo(name: "y", elementType: .float32, shape: [2, 5])]
        return Model(opsets: ["": 13], graph: graph)
    }

    static func samples(_ model: Model, count: Int) -> [[String: Tensor]] {
        let input = model.graph.inputs[0]
        let shape = input.staticShape!
        return (0..<count).map { i in
            [input.name: Tensor(floats: values(shape.reduce(1, *), seed: 100 + UInt64(i)), shape: shape)]
        }
    }

    static func run(_ model: Model, _ inputs: [String: Tensor]) throws -> [Float] {
        let session = try CompiledModel(model: model).makeSession()
        let outputs = try session.run(inputs)
        return outputs[model.graph.outputs[0].name]!.values(as: Float.self)
    }
}
