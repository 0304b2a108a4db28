import ArgumentParser
import EdgeInference
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `edgemlops bench MODEL [--threads N] [--runs N] [--warmup N] [--profile] [--json]`.
///
/// Runs a model on seeded random inputs and reports latency percentiles, throughput and peak
/// RSS, the figures `scripts/bench-vs-ort.sh` sets against ONNX Runtime.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a model's latency (median, p90, p99), throughput and peak memory.",
        discussion: """
            Inputs are seeded random tensors of the model's declared shapes (float32 uniform in [-1, 1), 8-bit uniform over the type's range, integers 0). Symbolic dimensions are 1 unless --shape NAME=1x3x224x224 binds them.

            Latency is wall time per run of one session after the warm-up runs; throughput is 1000 / mean latency. Peak RSS is the process's getrusage maximum, which includes the model load. EDGEMLOPS_ISA=scalar|avx2|avx512vnni|neon|neondot selects the kernel path.
            """
    )

    @Argument(help: "The .onnx model file (omit with --compare).")
    var model: String = ""

    @Option(help: "Intra-op threads (default: physical cores).")
    var threads: Int?

    @Option(help: "Timed runs.")
    var runs = 100

    @Option(help: "Untimed runs before the timed ones.")
    var warmup = 10

    @Option(help: "Bind an input's shape: NAME=1x3x224x224 (repeatable).")
    var shape: [String] = []

    @Option(help: "Seed of the random inputs.")
    var seed: UInt64 = 1

    @Flag(help: "Add a per-operator table (time per run, summed over the timed runs).")
    var profile = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// `--compare A B C [--dataset DIR --labels FILE] [--markdown FILE] [--csv FILE]`: see BenchCommand+Compare.swift.
    @OptionGroup var comparison: CompareOptions

    func validate() throws {
        if comparison.compare.isEmpty == model.isEmpty { throw ValidationError("give one MODEL, or --compare A.onnx B.onnx ...") }
        if runs < 1 { throw ValidationError("--runs must be at least 1, got \(runs)") }
        if warmup < 0 { throw ValidationError("--warmup must not be negative, got \(warmup)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() async throws {
        if !comparison.compare.isEmpty { return try runComparison() }
        if let problem = CompiledModel.isaOverrideProblem {
            ProgressLine.writeStandardError("warning: \(problem)\n")
        }
        let bound = try parseShapes()
        let loadStart = ContinuousClock.now
        let loaded = try Model.load(path: model)
        let inputShapes = try Self.inputShapes(of: loaded.graph.runtimeInputs, bound: bound)
        let compiled = try CompiledModel(model: loaded, inputShapes: inputShapes)
        let loadTime = ContinuousClock.now - loadStart
        let threadCount = threads ?? CompiledModel.physicalCores
        let session = compiled.makeSession()
        session.threads = threadCount
        session.nonFinitePolicy = .allow
        var generator = SeededGenerator(seed: seed)
        var inputs: [String: Tensor] = [:]
        for (name, type) in zip(compiled.inputNames, compiled.inputs) {
            inputs[name] = Self.randomTensor(type, using: &generator)
        }

        var progress = ProgressLine(total: warmup + runs)
        for _ in 0..<warmup {
            _ = try session.run(inputs)
            progress.advance()
        }
        session.profiling = profile
        var samples: [UInt64] = []
        samples.reserveCapacity(runs)
        var opNanoseconds: [String: UInt64] = [:]
        var opSteps: [String: Int] = [:]
        for run in 0..<runs {
            _ = try session.run(inputs)
            samples.append(session.lastRunNanoseconds)
            if profile {
                for timing in session.timings {
                    opNanoseconds[timing.opType, default: 0] += timing.nanoseconds
                    if run == 0 { opSteps[timing.opType, default: 0] += 1 }
                }
            }
            progress.advance()
        }
        progress.finish(summary: "bench: \(warmup) warm-up + \(runs) timed runs done")

        let stats = BenchStatistics(nanoseconds: samples)!
        let stepTotal = max(opNanoseconds.values.reduce(0, +), 1)
        let report = BenchReport(
            model: model, isa: CompiledModel.isa, threads: session.threads, runs: runs, warmup: warmup,
            inputs: inputShapes, loadMs: Self.milliseconds(loadTime),
            meanMs: stats.meanMilliseconds, medianMs: stats.medianMilliseconds, p90Ms: stats.p90Milliseconds,
            p99Ms: stats.p99Milliseconds, minMs: stats.minMilliseconds, maxMs: stats.maxMilliseconds,
            throughputPerSecond: stats.throughputPerSecond, peakRSSMegabytes: Self.peakRSSMegabytes(),
            arenaBytes: compiled.arenaBytes, constantBytes: compiled.constantBytes,
            profile: profile
                ? opNanoseconds.sorted { $0.value > $1.value }.map { op, ns in
                    BenchReport.OpTime(
                        op: op, steps: opSteps[op] ?? 0, totalMs: Double(ns) / Double(runs) / 1e6,
                        percent: Double(ns) * 100 / Double(stepTotal))
                }
                : nil
        )
        print(json ? report.json : report.text)
    }

    /// `--shape` values as input name → shape.
    func parseShapes() throws -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for text in shape {
            guard let eq = text.firstIndex(of: "=") else {
                throw ValidationError("--shape '\(text)' must be NAME=DIMxDIMx...")
            }
            let name = String(text[..<eq])
            let dims = text[text.index(after: eq)...].split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard !name.isEmpty, !dims.isEmpty, dims.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--shape '\(text)' must be NAME=DIMxDIMx... with positive dimensions")
            }
            shapes[name] = dims.map { $0! }
        }
        return shapes
    }

    /// Each runtime input's shape: the one bound by `--shape`, else the declared one with
    /// symbolic or unknown dimensions set to 1.
    static func inputShapes(of inputs: [ValueInfo], bound: [String: [Int]]) throws -> [String: [Int]] {
        for name in bound.keys where !inputs.contains(where: { $0.name == name }) {
            throw ValidationError("--shape names '\(name)', but the model's inputs are \(inputs.map(\.name).joined(separator: ", "))")
        }
        var shapes: [String: [Int]] = [:]
        for input in inputs {
            if let given = bound[input.name] {
                shapes[input.name] = given
                continue
            }
            guard let declared = input.shape else {
                throw ValidationError("input '\(input.name)' has no declared shape: give --shape \(input.name)=DIMxDIM...")
            }
            shapes[input.name] = declared.map { dim in
                if case .value(let v) = dim, v > 0 { return Int(v) }
                return 1
            }
        }
        return shapes
    }

    static func randomTensor(_ type: TensorType, using generator: inout SeededGenerator) -> Tensor {
        let count = type.shape.reduce(1, *)
        switch type.elementType {
        case .float32:
            return Tensor(floats: (0..<count).map { _ in Float.random(in: -1..<1, using: &generator) }, shape: type.shape)
        case .uint8:
            return Tensor((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }, shape: type.shape, type: .uint8)
        case .int8:
            return Tensor((0..<count).map { _ in Int8.random(in: .min ... .max, using: &generator) }, shape: type.shape, type: .int8)
        default:
            // Index-like inputs (int32/int64/bool): zeros are valid for every consumer.
            let bytes = [UInt8](repeating: 0, count: count * type.elementType.byteWidth)
            return (try? Tensor(elementType: type.elementType, shape: type.shape, data: ByteSlice(copying: bytes)))!
        }
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) * 1e-15
    }

    /// getrusage's peak resident set: kilobytes on Linux, bytes on Darwin.
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        #if canImport(Glibc)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return 0 }
        #if canImport(Darwin)
        return Double(usage.ru_maxrss) / 1_048_576
        #else
        return Double(usage.ru_maxrss) / 1024
        #endif
    }
}
