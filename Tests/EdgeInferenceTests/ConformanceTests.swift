import Foundation
import Testing

@testable import EdgeInference

/// Runs against the models `scripts/conformance/make_models.py` builds, when
/// `EDGEMLOPS_CONFORMANCE_MODELS` names that directory; skipped otherwise.
enum ConformanceModels {
    static let directory = ProcessInfo.processInfo.environment["EDGEMLOPS_CONFORMANCE_MODELS"]

    static var names: [String] {
        guard let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            return []
        }
        return files.filter { $0.hasSuffix(".onnx") }.map { String($0.dropLast(5)) }.sorted()
    }
}

@Suite(.enabled(if: ConformanceModels.directory != nil, "set EDGEMLOPS_CONFORMANCE_MODELS to run"))
struct ConformanceTests {
    static var directory: String? { ConformanceModels.directory }
    static var models: [String] { ConformanceModels.names }

    struct Sidecar: Decodable {
        struct Value: Decodable {
            var name: String
            var shape: [Int]
            var dtype: String
        }
        var inputs: [Value]
        var outputs: [Value]
    }

    static func sidecar(_ name: String) throws -> Sidecar {
        let url = URL(fileURLWithPath: directory! + "/" + name + ".json")
        return try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: url))
    }

    static let numpyNames: [ElementType: String] = [
        .float32: "float32", .uint8: "uint8", .int8: "int8", .int32: "int32", .int64: "int64", .bool: "bool",
    ]

    @Test(
        "inferred output shapes equal ONNX Runtime's, before and after normalization",
        arguments: ConformanceModels.names
    )
    func shapesMatchOnnxRuntime(name: String) throws {
        let sidecar = try Self.sidecar(name)
        let model = try Model.load(path: Self.directory! + "/" + name + ".onnx")
        let inputShapes = Dictionary(uniqueKeysWithValues: sidecar.inputs.map { ($0.name, $0.shape) })
        let normalized = try model.normalized(inputShapes: inputShapes)
        for candidate in [model, normalized] {
            let types = try ShapeInference.infer(candidate, inputShapes: inputShapes)
            for output in sidecar.outputs {
                let inferred = try #require(types[output.name], "no type for \(output.name)")
                #expect(inferred.shape == output.shape, "\(name) output \(output.name)")
                #expect(Self.numpyNames[inferred.elementType] == output.dtype, "\(name) output \(output.name)")
            }
        }
    }

    /// The quantized variants are named after how ORT quantized them; inspection must agree.
    @Test(
        "model inspect detects the quantization scheme ORT used",
        arguments: ConformanceModels.names.filter { $0.hasPrefix("net_") }
    )
    func quantizationSchemeDetected(name: String) throws {
        let q = ModelInspection(model: try Model.load(path: Self.directory! + "/" + name + ".onnx")).quantization
        switch true {
        case name.hasSuffix("_dynamic"):
            #expect(q.scheme == "dynamic" && q.activationType == "uint8")
        case name.contains("_qdq_"):
            #expect(q.scheme == "QDQ" && q.activationType == "int8" && q.weightType == "int8")
            #expect(q.granularity == (name.hasSuffix("per_channel") ? "per-channel" : "per-tensor"))
        case name.contains("_qoperator_"):
            #expect(q.scheme.contains("QOperator"))
            #expect(q.activationType == (name.hasSuffix("_u8") ? "uint8" : "int8"))
            #expect(q.granularity == (name.hasSuffix("_s8") ? "per-channel" : "per-tensor"))
        default:
            #expect(q.scheme == "fp32")
        }
    }

    /// Every real model, mutated: a second fuzz corpus with ORT-written protobuf (unpacked fields,
    /// external references, contrib domains).
    @Test("mutated conformance models never crash", arguments: ConformanceModels.names)
    func mutatedConformanceModels(name: String) throws {
        let bytes = try ByteStorage.map(path: Self.directory! + "/" + name + ".onnx").all.bytes
        let offsets = FuzzTests.lengthFieldOffsets(bytes)
        var rng = SplitMix64(seed: UInt64(bytes.count))
        for _ in 0..<100 {
            _ = FuzzTests.exercise(FuzzTests.mutate(bytes, lengthOffsets: offsets, rng: &rng))
        }
    }

    /// NumPy wrote the reference inputs and outputs: our reader must agree with the sidecar.
    @Test("NumPy-written inputs and outputs read back with the sidecar's shapes", arguments: ConformanceModels.names)
    func numpyFilesRead(name: String) throws {
        let sidecar = try Self.sidecar(name)
        for (kind, values) in [("in", sidecar.inputs), ("out", sidecar.outputs)] {
            for (i, value) in values.enumerated() {
                let tensor = try NPY.read(path: "\(Self.directory!)/\(name).\(kind)\(i).npy")
                #expect(tensor.shape == value.shape)
                #expect(Self.numpyNames[tensor.elementType] == value.dtype)
            }
        }
    }

    /// Rewrites every model twice (protobuf round trip; normalized IR) and has ONNX Runtime load
    /// and run both on the reference inputs (scripts/conformance/check_loads.py).
    @Test func rewrittenModelsLoadInOnnxRuntime() throws {
        let out = try TestModels.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let raw = out + "/roundtrip", normalized = out + "/normalized"
        for dir in [raw, normalized] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        for name in Self.models {
            let path = Self.directory! + "/" + name + ".onnx"
            try ModelProto.load(path: path).write(to: raw + "/" + name + ".onnx")
            // The protobuf round trip keeps external references: the data file goes along.
            let data = Self.directory! + "/" + name + ".data"
            if FileManager.default.fileExists(atPath: data) {
                try FileManager.default.copyItem(atPath: data, toPath: raw + "/" + name + ".data")
            }
            let sidecar = try Self.sidecar(name)
            let shapes = Dictionary(uniqueKeysWithValues: sidecar.inputs.map { ($0.name, $0.shape) })
            let canonical = try Model.load(path: path).normalized(inputShapes: shapes)
            // Models that came with external data are written back with our external-data writer.
            let policy =
                name.hasPrefix("external_data")
                ? Model.ExternalDataPolicy(location: name + ".weights", threshold: 64) : nil
            try canonical.save(to: normalized + "/" + name + ".onnx", externalData: policy)
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/onnx-env.sh")
        process.arguments = [
            "python", root.appendingPathComponent("scripts/conformance/check_loads.py").path, Self.directory!, raw,
            normalized,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let failures = output.split(separator: "\n").filter { !$0.hasSuffix(" ok") && !$0.hasPrefix("check_loads:") }
        #expect(process.terminationStatus == 0, "\(failures.joined(separator: "\n"))")
        print(output.split(separator: "\n").last ?? "")
    }
}
