import EdgeInference
import EdgeOps
import Foundation
import EdgeQuantization
import EdgeVision
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs one ONNX model, loaded once, on camera frames: preprocessing from the model's
/// `edgemlops.input.*` metadata, then the session; the output is read as class scores.
public final class CompiledModelBackend: InferenceBackend {
    public let modelName: String
    public let path: String
    public let labels: [String]
    /// Version: the file's base name (a file has no store version); sha256 of its bytes.
    public let modelInfo: ModelInfo
    /// The session and preprocessor keep scratch buffers: one frame at a time.
    private let worker: Mutex<Worker>

    private struct Worker {
        var session: InferenceSession
        var preprocessor: Preprocessor
        var inputName: String
        var shape: [Int]
    }

    public init(path: String, name: String? = nil, roi: PixelRect? = nil, threads: Int = 1) throws(InferenceBackendError) {
        do {
            let model = try Model.load(path: path)
            let spec = try ModelInputSpec(model: model)
            let compiled = try CompiledModel(model: model, inputShapes: [spec.inputName: spec.shape])
            let session = compiled.makeSession()
            session.threads = threads
            let preprocessor = try Self.preprocessor(for: spec, roi: roi)
            self.labels = spec.labels
            self.worker = Mutex(Worker(session: session, preprocessor: preprocessor, inputName: spec.inputName, shape: spec.shape))
        } catch let error as InferenceBackendError {
            throw error
        } catch {
            throw InferenceBackendError(code: .invalidModel, model: path, message: "\(error)")
        }
        self.path = path
        self.modelName = name ?? Self.baseName(path)
        let digest = (try? Data(contentsOf: URL(fileURLWithPath: path))).map { SHA256.hex([UInt8]($0)) } ?? ""
        self.modelInfo = ModelInfo(name: modelName, version: Self.baseName(path), sha256: digest, labels: labels)
    }

    public func infer(_ frame: CameraFrame) throws(InferenceBackendError) -> InferenceResult {
        let start = Self.monotonicNanoseconds()
        let outputs: [Float]
        do {
            outputs = try worker.withLock { worker throws -> [Float] in
                guard case .float32(let values) = try worker.preprocessor.run(frame) else { return [] }
                let result = try worker.session.run([worker.inputName: Tensor(floats: values, shape: worker.shape)])
                return result.values.first?.floats() ?? []
            }
        } catch {
            throw InferenceBackendError(code: .inference, model: path, message: "\(error)")
        }
        guard !outputs.isEmpty else {
            throw InferenceBackendError(code: .inference, model: path, message: "the model produced no float output")
        }
        let elapsed = Double(Self.monotonicNanoseconds() - start) / 1e6
        return Self.classify(outputs, labels: labels, latencyMilliseconds: elapsed)
    }

    /// Class scores from raw outputs: taken as probabilities when they already are (0…1,
    /// summing to 1), otherwise as logits through a softmax.
    public static func classify(_ outputs: [Float], labels: [String], latencyMilliseconds: Double) -> InferenceResult {
        let values = outputs.map(Double.init)
        let sum = values.reduce(0, +)
        let isProbability = values.allSatisfy { $0 >= 0 && $0 <= 1 } && abs(sum - 1) < 1e-3
        let probabilities: [Double]
        if isProbability {
            probabilities = values
        } else {
            let top = values.max() ?? 0
            let exps = values.map { ($0 - top).isFinite ? exp($0 - top) : 0 }
            let total = exps.reduce(0, +)
            probabilities = exps.map { total > 0 ? $0 / total : 0 }
        }
        var scores: [String: Double] = [:]
        var best = 0
        for (index, probability) in probabilities.enumerated() {
            scores[index < labels.count ? labels[index] : "class_\(index)"] = probability
            if probability > probabilities[best] { best = index }
        }
        let label = best < labels.count ? labels[best] : "class_\(best)"
        return InferenceResult(label: label, score: probabilities[best], scores: scores, latencyMilliseconds: latencyMilliseconds)
    }

    /// The camera-frame preprocessing a model's `edgemlops.input.*` metadata asks for (shared with
    /// calibration and `infer --image`).
    static func preprocessor(for spec: ModelInputSpec, roi: PixelRect?) throws -> Preprocessor {
        try ImageTensorLoader.preprocessor(for: spec, roi: roi)
    }

    static func baseName(_ path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".onnx") ? String(file.dropLast(5)) : file
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
