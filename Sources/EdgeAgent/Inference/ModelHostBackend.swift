import EdgeInference
import EdgeOps
import EdgeVision
import Synchronization

/// Runs a model installed in the model store (`sm-plugin install`, `model_activate`) through
/// ``EdgeOps/ModelHost``: a new version swaps in between two frames, and a version that fails
/// its probation (errors, non-finite outputs, latency over budget) is rolled back by the host.
/// The preprocessor is rebuilt from the model's input specification whenever the host's
/// generation changes, so a model with another input size takes effect with its first frame.
public final class ModelHostBackend: InferenceBackend {
    public let host: ModelHost
    public var modelName: String { host.name }
    public var modelInfo: ModelInfo { host.current?.info ?? ModelInfo(name: host.name, version: "none", sha256: "") }
    let roi: PixelRect?
    /// The runner and preprocessor keep per-frame state: one frame at a time.
    private let worker: Mutex<Worker>

    private struct Worker: @unchecked Sendable {  // ModelRunner is confined to this mutex
        var runner: ModelRunner
        var preprocessor: Preprocessor?
        var spec: ModelInputSpec?
        var generation = -1
    }

    public init(host: ModelHost, roi: PixelRect? = nil, threads: Int = 1) {
        self.host = host
        self.roi = roi
        let runner = host.makeRunner()
        runner.threads = threads
        self.worker = Mutex(Worker(runner: runner))
    }

    public func infer(_ frame: CameraFrame) throws(InferenceBackendError) -> InferenceResult {
        let roi = self.roi
        let name = host.name
        let result: Result<InferenceResult, InferenceBackendError> = worker.withLock { worker in
            do {
                guard let loaded = host.current else {
                    return .failure(InferenceBackendError(code: .inference, model: name, message: "no active version"))
                }
                if worker.generation != loaded.generation || worker.preprocessor == nil {
                    guard let spec = loaded.inputSpec else {
                        return .failure(InferenceBackendError(
                            code: .invalidModel, model: name,
                            message: "version \(loaded.info.version) has no edgemlops.input.* metadata"))
                    }
                    worker.preprocessor = try CompiledModelBackend.preprocessor(for: spec, roi: roi)
                    worker.spec = spec
                    worker.generation = loaded.generation
                }
                guard let spec = worker.spec, case .float32(let values) = try worker.preprocessor!.run(frame) else {
                    return .failure(InferenceBackendError(code: .inference, model: name, message: "preprocessing gave no float tensor"))
                }
                let run = try worker.runner.run([spec.inputName: Tensor(floats: values, shape: spec.shape)])
                guard let first = run.outputNames.first, let scores = run.outputs[first]?.floats(), !scores.isEmpty else {
                    return .failure(InferenceBackendError(code: .inference, model: name, message: "the model produced no float output"))
                }
                let milliseconds = Double(run.latency.components.attoseconds) / 1e15 + Double(run.latency.components.seconds) * 1e3
                var result = CompiledModelBackend.classify(scores, labels: run.info.labels, latencyMilliseconds: milliseconds)
                result.modelVersion = run.info.version
                return .success(result)
            } catch let error as InferenceBackendError {
                return .failure(error)
            } catch {
                return .failure(InferenceBackendError(code: .inference, model: name, message: "\(error)"))
            }
        }
        return try result.get()
    }
}
