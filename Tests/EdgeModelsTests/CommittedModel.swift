import EdgeInference
import EdgeQuantization
import EdgeVision
import Foundation
import Testing

/// One committed model under `models/<name>/`, loaded in our runtime with the input spec and
/// figures its `metadata_props` carry (the model card states the same figures).
struct CommittedModel: Sendable {
    let path: String
    let compiled: CompiledModel
    let spec: ModelInputSpec
    let metadata: [String: String]

    var fileName: String { URL(fileURLWithPath: path).lastPathComponent }

    init(path: String) throws {
        self.path = path
        let model = try Model.load(path: path)
        metadata = Dictionary(model.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        spec = try ModelInputSpec(model: model)
        compiled = try CompiledModel(model: model, inputShapes: [spec.inputName: spec.shape])
    }

    /// The repository's `models/` directory, found from this source file.
    static let modelsDirectory: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models").path
    }()

    /// Every `.onnx` file in `models/<name>/` whose file name starts with `<name>-`
    /// (fp32 now; the int8 variants join when `models/quantize-variants.sh` has made them).
    static func files(named name: String) -> [String] {
        let directory = modelsDirectory + "/" + name
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { $0.hasPrefix(name + "-") && $0.hasSuffix(".onnx") }.sorted().map { directory + "/" + $0 }
    }

    /// A number from the metadata, or a clear failure naming the key and file.
    func number(_ key: String) throws -> Double {
        guard let text = metadata[key], let value = Double(text) else {
            throw ModelTestFailure(file: path, key: key, value: metadata[key])
        }
        return value
    }

    /// Preprocesses `image` exactly like `edgemlops infer --image` and runs the model.
    func run(_ image: Image, session: InferenceSession) throws -> [String: Tensor] {
        let preprocessor = try ImageTensorLoader.preprocessor(for: spec)
        guard case .float32(let values) = try preprocessor.run(image) else {
            throw ModelTestFailure(file: path, key: "preprocessing", value: "not float32")
        }
        return try session.run([spec.inputName: Tensor(floats: values, shape: spec.shape)])
    }
}

/// A committed model whose metadata cannot drive the test.
struct ModelTestFailure: Error, CustomStringConvertible {
    var file: String
    var key: String
    var value: String?
    var description: String { "\(file): metadata \(key) is \(value.map { "'\($0)'" } ?? "missing") " }
}

/// The committed-model suites, one at a time: each runs hundreds of synchronous inferences
/// (seconds of CPU) on a cooperative-pool thread, and in parallel they held both of a 2-core
/// machine's pool threads long enough to starve the agent's timing-based tests.
@Suite(.serialized) struct CommittedModelSuites {}
