import Testing

@testable import EdgeInference

@Suite struct PassTests {
    /// Conv(groups, stride, pad) → BN folded; the folded conv must compute the same as conv then BN.
    @Test(arguments: [1, 2, 4])
    func batchNormFoldsIntoGroupedConv(group: Int) throws {
        let (c, m) = (4, 8)
        let xShape = [2, c, 7, 6], wShape = [m, c / group, 3, 3]
        let x = TestModels.floats(xShape.reduce(1, *), seed: 100)
        let w = TestModels.floats(wShape.reduce(1, *), seed: 101)
        let b = TestModels.floats(m, seed: 102)
        let scale = TestModels.floats(m, seed: 103).map { $0 + 1.2 }, shift = TestModels.floats(m, seed: 104)
        let mean = TestModels.floats(m, seed: 105), variance = TestModels.floats(m, seed: 106).map { abs($0) + 0.1 }
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: xShape)]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.initializers = [
            "w": Tensor(floats: w, shape: wShape), "b": Tensor(floats: b, shape: [m]),
            "s": Tensor(floats: scale, shape: [m]), "t": Tensor(floats: shift, shape: [m]),
            "mu": Tensor(floats: mean, shape: [m]), "var": Tensor(floats: variance, shape: [m]),
        ]
        g.nodes = [
            Node(
                name: "conv",
                opType: "Conv",
                inputs: ["x", "w", "b"],
                outputs: ["c"],
                attributes: ["group": .int(group), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]
            ),
            Node(
                name: "bn",
                opType: "BatchNormalization",
                inputs: ["c", "s", "t", "mu", "var"],
                outputs: ["y"],
                attributes: ["epsilon": .float(1e-3)]
            ),
        ]
        let folded = try Model(graph: g).normalized()
        #expect(folded.graph.nodes.map(\.opType) == ["Conv"])
        #expect(folded.graph.nodes[0].outputs == ["y"])
        #expect(folded.graph.initializers["w"] == nil, "the original weight is pruned once unused")

        let conv = ReferenceMath.conv2d(
            x: x,
            xShape: xShape,
            w: w,
            wShape: wShape,
            bias: b,
            group: group,
            stride: 2,
            pad: 1
        )
        let expected = ReferenceMath.batchNorm(
            conv.values,
            shape: conv.shape,
            scale: scale,
            bias: shift,
            mean: mean,
            variance: variance,
            epsilon: 1e-3
        )
        let node = folded.graph.nodes[0]
        let fw = try #require(folded.graph.initializers[node.inputs[1]])
        let fb = try #require(folded.graph.initializers[node.inputs[2]])
        let actual = ReferenceMath.conv2d(
            x: x,
            xShape: xShape,
            w: fw.floats(),
            wShape: fw.shape,
            bias: fb.floats(),
            group: group,
            stride: 2,
            pad: 1
        )
        #expect(ReferenceMath.maxRelativeError(actual.values, expected) < 1e-5)
    }

    @Test(arguments: [false, true])
    func batchNormFoldsIntoGemm(transB: Bool) throws {
        let (m, k, n) = (3, 5, 4)
        let a = TestModels.floats(m * k, seed: 200), b = TestModels.floats(k * n, seed: 201),
            c = TestModels.floats(n, seed: 202)
        let scale = TestModels.floats(n, seed: 203).map { $0 + 1.5 }, shift = TestModels.floats(n, seed: 204)
        let mean = TestModels.floats(n, seed: 205), variance = TestModels.floats(n, seed: 206).map { abs($0) + 0.2 }
        var g = Graph()
        g.inputs = [ValueInfo(name: "a", elementType: .float32, shape: [m, k])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.initializers = [
            "b": Tensor(floats: b, shape: transB ? [n, k] : [k, n]), "c": Tensor(floats: c, shape: [n]),
            "s": Tensor(floats: scale, shape: [n]), "t": Tensor(floats: shift, shape: [n]),
            "mu": Tensor(floats: mean, shape: [n]), "var": Tensor(floats: variance, shape: [n]),
        ]
        g.nodes = [
            Node(
                name: "gemm",
                opType: "Gemm",
                inputs: ["a", "b", "c"],
                outputs: ["g"],
                attributes: ["transB": .int(transB ? 1 : 0), "alpha": .float(0.7), "beta": .float(0.3)]
            ),
            Node(name: "bn", opType: "BatchNormalization", inputs: ["g", "s", "t", "mu", "var"], outputs: ["y"]),
        ]
        let folded = try Model(graph: g).normalized()
        #expect(folded.graph.nodes.map(\.opType) == ["Gemm"])
        let gemm = ReferenceMath.gemm(a: a, m: m, k: k, b: b, n: n, transB: transB, c: c, alpha: 0.7, beta: 0.3)
        let expected = ReferenceMath.batchNorm(
            gemm,
            shape: [m, n],
            scale: scale,
            bias: shift,
            mean: mean,
            variance: variance,
            epsilon: 1e-5
        )
        let node = folded.graph.nodes[0]
        let fb = try #require(folded.graph.initializers[node.inputs[1]]).floats()
        let fc = try #require(folded.graph.initializers[node.inputs[2]]).floats()
        let actual = ReferenceMath.gemm(
            a: a,
            m: m,
            k: k,
            b: fb,
            n: n,
            transB: transB,
            c: fc,
            alpha: 0.7,
            beta: try node.float("beta", default: 1)
        )
        #expect(ReferenceMath.maxRelativeError(actual, expected) < 1e-5)
    }

    @Test func batchNormIsNotFoldedWhenTheConvOutputHasOtherUsers() throws {
        var model = TestModels.convNet()
        model.graph.outputs.append(ValueInfo(name: "c", elementType: .float32, shape: nil))
        let normalized = try model.normalized()
        #expect(normalized.graph.nodes.contains { $0.opType == "BatchNormalization" })
    }

    @Test func oldOpsetFormsBecomeInputs() throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 3, 1, 5])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.nodes = [
            Node(
                name: "clip",
                opType: "Clip",
                inputs: ["x"],
                outputs: ["c"],
                attributes: ["min": .float(-1), "max": .float(2)]
            ),
            Node(name: "sq", opType: "Squeeze", inputs: ["c"], outputs: ["s"], attributes: ["axes": .ints([2])]),
            Node(
                name: "pad",
                opType: "Pad",
                inputs: ["s"],
                outputs: ["p"],
                attributes: ["pads": .ints([0, 1, 0, 1, 0, 2]), "value": .float(0.5)]
            ),
            Node(name: "mean", opType: "ReduceMean", inputs: ["p"], outputs: ["y"], attributes: ["axes": .ints([1])]),
        ]
        let model = Model(opsets: ["": 10], graph: g)
        let before = try ShapeInference.infer(model)
        let canonical = try model.normalized()
        #expect(canonical.opsets[""] == Model.canonicalOpset)
        for node in canonical.graph.nodes {
            #expect(
                node.attributes["axes"] == nil && node.attributes["min"] == nil && node.attributes["pads"] == nil,
                "\(node.opType)"
            )
        }
        let clip = try #require(canonical.graph.nodes.first { $0.opType == "Clip" })
        #expect(clip.inputs.count == 3)
        #expect(canonical.graph.initializers[clip.inputs[1]]?.floats() == [-1])
        let pad = try #require(canonical.graph.nodes.first { $0.opType == "Pad" })
        #expect(try canonical.graph.initializers[pad.inputs[1]]?.ints() == [0, 1, 0, 1, 0, 2])
        #expect(canonical.graph.initializers[pad.inputs[2]]?.floats() == [0.5])
        let after = try ShapeInference.infer(canonical)
        #expect(after["y"] == before["y"])
    }

    @Test func upsampleBecomesResize() throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 2, 3, 4])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.nodes = [
            Node(
                name: "up",
                opType: "Upsample",
                inputs: ["x"],
                outputs: ["y"],
                attributes: ["scales": .floats([1, 1, 2, 3]), "mode": .string("bilinear")]
            )
        ]
        let canonical = try Model(opsets: ["": 7], graph: g).normalized()
        let node = canonical.graph.nodes[0]
        #expect(node.opType == "Resize")
        #expect(node.inputs.count == 3 && node.inputs[1].isEmpty)
        #expect(try node.string("mode") == "linear")
        #expect(try node.string("coordinate_transformation_mode") == "asymmetric")
        #expect(try ShapeInference.infer(canonical)["y"]?.shape == [1, 2, 6, 12])
    }

    @Test func oldSoftmaxOnAnInnerAxisIsWrappedInFlattenAndReshape() throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [2, 3, 4])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.nodes = [Node(name: "sm", opType: "Softmax", inputs: ["x"], outputs: ["y"])]
        let canonical = try Model(opsets: ["": 11], graph: g).normalized()
        #expect(canonical.graph.nodes.map(\.opType) == ["Flatten", "Softmax", "Reshape"])
        #expect(try ShapeInference.infer(canonical)["y"]?.shape == [2, 3, 4])
    }

    @Test func constantsBecomeInitializersAndIdentitiesDisappear() throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [2, 3])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.nodes = [
            Node(
                name: "k",
                opType: "Constant",
                inputs: [],
                outputs: ["k"],
                attributes: ["value_floats": .floats([1, 2, 3])]
            ),
            Node(name: "id", opType: "Identity", inputs: ["x"], outputs: ["xi"]),
            Node(name: "add", opType: "Add", inputs: ["xi", "k"], outputs: ["sum"]),
            Node(name: "drop", opType: "Dropout", inputs: ["sum"], outputs: ["y"]),
        ]
        let canonical = try Model(graph: g).normalized()
        #expect(canonical.graph.nodes.map(\.opType) == ["Add"])
        #expect(canonical.graph.nodes[0].inputs == ["x", "k"])
        #expect(canonical.graph.nodes[0].outputs == ["y"])
        #expect(canonical.graph.initializers["k"]?.floats() == [1, 2, 3])
    }

    @Test func unsortedGraphIsSortedAndCyclesAreErrors() throws {
        var model = TestModels.convNet()
        model.graph.nodes.reverse()
        let sorted = try model.graph.topologicallySorted()
        #expect(sorted.nodes.map(\.name) == TestModels.convNet().graph.nodes.map(\.name))

        var cyclic = TestModels.convNet()
        cyclic.graph.nodes[0].inputs[0] = "r"  // conv reads relu's output
        let error = #expect(throws: ONNXError.self) { _ = try cyclic.graph.topologicallySorted() }
        #expect(error?.message.contains("cycle") == true)
    }

    @Test func danglingInputIsAnError() throws {
        var model = TestModels.convNet()
        model.graph.nodes[2].inputs = ["nowhere"]
        let error = #expect(throws: ONNXError.self) { _ = try model.normalized() }
        #expect(error?.message.contains("'nowhere'") == true)
        #expect(error?.node == "relu")
    }
}

@Suite struct ConstantFoldingTests {
    /// x → Shape → Gather(0) → Unsqueeze → Concat([-1]) → Reshape: the exporter idiom for flatten.
    static func reshapeFromShape(gatherConstant: Bool = true) -> Model {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [2, 3, 4, 5])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.initializers = [
            "i0": Tensor(int64s: [0], shape: []), "ax": Tensor(int64s: [0], shape: [1]),
            "m1": Tensor(int64s: [-1], shape: [1]),
        ]
        g.nodes = [
            Node(name: "shape", opType: "Shape", inputs: [gatherConstant ? "x" : "x"], outputs: ["s"]),
            Node(name: "gather", opType: "Gather", inputs: [gatherConstant ? "s" : "x", "i0"], outputs: ["n"]),
            Node(name: "unsq", opType: "Unsqueeze", inputs: ["n", "ax"], outputs: ["n1"]),
            Node(
                name: "cat",
                opType: "Concat",
                inputs: ["n1", "m1"],
                outputs: ["shape"],
                attributes: ["axis": .int(0)]
            ),
            Node(name: "reshape", opType: "Reshape", inputs: ["x", "shape"], outputs: ["y"]),
        ]
        return Model(graph: g)
    }

    @Test func shapeSubgraphFoldsIntoAnInitializer() throws {
        let model = Self.reshapeFromShape()
        #expect(try ShapeInference.infer(model)["y"]?.shape == [2, 60])
        let normalized = try model.normalized()
        #expect(normalized.graph.nodes.map(\.opType) == ["Reshape"])
        let shape = try #require(normalized.graph.initializers[normalized.graph.nodes[0].inputs[1]])
        #expect(try shape.ints() == [2, -1])
    }

    @Test func shapeOperatorsOnRuntimeDataAreUnsupported() throws {
        // Gather over the float input itself is real computation, which the runtime does not do.
        let error = #expect(throws: ONNXError.self) {
            _ = try ShapeInference.infer(Self.reshapeFromShape(gatherConstant: false))
        }
        #expect(error?.code == .unsupportedOperator)
        #expect(error?.description.contains("'Gather'") == true)
        #expect(error?.description.contains("constant") == true)
    }

    @Test(arguments: [
        // (starts, ends, axes, steps, expected) over the constant [0, 1, ..., 9]
        ([2], [7], [0], [2], [2, 4, 6]),
        ([-1], [Int.min], [0], [-1], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]),
        ([8], [1], [0], [-3], [8, 5, 2]),
        ([-3], [Int.max], [0], [1], [7, 8, 9]),
        ([20], [30], [0], [1], []),
    ])
    func sliceFoldsLikeOnnx(starts: [Int], ends: [Int], axes: [Int], steps: [Int], expected: [Int]) throws {
        var g = Graph()
        g.outputs = [ValueInfo(name: "y", elementType: .int64, shape: nil)]
        func int64s(_ v: [Int]) -> Tensor { Tensor(int64s: v.map { Int64($0) }, shape: [v.count]) }
        g.initializers = [
            "data": int64s(Array(0..<10)), "st": int64s(starts), "en": int64s(ends), "ax": int64s(axes),
            "sp": int64s(steps),
        ]
        g.nodes = [Node(name: "slice", opType: "Slice", inputs: ["data", "st", "en", "ax", "sp"], outputs: ["s"])]
        g.nodes.append(Node(name: "id", opType: "Identity", inputs: ["s"], outputs: ["y"]))
        let model = Model(graph: g)
        let (types, constants) = try ShapeInference.inferWithConstants(model)
        #expect(types["s"]?.shape == [expected.count])
        #expect(try constants["s"]?.ints() == expected)
    }

    @Test func floatArithmeticAndCastsFold() throws {
        var g = Graph()
        g.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 3, 5, 7])]
        g.outputs = [ValueInfo(name: "y", elementType: .float32, shape: nil)]
        g.initializers = [
            "st": Tensor(int64s: [2], shape: [1]), "en": Tensor(int64s: [4], shape: [1]),
            "k": Tensor(floats: [1.5], shape: []), "nc": Tensor(int64s: [1, 3], shape: [2]),
        ]
        g.nodes = [
            Node(name: "shape", opType: "Shape", inputs: ["x"], outputs: ["s"]),
            Node(name: "slice", opType: "Slice", inputs: ["s", "st", "en"], outputs: ["hw"]),
            Node(name: "cast", opType: "Cast", inputs: ["hw"], outputs: ["f"], attributes: ["to": .int(1)]),
            Node(name: "mul", opType: "Mul", inputs: ["f", "k"], outputs: ["m"]),
            Node(name: "floor", opType: "Floor", inputs: ["m"], outputs: ["fl"]),
            Node(name: "back", opType: "Cast", inputs: ["fl"], outputs: ["i"], attributes: ["to": .int(7)]),
            Node(
                name: "cat",
                opType: "Concat",
                inputs: ["nc", "i"],
                outputs: ["sizes"],
                attributes: ["axis": .int(0)]
            ),
            Node(name: "resize", opType: "Resize", inputs: ["x", "", "", "sizes"], outputs: ["y"]),
        ]
        let model = Model(graph: g)
        #expect(try ShapeInference.infer(model)["y"]?.shape == [1, 3, 7, 10])  // floor(5·1.5), floor(7·1.5)
        #expect(try model.normalized().graph.nodes.map(\.opType) == ["Resize"])
    }
}
