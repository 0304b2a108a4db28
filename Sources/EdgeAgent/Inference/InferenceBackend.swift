import EdgeOps
import EdgeVision

/// The seam between a pipeline and whatever runs its model.
///
/// Implemented now by ``CompiledModelBackend`` (one model loaded once); the lifecycle work's
/// `ModelHost` (hot swap, probation, rollback) plugs in here by conforming to it. A backend is
/// used by one pipeline task at a time, so it may keep per-frame scratch state.
public protocol InferenceBackend: AnyObject, Sendable {
    /// The model's name for verdicts and logs.
    var modelName: String { get }
    /// Preprocesses `frame` (the pipeline's ROI is fixed at construction) and runs the model.
    func infer(_ frame: CameraFrame) throws(InferenceBackendError) -> InferenceResult
    /// Name, version and sha256 of the model serving now, for the twin and the monitor.
    var modelInfo: ModelInfo { get }
}

extension InferenceBackend {
    public var modelInfo: ModelInfo { ModelInfo(name: modelName, version: "unversioned", sha256: "") }
}
