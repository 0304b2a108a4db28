import EdgeInference
import Foundation

/// Small models built in code for the unit tests.
enum TestModels {
    /// Deterministic pseudo-random floats (SplitMix64), so tests do not depend on global state.
    static func floats(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) }
    }

    /// input[1,3,8,8] → Conv(4, 3x3, pad 1) → BatchNormalization → Relu → GlobalAveragePool → Flatten → Gemm(5).
    static func convNet(opset: Int = 13) -> Model {
        var g = Graph(name: "convnet")
        g.inputs = [ValueInfo(name: "input", elementType: .float32, shape: [1, 3, 8, 8])]
        g.outputs = [ValueInfo(name: "logits", elementType: .float32, shape: [1, 5])]
        g.initializers = [
            "w": Tensor(floats: floats(4 * 3 * 9, seed: 1), shape: [4, 3, 3, 3]),
            "b": Tensor(floats: floats(4, seed: 2), shape: [4]),
            "bn_scale": Tensor(floats: floats(4, seed: 3).map { $0 + 1.5 }, shape: [4]),
            "bn_bias": Tensor(floats: floats(4, seed: 4), shape: [4]),
            "bn_mean": Tensor(floats: floats(4, seed: 5), shape: [4]),
            "bn_var": Tensor(floats: floats(4, seed: 6).map { abs($0) + 0.5 }, shape: [4]),
            "fc_w": Tensor(floats: floats(5 * 4, seed: 7), shape: [5, 4]),
            "fc_b": Tensor(floats: floats(5, seed: 8), shape: [5]),
        ]
        g.nodes = [
            Node(
                name: "conv",
                opType: "Conv",
                inputs: ["input", "w", "b"],
                outputs: ["c"],
                attributes: ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]
            ),
            Node(
                name: "bn",
                opType: "BatchNormalization",
                inputs: ["c", "bn_scale", "bn_bias", "bn_mean", "bn_var"],
                outputs: ["n"],
                attributes: ["epsilon": .float(1e-5)]
            ),
            Node(name: "relu", opType: "Relu", inputs: ["n"], outputs: ["r"]),
            Node(name: "gap", opType: "GlobalAveragePool", inputs: ["r"], outputs: ["p"]),
            Node(name: "flat", opType: "Flatten", inputs: ["p"], outputs: ["f"]),
            Node(
                name: "fc",
                opType: "Gemm",
                inputs: ["f", "fc_w", "fc_b"],
                outputs: ["logits"],
                attributes: ["transB": .int(1)]
            ),
        ]
        return Model(
            producerName: "edgemlops-tests",
            opsets: ["": opset],
            metadata: [StringStringEntryProto(key: "labels", value: "a,b,c,d,e")],
            graph: g
        )
    }

    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("edgeinference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }
}

/// SplitMix64: a tiny, well-mixed deterministic generator for tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
