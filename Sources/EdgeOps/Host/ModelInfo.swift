import EdgeInference

/// What the pipeline and the cloud need to know about the model that serves.
public struct ModelInfo: Sendable, Equatable {
    public var name: String
    public var version: String
    /// sha256 of the model file, from the manifest the gate checked.
    public var sha256: String
    public var input: ModelManifest.Input?
    public var labels: [String]
    public var thresholds: [String: Double]

    public init(
        name: String,
        version: String,
        sha256: String,
        input: ModelManifest.Input? = nil,
        labels: [String] = [],
        thresholds: [String: Double] = [:]
    ) {
        self.name = name
        self.version = version
        self.sha256 = sha256
        self.input = input
        self.labels = labels
        self.thresholds = thresholds
    }
}
