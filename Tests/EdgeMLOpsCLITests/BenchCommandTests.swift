import ArgumentParser
import EdgeInference
import Testing

@testable import edgemlops

@Suite("edgemlops bench statistics")
struct BenchStatisticsTests {
    @Test("median of an odd and an even number of samples")
    func median() throws {
        let odd = try #require(BenchStatistics(nanoseconds: [3_000_000, 1_000_000, 2_000_000]))
        #expect(odd.medianMilliseconds == 2)
        let even = try #require(BenchStatistics(nanoseconds: [4_000_000, 1_000_000, 2_000_000, 3_000_000]))
        #expect(even.medianMilliseconds == 2.5)
        #expect(even.meanMilliseconds == 2.5)
        #expect(even.throughputPerSecond == 400)
    }

    @Test("percentiles are nearest-rank samples", arguments: [(100, 90.0, 99.0), (10, 9.0, 10.0), (1, 1.0, 1.0)])
    func percentiles(count: Int, p90: Double, p99: Double) throws {
        // Samples 1 ms ... count ms, shuffled so the sort is exercised.
        let samples = (1...count).map { UInt64($0) * 1_000_000 }.shuffled()
        let stats = try #require(BenchStatistics(nanoseconds: samples))
        #expect(stats.p90Milliseconds == p90)
        #expect(stats.p99Milliseconds == p99)
        #expect(stats.minMilliseconds == 1)
        #expect(stats.maxMilliseconds == Double(count))
    }

    @Test("no samples give no statistics")
    func empty() {
        #expect(BenchStatistics(nanoseconds: []) == nil)
    }
}

@Suite("edgemlops bench arguments and inputs")
struct BenchCommandTests {
    @Test("bad counts are rejected", arguments: [["--runs", "0"], ["--warmup", "-1"], ["--threads", "0"]])
    func badCounts(arguments: [String]) {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["m.onnx"] + arguments) }
    }

    @Test("symbolic dimensions default to 1; --shape overrides them")
    func inputShapes() throws {
        let inputs = [
            ValueInfo(name: "x", elementType: .float32, shape: [.param("N"), .value(3), .value(8), .unknown]),
            ValueInfo(name: "y", elementType: .float32, shape: [.param("N"), .value(4)]),
        ]
        let shapes = try BenchCommand.inputShapes(of: inputs, bound: ["y": [2, 4]])
        #expect(shapes == ["x": [1, 3, 8, 1], "y": [2, 4]])
    }

    @Test("--shape naming no input is an error that names it")
    func unknownShapeName() {
        let inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 3])]
        #expect(throws: ValidationError.self) { try BenchCommand.inputShapes(of: inputs, bound: ["z": [1]]) }
        let command = try? BenchCommand.parse(["m.onnx", "--shape", "x=1xfoo"])
        #expect(throws: ValidationError.self) { try command?.parseShapes() }
    }

    @Test("random inputs are seeded and in range")
    func randomInputs() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        let type = TensorType(.float32, [1, 3, 4, 4])
        let first = BenchCommand.randomTensor(type, using: &a)
        #expect(first == BenchCommand.randomTensor(type, using: &b))
        #expect(first.shape == [1, 3, 4, 4])
        let values = first.values(as: Float.self)
        #expect(values.allSatisfy { $0 >= -1 && $0 < 1 })
        #expect(Set(values).count > 40)
        let ints = BenchCommand.randomTensor(TensorType(.int64, [2, 2]), using: &a)
        #expect(ints.values(as: Int64.self) == [0, 0, 0, 0])
    }
}
