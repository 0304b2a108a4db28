import Foundation
import Testing

@testable import EdgeInference

@Suite("QDQ fusion")
struct QDQFusionTests {
    /// x(uint8) → DQ → Conv(DQ(w int8 per-channel), DQ(bias int32)) → Q(uint8) → MaxPool → y
    /// plus DQ → Sigmoid → Q on the side to check a com.microsoft fusion.
    static func model() -> Model {
        var g = Graph(name: "qdq")
        g.inputs = [ValueInfo(name: "xq", elementType: .uint8, shape: [1, 3, 6, 6])]
        g.outputs = [ValueInfo(name: "y", elementType: .uint8, shape: [1, 4, 3, 3])]
        var rng = SplitMix64(seed: 7)
        let w = (0..<(4 * 3 * 9)).map { _ in Int8(truncatingIfNeeded: Int(rng.next() % 255) - 127) }
        let bias = (0..<4).map { _ in Int32(truncatingIfNeeded: Int(rng.next() % 2000) - 1000) }
        let wScales: [Float] = [0.01, 0.02, 0.015, 0.005]
        g.initializers = [
            "xs": Tensor(floats: [0.05], shape: []), "xz": Tensor([UInt8(120)], shape: [], type: .uint8),
            "w": Tensor(w, shape: [4, 3, 3, 3], type: .int8), "ws": Tensor(floats: wScales, shape: [4]),
            "wz": Tensor([Int8](repeating: 0, count: 4), shape: [4], type: .int8),
            "b": Tensor(bias, shape: [4], type: .int32), "bs": Tensor(floats: wScales.map { $0 * 0.05 }, shape: [4]),
            "bz": Tensor([Int32](repeating: 0, count: 4), shape: [4], type: .int32),
            "ys": Tensor(floats: [0.1], shape: []), "yz": Tensor([UInt8(128)], shape: [], type: .uint8),
        ]
        g.nodes = [
            Node(name: "dqx", opType: "DequantizeLinear", inputs: ["xq", "xs", "xz"], outputs: ["x"]),
            Node(name: "dqw", opType: "DequantizeLinear", inputs: ["w", "ws", "wz"], outputs: ["wf"], attributes: ["axis": .int(0)]),
            Node(name: "dqb", opType: "DequantizeLinear", inputs: ["b", "bs", "bz"], outputs: ["bf"], attributes: ["axis": .int(0)]),
            Node(name: "conv", opType: "Conv", inputs: ["x", "wf", "bf"], outputs: ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
            Node(name: "q", opType: "QuantizeLinear", inputs: ["c", "ys", "yz"], outputs: ["cq"]),
            Node(name: "dqc", opType: "DequantizeLinear", inputs: ["cq", "ys", "yz"], outputs: ["cf"]),
            Node(name: "pool", opType: "MaxPool", inputs: ["cf"], outputs: ["p"], attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
            Node(name: "qp", opType: "QuantizeLinear", inputs: ["p", "ys", "yz"], outputs: ["y"]),
        ]
        return Model(opsets: ["": 13], graph: g)
    }

    @Test func fusedGraphRunsInIntegerOperators() throws {
        var model = try Self.model().normalized()
        let log = model.fuseQDQ()
        #expect(log.contains("qdq-fusion: Conv ×1") && log.contains("qdq-fusion: MaxPool ×1"))
        let ops = model.graph.nodes.map(\.opType)
        #expect(ops == ["QLinearConv", "MaxPool"], "\(ops)")
    }

    /// The fused integer result equals the float simulation (DQ → float Conv → Q) within one
    /// quantization step, element by element.
    @Test func fusedAndSimulatedAgreeWithinOneStep() throws {
        let compiled = try CompiledModel(model: Self.model())
        #expect(compiled.stepOperators.contains { $0.hasPrefix("QLinearConv") })
        var rng = SplitMix64(seed: 11)
        let x = (0..<108).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let input = ["xq": Tensor(x, shape: [1, 3, 6, 6], type: .uint8)]
        let fused = try compiled.makeSession().run(input)["y"]!.values(as: UInt8.self)
        // Float simulation: the unfused graph, each node on its own.
        var options = Model.NormalizationOptions()
        options.foldConstants = false
        var plain = try Self.model().normalized(options: options)
        _ = plain.foldConstantDequantize()  // float weights and bias, no fusion
        let types = try ShapeInference.infer(plain)
        var builder = PlanBuilder(model: plain, types: types)
        try builder.build()
        #expect(builder.steps.contains { $0.opType.hasPrefix("Conv") }, "the simulation runs the float Conv")
        let simulated = try Self.runPlan(builder, input)["y"]!.values(as: UInt8.self)
        #expect(fused.count == 36)
        #expect(zip(fused, simulated).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    static func runPlan(_ builder: PlanBuilder, _ inputs: [String: Tensor]) throws -> [String: Tensor] {
        let plan = MemoryPlan(values: builder.values, steps: builder.steps, pinned: Set(builder.inputIDs + builder.outputIDs))
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(plan.arenaBytes, 64), alignment: 64)
        defer { arena.deallocate() }
        var pointers = builder.values.enumerated().map { $0.element.constant?.raw ?? arena + plan.offsets[$0.offset] }
        for id in builder.inputIDs {
            inputs[builder.values[id].name]!.data.withUnsafeBytes { pointers[id].copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        }
        return try pointers.withUnsafeMutableBufferPointer { p in
            let frame = Frame(pointers: UnsafePointer(p.baseAddress!), pool: nil)
            for step in builder.steps { step.run(frame) }
            var out: [String: Tensor] = [:]
            for (i, id) in builder.outputIDs.enumerated() {
                let v = builder.values[id]
                out[builder.outputNames[i]] = try Tensor(
                    elementType: v.elementType, shape: v.shape,
                    data: ByteSlice(copying: UnsafeRawBufferPointer(start: p[id], count: v.byteCount)))
            }
            return out
        }
    }
}
