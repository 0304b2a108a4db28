import Foundation
import Testing

@testable import EdgeInference

/// Runs every conformance model through the executor on ONNX Runtime's inputs and compares with
/// ONNX Runtime's outputs (scripts/conformance/run.sh). Prints one table row per model.
@Suite(.enabled(if: ConformanceModels.directory != nil, "set EDGEMLOPS_CONFORMANCE_MODELS to run"))
struct ExecutorConformanceTests {
    struct Sidecar: Decodable {
        struct Value: Decodable { var name: String }
        var inputs: [Value]
        var outputs: [Value]
        var ort_nondeterministic: Bool?
    }

    struct Row {
        var model: String
        var ops: String
        var maxDiff: Double
        var verdict: String
        var failed: Bool
    }

    /// Largest difference between our output and ORT's, in the unit the criterion uses:
    /// relative for float (|d| / max(|ref|, 1)), quantization steps for 8-bit, exact for integers;
    /// dynamic models compare float outputs in steps of ORT's output range / 255.
    /// Float outputs of a quantized model written by a DequantizeLinear are compared in steps of
    /// its scale: "off by at most one quantization step" before dequantization.
    static func difference(_ ours: Tensor, _ ref: Tensor, dynamic: Bool, dequantizeStep: Double?) -> (Double, Double) {
        let a = ours.doubles(), b = ref.doubles()
        if let step = dequantizeStep, ref.elementType == .float32 {
            return (zip(a, b).map { abs($0 - $1) / step }.max() ?? 0, 1.0001)
        }
        switch ref.elementType {
        case .float32 where dynamic:
            let step = max((b.max() ?? 0) - (b.min() ?? 0), 1e-6) / 255
            return (zip(a, b).map { abs($0 - $1) / step }.max() ?? 0, 1)
        case .float32:
            return (zip(a, b).map { abs($0 - $1) / max(abs($1), 1) }.max() ?? 0, 1e-4)
        case .int8, .uint8:
            return (zip(a, b).map { abs($0 - $1) }.max() ?? 0, 1)
        default:
            return (zip(a, b).map { abs($0 - $1) }.max() ?? 0, 0)
        }
    }

    /// The scale of the DequantizeLinear writing graph output `name` (the largest, if per axis).
    static func dequantizeStep(of name: String, in model: Model) throws -> Double? {
        guard let node = model.graph.nodes.first(where: { $0.outputs.contains(name) }), node.opType == "DequantizeLinear",
            let scale = node.input(1).flatMap({ model.graph.initializers[$0] })
        else { return nil }
        return scale.doubles().max()
    }

    static func check(_ name: String) -> Row {
        let dir = ConformanceModels.directory!
        do {
            let sidecar = try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).json")))
            var inputs: [String: Tensor] = [:]
            for (i, v) in sidecar.inputs.enumerated() { inputs[v.name] = try NPY.read(path: "\(dir)/\(name).in\(i).npy") }
            let shapes = inputs.mapValues(\.shape)
            let source = try Model.load(path: "\(dir)/\(name).onnx")
            let model = try CompiledModel(model: source, inputShapes: shapes)
            let session = model.makeSession()
            session.nonFinitePolicy = .allow
            let outputs = try session.run(inputs)
            let ops = Set(model.stepOperators.filter { !$0.hasPrefix("Transpose(") }).sorted().joined(separator: ",")
            var worst = 0.0, failed = false
            for (i, v) in sidecar.outputs.enumerated() {
                let ref = try NPY.read(path: "\(dir)/\(name).out\(i).npy")
                guard let ours = outputs[v.name], ours.shape == ref.shape, ours.elementType == ref.elementType else {
                    return Row(model: name, ops: ops, maxDiff: .infinity, verdict: "FAIL shape/type of \(v.name)", failed: true)
                }
                let (d, limit) = difference(ours, ref, dynamic: name.hasSuffix("_dynamic"), dequantizeStep: try dequantizeStep(of: v.name, in: source))
                worst = max(worst, d)
                if !(d <= limit) { failed = true }
            }
            if failed && sidecar.ort_nondeterministic == true {
                return Row(model: name, ops: ops, maxDiff: worst, verdict: "skip (ORT nondeterministic)", failed: false)
            }
            return Row(model: name, ops: ops, maxDiff: worst, verdict: failed ? "FAIL" : "ok", failed: failed)
        } catch {
            return Row(model: name, ops: "", maxDiff: .infinity, verdict: "ERROR \(error)", failed: true)
        }
    }

    @Test("every conformance model runs and matches ONNX Runtime")
    func executorMatchesOnnxRuntime() {
        let rows = ConformanceModels.names.map(Self.check)
        var table = "isa \(CompiledModel.isa)\n" + "model".padding(toLength: 42, withPad: " ", startingAt: 0) + " max diff    verdict  ops\n"
        for r in rows {
            table += r.model.padding(toLength: 42, withPad: " ", startingAt: 0)
                + " " + String(format: "%-10.3g", r.maxDiff) + "  " + r.verdict + "  " + r.ops + "\n"
        }
        let passed = rows.filter { !$0.failed }.count
        table += "conformance: \(passed)/\(rows.count) models agree with ONNX Runtime\n"
        print(table)
        for r in rows where r.failed { Issue.record("\(r.model): \(r.verdict) (max diff \(r.maxDiff))") }
    }
}

/// Mutated conformance models (the ONNX fuzz corpus) that still load are compiled and run on
/// zero inputs: every outcome must be a result or an error, never a crash.
@Suite(.enabled(if: ConformanceModels.directory != nil, "set EDGEMLOPS_CONFORMANCE_MODELS to run"))
struct ExecutorFuzzTests {
    @Test("mutated models compile and run, or fail with an error", arguments: ConformanceModels.names)
    func mutatedModelsNeverCrash(name: String) throws {
        let bytes = try ByteStorage.map(path: ConformanceModels.directory! + "/" + name + ".onnx").all.bytes
        let offsets = FuzzTests.lengthFieldOffsets(bytes)
        var rng = SplitMix64(seed: UInt64(bytes.count) &* 37)
        var ran = 0
        for _ in 0..<200 {
            let mutated = FuzzTests.mutate(bytes, lengthOffsets: offsets, rng: &rng)
            guard let proto = try? ModelProto(decoding: ByteSlice(copying: mutated)),
                let model = try? Model(proto: proto, baseDirectory: ConformanceModels.directory)
            else { continue }
            do {
                // EDGEMLOPS_FUZZ_DUMP=1 keeps the mutant being run in /tmp/rt_mutant.onnx, to reproduce a crash.
                if ProcessInfo.processInfo.environment["EDGEMLOPS_FUZZ_DUMP"] != nil {
                    try Data(mutated).write(to: URL(fileURLWithPath: "/tmp/rt_mutant.onnx"))
                }
                let compiled = try CompiledModel(model: model)
                guard compiled.arenaBytes <= 64 << 20 else { continue }
                var inputs: [String: Tensor] = [:]
                for (i, type) in compiled.inputs.enumerated() {
                    let count = type.shape.reduce(1, *) * type.elementType.byteWidth
                    inputs[compiled.inputNames[i]] = try Tensor(
                        elementType: type.elementType, shape: type.shape, data: ByteSlice(copying: [UInt8](repeating: 0, count: count)))
                }
                _ = try compiled.makeSession().run(inputs)
                ran += 1
            } catch let error as RuntimeError {
                #expect(!error.message.isEmpty)
            } catch let error as ONNXError {
                #expect(!error.message.isEmpty)
            }
        }
        print("fuzz \(name): \(ran) of 200 mutants ran")
    }
}
