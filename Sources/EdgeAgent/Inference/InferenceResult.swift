/// What a model says about one frame: the verdict the flows see.
public struct InferenceResult: Sendable, Hashable {
    /// The winning label (`ok`, `scratch`, ...); `class_<n>` when the model names none.
    public var label: String
    /// Its probability.
    public var score: Double
    /// Probability per label.
    public var scores: [String: Double]
    /// Model time in milliseconds, preprocessing included.
    public var latencyMilliseconds: Double
    /// The version that answered (store models: the host's active version at this frame).
    public var modelVersion: String?

    public init(
        label: String, score: Double, scores: [String: Double], latencyMilliseconds: Double, modelVersion: String? = nil
    ) {
        self.modelVersion = modelVersion
        self.label = label
        self.score = score
        self.scores = scores
        self.latencyMilliseconds = latencyMilliseconds
    }
}
