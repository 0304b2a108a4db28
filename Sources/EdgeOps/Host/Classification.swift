import EdgeInference

/// The top-1 reading of a classifier output: the class with the highest score along the last axis
/// of the first row. Scores are taken as they come (the models end in Softmax or Sigmoid).
public struct Classification: Sendable, Equatable {
    public var index: Int
    /// The label from the manifest, or `class <index>` when the manifest has fewer labels.
    public var label: String
    public var confidence: Double

    public init(index: Int, label: String, confidence: Double) {
        self.index = index
        self.label = label
        self.confidence = confidence
    }

    /// Nil for an empty output.
    public init?(scores: Tensor, labels: [String]) {
        let values = scores.doubles()
        let classes = scores.shape.last ?? values.count
        guard classes > 0, values.count >= classes else { return nil }
        var best = 0
        for i in 1..<classes where values[i] > values[best] { best = i }
        index = best
        label = best < labels.count ? labels[best] : "class \(best)"
        confidence = values[best]
    }
}
