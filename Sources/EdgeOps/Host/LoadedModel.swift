import EdgeInference

/// One loaded version: the compiled model shared by every pipeline thread, and its description.
/// `generation` increases with every swap so runners notice they must rebuild their session.
public struct LoadedModel: Sendable {
    public let info: ModelInfo
    public let model: CompiledModel
    public let generation: Int
    /// Preprocessing the model asks for in its `edgemlops.input.*` metadata (nil when it has
    /// none): a pipeline rebuilds its preprocessor from it when the generation changes.
    public let inputSpec: ModelInputSpec?
}
