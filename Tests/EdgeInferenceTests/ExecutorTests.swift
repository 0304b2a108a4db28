import Foundation
import Testing

@testable import EdgeInference

@Suite("Executor")
struct ExecutorTests {
    static let input = TestModels.floats(3 * 8 * 8, seed: 42)

    /// The convNet computed with the naive NCHW reference math, independent of the kernels.
    static func reference(_ x: [Float]) throws -> [Float] {
        let g = TestModels.convNet().graph
        func f(_ name: String) -> [Float] { g.initializers[name]!.floats() }
        let conv = ReferenceMath.conv2d(x: x, xShape: [1, 3, 8, 8], w: f("w"), wShape: [4, 3, 3, 3], bias: f("b"), group: 1, stride: 1, pad: 1)
        let bn = ReferenceMath.batchNorm(conv.values, shape: conv.shape, scale: f("bn_scale"), bias: f("bn_bias"), mean: f("bn_mean"), variance: f("bn_var"), epsilon: 1e-5)
        let relu = bn.map { max($0, 0) }
        let pooled = (0..<4).map { c in relu[(c * 64)..<(c * 64 + 64)].reduce(0, +) / 64 }
        return ReferenceMath.gemm(a: pooled, m: 1, k: 4, b: f("fc_w"), n: 5, transB: true, c: f("fc_b"), alpha: 1, beta: 1)
    }

    static func run(_ model: CompiledModel, _ x: [Float]) throws -> [Float] {
        let out = try model.makeSession().run(["input": Tensor(floats: x, shape: [1, 3, 8, 8])])
        return try #require(out["logits"]).floats()
    }

    @Test func convNetMatchesReferenceMath() throws {
        let model = try CompiledModel(model: TestModels.convNet())
        let ours = try Self.run(model, Self.input)
        #expect(ours.count == 5)
        #expect(ReferenceMath.maxRelativeError(ours, try Self.reference(Self.input)) <= 1e-4)
        // Conv + Relu fused; the input converted to channels-last once, the output never.
        #expect(model.passLog.contains { $0.contains("activation fusion") })
        #expect(model.stepOperators.filter { $0.hasPrefix("Transpose(") } == ["Transpose(NCHW→NHWC)"])
    }

    @Test func sessionsOnSeveralThreadsAgreeWithSerialRuns() async throws {
        let model = try CompiledModel(model: TestModels.convNet())
        let inputs = (0..<8).map { TestModels.floats(3 * 8 * 8, seed: UInt64(100 + $0)) }
        let serial = try inputs.map { try Self.run(model, $0) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
            for (i, x) in inputs.enumerated() {
                group.addTask {
                    let session = model.makeSession()
                    var last: [Float] = []
                    for _ in 0..<20 {
                        last = try session.run(["input": Tensor(floats: x, shape: [1, 3, 8, 8])])["logits"]!.floats()
                    }
                    return (i, last)
                }
            }
            var result = [[Float]](repeating: [], count: inputs.count)
            for try await (i, v) in group { result[i] = v }
            return result
        }
        #expect(parallel == serial)
    }

    /// The kernels split work over the session's pool in tiles that each write their own
    /// outputs, so the thread count must not change a single bit.
    @Test(arguments: [2, 3, 64])
    func intraOpThreadsGiveTheSameBits(threads: Int) throws {
        let model = try CompiledModel(model: TestModels.convNet())
        let input = ["input": Tensor(floats: TestModels.floats(3 * 8 * 8, seed: 7), shape: [1, 3, 8, 8])]
        let single = try model.makeSession().run(input)["logits"]!.floats()
        let session = model.makeSession()
        session.threads = threads
        #expect(session.threads == min(threads, 16))
        #expect(try session.run(input)["logits"]!.floats() == single)
    }

    /// relu chain of 6 nodes over 1 KiB tensors: lifetimes let the plan reuse buffers.
    @Test func memoryPlanReusesBuffers() throws {
        var g = Graph(name: "chain")
        g.inputs = [ValueInfo(name: "v0", elementType: .float32, shape: [256])]
        g.outputs = [ValueInfo(name: "v6", elementType: .float32, shape: [256])]
        g.nodes = (0..<6).map { i in
            Node(name: "n\(i)", opType: i % 2 == 0 ? "Sigmoid" : "Relu", inputs: ["v\(i)"], outputs: ["v\(i + 1)"])
        }
        let compiled = try CompiledModel(model: Model(opsets: ["": 13], graph: g))
        // 7 values of 1 KiB; input and output pinned, intermediates need 2 buffers at most.
        #expect(compiled.arenaBytes <= 4 * 1024)
        let x = TestModels.floats(256, seed: 9)
        let y = try compiled.makeSession().run(["v0": Tensor(floats: x, shape: [256])])["v6"]!.floats()
        var expected = x
        for i in 0..<6 { expected = expected.map { i % 2 == 0 ? 1 / (1 + exp(-$0)) : max($0, 0) } }
        #expect(ReferenceMath.maxRelativeError(y, expected) <= 1e-5)
    }

    @Test func profilingRecordsEveryStep() throws {
        let model = try CompiledModel(model: TestModels.convNet())
        let session = model.makeSession()
        session.profiling = true
        _ = try session.run(["input": Tensor(floats: Self.input, shape: [1, 3, 8, 8])])
        #expect(session.timings.map(\.opType) == model.stepOperators)
    }

    enum BadInput: String, CaseIterable {
        case wrongShape, wrongType, missing, unknownName, nan, infinity
    }

    @Test(arguments: BadInput.allCases)
    func badInputsAreClearErrors(_ bad: BadInput) throws {
        let session = try CompiledModel(model: TestModels.convNet()).makeSession()
        var x = Self.input
        var inputs: [String: Tensor] = [:]
        let expected: RuntimeError.Code
        switch bad {
        case .wrongShape:
            inputs["input"] = Tensor(floats: x, shape: [1, 3, 4, 16])
            expected = .invalidInput
        case .wrongType:
            inputs["input"] = Tensor(x.map { Int32($0) }, shape: [1, 3, 8, 8], type: .int32)
            expected = .invalidInput
        case .missing:
            expected = .missingInput
        case .unknownName:
            inputs["input"] = Tensor(floats: x, shape: [1, 3, 8, 8])
            inputs["other"] = Tensor(floats: x, shape: [1, 3, 8, 8])
            expected = .invalidInput
        case .nan, .infinity:
            x[77] = bad == .nan ? .nan : -.infinity
            inputs["input"] = Tensor(floats: x, shape: [1, 3, 8, 8])
            expected = .nonFinite
        }
        let error = try #require(throws: RuntimeError.self) { try session.run(inputs) }
        #expect(error.code == expected)
        #expect(error.value != nil, "the error names the input")
        if bad == .nan {
            #expect(error.message.contains("77"))
            session.nonFinitePolicy = .allow
            #expect(throws: Never.self) { try session.run(inputs) }
        }
    }

    @Test func boundShapeMustAgreeWithDeclaredDimensions() throws {
        let error = try #require(throws: RuntimeError.self) {
            try CompiledModel(model: TestModels.convNet(), inputShapes: ["input": [1, 3, 9, 9]])
        }
        #expect(error.code == .invalidInput && error.value == "input")
    }

    @Test func unsupportedOperatorNamesOpAndNode() throws {
        var model = TestModels.convNet()
        model.graph.nodes[2] = Node(name: "odd", opType: "Relu", domain: "", inputs: ["n"], outputs: ["r"])
        model.graph.nodes.insert(Node(name: "lrn", opType: "LRN", inputs: ["r"], outputs: ["r2"], attributes: ["size": .int(3)]), at: 3)
        model.graph.nodes[4].inputs = ["r2"]
        #expect(throws: (any Error).self) { try CompiledModel(model: model) }
    }
}
