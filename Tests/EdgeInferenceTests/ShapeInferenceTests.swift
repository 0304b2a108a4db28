import Testing

@testable import EdgeInference

@Suite struct ShapeInferenceTests {
    @Test func kitchenSinkShapes() throws {
        let types = try ShapeInference.infer(TestModels.kitchenSink())
        let expected: [String: [Int]] = [
            "conv": [1, 6, 5, 5], "pool": [1, 6, 3, 3], "up": [1, 3, 6, 6], "resized": [1, 3, 12, 12],
            "padded": [1, 3, 14, 14], "nhwc": [1, 14, 14, 3], "flat": [1, 588], "unsq": [1, 1, 588], "sq": [1, 588],
            "a": [1, 288], "b": [1, 300], "cat": [1, 588], "mean": [1, 1], "q": [1, 1], "gemm": [1, 4], "y": [1, 4],
        ]
        for (name, shape) in expected {
            #expect(types[name]?.shape == shape, "\(name)")
        }
        #expect(types["q"]?.elementType == .uint8)
        #expect(types["dq"]?.elementType == .float32)
    }

    /// One-node models: (op, input shapes, attributes, constant inputs, expected output shape).
    struct Case: Sendable, CustomTestStringConvertible {
        var op: String
        var inputs: [[Int]]
        var attributes: [String: Attribute] = [:]
        var constants: [Int: Tensor] = [:]
        var expected: [Int]
        var opset = 13
        var testDescription: String { "\(op) \(inputs) → \(expected)" }
    }

    static let cases: [Case] = [
        Case(op: "Add", inputs: [[2, 3, 4, 5], [4, 1]], expected: [2, 3, 4, 5]),
        Case(op: "Mul", inputs: [[1, 3, 1, 5], [2, 1, 4, 1]], expected: [2, 3, 4, 5]),
        Case(op: "Div", inputs: [[3], []], expected: [3]),
        Case(op: "MatMul", inputs: [[2, 1, 4, 5], [3, 5, 2]], expected: [2, 3, 4, 2]),
        Case(op: "MatMul", inputs: [[7], [7, 3]], expected: [3]),
        Case(op: "MatMul", inputs: [[2, 7], [7]], expected: [2]),
        Case(
            op: "Gemm",
            inputs: [[5, 3], [4, 5]],
            attributes: ["transA": .int(1), "transB": .int(1)],
            expected: [3, 4]
        ),
        Case(
            op: "Conv",
            inputs: [[1, 3, 11, 13], [5, 3, 3, 2]],
            attributes: ["strides": .ints([2, 1]), "pads": .ints([1, 0, 2, 1]), "dilations": .ints([1, 2])],
            expected: [1, 5, 6, 12]
        ),
        Case(
            op: "Conv",
            inputs: [[1, 8, 10, 11], [8, 1, 3, 3]],
            attributes: ["group": .int(8), "auto_pad": .string("SAME_UPPER"), "strides": .ints([2, 2])],
            expected: [1, 8, 5, 6]
        ),
        Case(
            op: "Conv",
            inputs: [[2, 3, 17], [4, 3, 5]],
            attributes: ["auto_pad": .string("VALID"), "strides": .ints([3])],
            expected: [2, 4, 5]
        ),
        Case(
            op: "ConvTranspose",
            inputs: [[1, 4, 5, 7], [4, 3, 3, 3]],
            attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1]), "output_padding": .ints([1, 0])],
            expected: [1, 3, 10, 13]
        ),
        Case(
            op: "ConvTranspose",
            inputs: [[1, 4, 6, 6], [4, 3, 3, 3]],
            attributes: ["group": .int(2), "output_shape": .ints([12, 13])],
            expected: [1, 6, 12, 13]
        ),
        Case(
            op: "MaxPool",
            inputs: [[1, 3, 11, 11]],
            attributes: [
                "kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1]),
                "ceil_mode": .int(1),
            ],
            expected: [1, 3, 6, 6]
        ),
        Case(
            op: "AveragePool",
            inputs: [[1, 3, 10, 10]],
            attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([3, 3]), "ceil_mode": .int(1)],
            expected: [1, 3, 4, 4]
        ),
        Case(
            op: "MaxPool",
            inputs: [[1, 2, 10, 9]],
            attributes: ["kernel_shape": .ints([2, 3]), "dilations": .ints([2, 2])],
            expected: [1, 2, 8, 5]
        ),
        Case(op: "GlobalAveragePool", inputs: [[1, 5, 7, 3]], expected: [1, 5, 1, 1]),
        Case(op: "Flatten", inputs: [[2, 3, 4]], attributes: ["axis": .int(0)], expected: [1, 24]),
        Case(op: "Flatten", inputs: [[2, 3, 4]], attributes: ["axis": .int(-1)], expected: [6, 4]),
        Case(
            op: "Reshape",
            inputs: [[2, 3, 4], [3]],
            constants: [1: Tensor(int64s: [-1, 2, 2], shape: [3])],
            expected: [6, 2, 2]
        ),
        Case(op: "Transpose", inputs: [[2, 3, 4]], expected: [4, 3, 2]),
        Case(op: "Squeeze", inputs: [[1, 3, 1, 5]], expected: [3, 5]),
        Case(
            op: "Squeeze",
            inputs: [[1, 3, 1, 5]],
            attributes: ["axes": .ints([0, -2])],
            expected: [3, 5],
            opset: 11
        ),
        Case(
            op: "Unsqueeze",
            inputs: [[3, 5], [2]],
            constants: [1: Tensor(int64s: [-1, 0], shape: [2])],
            expected: [1, 3, 5, 1]
        ),
        Case(op: "ReduceMean", inputs: [[2, 3, 4]], attributes: ["keepdims": .int(0)], expected: []),
        Case(
            op: "ReduceMean",
            inputs: [[2, 3, 4, 5], [2]],
            attributes: ["keepdims": .int(0)],
            constants: [1: Tensor(int64s: [1, -1], shape: [2])],
            expected: [2, 4],
            opset: 18
        ),
        Case(
            op: "Resize",
            inputs: [[1, 2, 3, 5], [0], [4]],
            constants: [1: Tensor(floats: [], shape: [0]), 2: Tensor(floats: [1, 1, 2, 1.5], shape: [4])],
            expected: [1, 2, 6, 7]
        ),
        Case(
            op: "Resize",
            inputs: [[1, 2, 3, 4], [4]],
            constants: [1: Tensor(floats: [1, 1, 0.6, 2], shape: [4])],
            expected: [1, 2, 1, 8],
            opset: 10
        ),
        Case(
            op: "Upsample",
            inputs: [[1, 2, 3, 4]],
            attributes: ["scales": .floats([1, 1, 2, 3])],
            expected: [1, 2, 6, 12],
            opset: 7
        ),
        Case(
            op: "Pad",
            inputs: [[1, 2, 3, 4]],
            attributes: ["pads": .ints([0, 0, 1, 2, 0, 0, 2, 1])],
            expected: [1, 2, 6, 7],
            opset: 10
        ),
        Case(op: "Concat", inputs: [[2, 1, 3], [2, 4, 3]], attributes: ["axis": .int(1)], expected: [2, 5, 3]),
    ]

    @Test(arguments: cases)
    func singleOperator(c: Case) throws {
        var g = Graph()
        var inputNames: [String] = []
        for (i, shape) in c.inputs.enumerated() {
            let name = "in\(i)"
            inputNames.append(name)
            if let constant = c.constants[i] {
                g.initializers[name] = constant
            } else {
                g.inputs.append(ValueInfo(name: name, elementType: .float32, shape: shape))
            }
        }
        g.nodes = [Node(name: "n", opType: c.op, inputs: inputNames, outputs: ["out"], attributes: c.attributes)]
        g.outputs = [ValueInfo(name: "out", elementType: nil, shape: nil)]
        let types = try ShapeInference.infer(Model(opsets: ["": c.opset], graph: g))
        #expect(types["out"]?.shape == c.expected)
    }

    @Test func unsupportedOperatorNamesOpNodeAndOpset() throws {
        var model = TestModels.convNet()
        model.graph.nodes[2] = Node(name: "my_node", opType: "Erf", inputs: ["n"], outputs: ["r"])
        let error = #expect(throws: ONNXError.self) { _ = try ShapeInference.infer(model) }
        #expect(error?.code == .unsupportedOperator)
        let text = error?.description ?? ""
        #expect(text.contains("'Erf'") && text.contains("'my_node'") && text.contains("opset 13"), "\(text)")
    }

    @Test func operatorNewerThanTheModelsOpsetIsUnsupported() throws {
        var model = TestModels.convNet(opset: 13)
        model.graph.nodes[2].opType = "HardSwish"
        let error = #expect(throws: ONNXError.self) { _ = try ShapeInference.infer(model) }
        #expect(error?.description.contains("from opset 14") == true)
    }

    @Test func contribOperatorWithoutDomainImportIsUnsupported() throws {
        var model = TestModels.convNet()
        model.graph.nodes[2] = Node(
            name: "q",
            opType: "QLinearSigmoid",
            domain: "com.microsoft",
            inputs: ["n"],
            outputs: ["r"]
        )
        let error = #expect(throws: ONNXError.self) { _ = try ShapeInference.infer(model) }
        #expect(error?.description.contains("com.microsoft") == true)
    }

    @Test func symbolicInputNeedsAConcreteShape() throws {
        var model = TestModels.convNet()
        model.graph.inputs[0].shape = [.param("N"), .value(3), .value(8), .value(8)]
        #expect(throws: ONNXError.self) { _ = try ShapeInference.infer(model) }
        let types = try ShapeInference.infer(model, inputShapes: ["input": [2, 3, 8, 8]])
        #expect(types["logits"]?.shape == [2, 5])
    }

    @Test(arguments: [
        ("Conv", ["group": Attribute.int(0)]),
        ("Conv", ["strides": .ints([0, 1])]),
        ("Conv", ["pads": .ints([1, 1])]),
        ("Conv", ["dilations": .ints([Int.max, 1])]),
        ("Conv", ["auto_pad": .string("SIDEWAYS")]),
        ("Conv", ["kernel_shape": .ints([5, 5])]),
    ])
    func badConvolutionAttributesAreErrors(op: String, attributes: [String: Attribute]) throws {
        var model = TestModels.convNet()
        model.graph.nodes[0].attributes.merge(attributes) { $1 }
        let error = #expect(throws: ONNXError.self) { _ = try ShapeInference.infer(model) }
        #expect(error?.node == "conv")
    }

    @Test func incompatibleBroadcastIsAnError() throws {
        var g = Graph()
        g.inputs = [
            ValueInfo(name: "a", elementType: .float32, shape: [2, 3]),
            ValueInfo(name: "b", elementType: .float32, shape: [4]),
        ]
        g.nodes = [Node(name: "add", opType: "Add", inputs: ["a", "b"], outputs: ["c"])]
        g.outputs = [ValueInfo(name: "c", elementType: nil, shape: nil)]
        let error = #expect(throws: ONNXError.self) { _ = try ShapeInference.infer(Model(graph: g)) }
        #expect(error?.code == .shapeInference)
        #expect(error?.description.contains("[2, 3] and [4]") == true)
    }
}
