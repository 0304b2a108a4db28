/// `[samples]`: frames kept for retraining (low confidence, defects), bounded on disk.
public struct SampleSettings: Sendable, Hashable {
    public var enabled: Bool
    /// `directory`: default `<state>/samples`.
    public var directory: String
    /// `max_mb`: the spool's size bound; oldest samples go first.
    public var maximumMegabytes: Int
    /// `low_confidence`: keep a frame whose top score is below this.
    public var lowConfidence: Double

    public init(enabled: Bool = true, directory: String, maximumMegabytes: Int = 256, lowConfidence: Double = 0.6) {
        self.enabled = enabled
        self.directory = directory
        self.maximumMegabytes = maximumMegabytes
        self.lowConfidence = lowConfidence
    }
}
