import EdgeInference

extension TestModels {
    /// A chain through most shape rules, with output shapes worked out by hand in the comments.
    static func kitchenSink() -> Model {
        var g = Graph(name: "kitchen-sink")
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 4, 9, 9])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.initializers = [
            "w": Tensor(floats: floats(6 * 2 * 9, seed: 11), shape: [6, 2, 3, 3]),
            "tw": Tensor(floats: floats(6 * 3 * 4, seed: 12), shape: [6, 3, 2, 2]),
            "scales": Tensor(floats: [1, 1, 2, 2], shape: [4]),
            "pads": Tensor(int64s: [0, 0, 1, 1, 0, 0, 1, 1], shape: [8]),
            "shape": Tensor(int64s: [0, -1], shape: [2]),
            "axes0": Tensor(int64s: [0], shape: [1]),
            "split": Tensor(int64s: [288, 300], shape: [2]),
            "axes1": Tensor(int64s: [1], shape: [1]),
            "lo": Tensor(floats: [-1], shape: []),
            "hi": Tensor(floats: [1], shape: []),
            "qs": Tensor(floats: [0.01], shape: []),
            "qz": Tensor([UInt8(128)], shape: [], type: .uint8),
            "gw": Tensor(floats: floats(4, seed: 13), shape: [1, 4]),
            "gb": Tensor(floats: floats(4, seed: 14), shape: [4]),
        ]
        func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [String: Attribute] = [:]) -> Node {
            Node(name: output, opType: op, inputs: inputs, outputs: [output], attributes: attributes)
        }
        g.nodes = [
            // [1,4,9,9] → (9 + 2 − 3)/2 + 1 = 5 → [1,6,5,5]
            node(
                "Conv",
                ["x", "w"],
                "conv",
                ["group": .int(2), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]
            ),
            node("Relu", ["conv"], "relu"),
            // ceil((5 + 2 − 3)/2) + 1 = 3 → [1,6,3,3]
            node(
                "MaxPool",
                ["relu"],
                "pool",
                [
                    "kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1]),
                    "ceil_mode": .int(1),
                ]
            ),
            // 2·(3 − 1) + 2 = 6 → [1,3,6,6]
            node("ConvTranspose", ["pool", "tw"], "up", ["strides": .ints([2, 2])]),
            node("Resize", ["up", "", "scales"], "resized", ["mode": .string("nearest")]),  // [1,3,12,12]
            node("Pad", ["resized", "pads"], "padded"),  // [1,3,14,14]
            node("Transpose", ["padded"], "nhwc", ["perm": .ints([0, 2, 3, 1])]),  // [1,14,14,3]
            node("Reshape", ["nhwc", "shape"], "flat"),  // [1,588]
            node("Unsqueeze", ["flat", "axes0"], "unsq"),  // [1,1,588]
            node("Squeeze", ["unsq", "axes0"], "sq"),  // [1,588]
            Node(
                name: "split",
                opType: "Split",
                inputs: ["sq", "split"],
                outputs: ["a", "b"],
                attributes: ["axis": .int(1)]
            ),
            node("Concat", ["a", "b"], "cat", ["axis": .int(1)]),  // [1,588]
            node("ReduceMean", ["cat", "axes1"], "mean"),  // [1,1]
            node("Softmax", ["mean"], "soft"),
            node("Clip", ["soft", "lo", "hi"], "clip"),
            node("QuantizeLinear", ["clip", "qs", "qz"], "q"),  // uint8[1,1]
            node("DequantizeLinear", ["q", "qs", "qz"], "dq"),
            node("Gemm", ["dq", "gw", "gb"], "gemm"),  // [1,4]
            node("Sigmoid", ["gemm"], "y"),
        ]
        return Model(opsets: ["": 13], graph: g)
    }
}
