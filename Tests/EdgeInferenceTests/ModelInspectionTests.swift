import Testing

@testable import EdgeInference

@Suite struct ModelInspectionTests {
    @Test func floatModelSummary() throws {
        let inspection = ModelInspection(model: TestModels.convNet())
        #expect(inspection.quantization == QuantizationSummary(scheme: "fp32"))
        #expect(
            inspection.operators == [
                "Conv": 1, "BatchNormalization": 1, "Relu": 1, "GlobalAveragePool": 1, "Flatten": 1, "Gemm": 1,
            ]
        )
        // w 108 + b 4 + 4 BN vectors of 4 + fc_w 20 + fc_b 5
        #expect(inspection.parameterCount == 108 + 4 + 16 + 20 + 5)
        #expect(inspection.parameterBytes == inspection.parameterCount * 4)
        #expect(inspection.inferredOutputs?.first?.shape == ["1", "5"])
        #expect(inspection.metadata == ["labels": "a,b,c,d,e"])
        #expect(inspection.opsets == ["ai.onnx": 13])
    }

    /// x → Q → DQ → Conv(DQ(w int8 per-channel)) : the QDQ layout ORT's quantizer writes.
    @Test(arguments: [1, 4])
    func qdqSummary(weightScales: Int) throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 3, 8, 8])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.initializers = [
            "xs": Tensor(floats: [0.02], shape: []), "xz": Tensor([Int8(-3)], shape: [], type: .int8),
            "w": Tensor([Int8](repeating: 1, count: 4 * 27), shape: [4, 3, 3, 3], type: .int8),
            "ws": Tensor(
                floats: [Float](repeating: 0.01, count: weightScales),
                shape: weightScales == 1 ? [] : [weightScales]
            ),
            "wz": Tensor(
                [Int8](repeating: 0, count: weightScales),
                shape: weightScales == 1 ? [] : [weightScales],
                type: .int8
            ),
        ]
        g.nodes = [
            Node(name: "q", opType: "QuantizeLinear", inputs: ["x", "xs", "xz"], outputs: ["xq"]),
            Node(name: "dq", opType: "DequantizeLinear", inputs: ["xq", "xs", "xz"], outputs: ["xd"]),
            Node(
                name: "dqw",
                opType: "DequantizeLinear",
                inputs: ["w", "ws", "wz"],
                outputs: ["wd"],
                attributes: ["axis": .int(0)]
            ),
            Node(name: "conv", opType: "Conv", inputs: ["xd", "wd"], outputs: ["y"]),
        ]
        let summary = ModelInspection(model: Model(graph: g)).quantization
        #expect(summary.scheme == "QDQ")
        #expect(summary.granularity == (weightScales == 1 ? "per-tensor" : "per-channel"))
        #expect(summary.activationType == "int8")
        #expect(summary.weightType == "int8")
    }

    @Test func qoperatorAndDynamicAreRecognised() throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .uint8, shape: [1, 3, 8, 8])]
        g.outputs = [ValueInfo(name: "y", elementType: .uint8, shape: nil)]
        g.initializers = [
            "s": Tensor(floats: [0.1], shape: []), "z": Tensor([UInt8(128)], shape: [], type: .uint8),
            "w": Tensor([Int8](repeating: 1, count: 2 * 27), shape: [2, 3, 3, 3], type: .int8),
            "ws": Tensor(floats: [0.1, 0.2], shape: [2]), "wz": Tensor([Int8(0), 0], shape: [2], type: .int8),
        ]
        g.nodes = [
            Node(name: "c", opType: "QLinearConv", inputs: ["x", "s", "z", "w", "ws", "wz", "s", "z"], outputs: ["y"])
        ]
        let q = ModelInspection(model: Model(graph: g)).quantization
        #expect(
            q
                == QuantizationSummary(
                    scheme: "QOperator",
                    granularity: "per-channel",
                    activationType: "uint8",
                    weightType: "int8"
                )
        )

        g.nodes = [Node(name: "d", opType: "DynamicQuantizeLinear", inputs: ["x"], outputs: ["y", "ys", "yz"])]
        #expect(ModelInspection(model: Model(graph: g)).quantization.scheme == "dynamic")
    }

    @Test func tableListsEverySection() throws {
        let text = ModelInspection(model: TestModels.convNet()).table(title: "convnet.onnx")
        for fragment in [
            "Model         convnet.onnx", "Quantization  fp32", "Inputs", "input", "[1, 3, 8, 8]", "Outputs (inferred)",
            "Operators (6 nodes)", "Metadata", "labels",
        ] {
            #expect(text.contains(fragment), "missing \(fragment)")
        }
    }
}
