/// `[samples]`: frames kept for retraining (low confidence, and the flows' `sample` node),
/// bounded on disk, uploaded to Cumulocity through thin-edge's c8y proxy.
public struct SampleSettings: Sendable, Hashable {
    public var enabled: Bool
    /// `directory`: default `<state>/samples`.
    public var directory: String
    /// `max_mb`: the spool's size bound; oldest samples go first.
    public var maximumMegabytes: Int
    /// `low_confidence`: keep a frame whose top score is below this.
    public var lowConfidence: Double
    /// `interval_s`: at most one low-confidence sample per pipeline in this many seconds (a line
    /// that drifts would otherwise write every frame to the SD card). Flow samples are not limited.
    public var intervalSeconds: Int
    /// `external_id`: the device's Cumulocity external id (`c8y_Serial`, thin-edge's `device.id`);
    /// nil keeps samples in the spool without uploading them.
    public var externalID: String?
    /// `proxy_host`, `proxy_port`: thin-edge's Cumulocity proxy.
    public var proxyHost: String
    public var proxyPort: Int

    public init(
        enabled: Bool = true, directory: String, maximumMegabytes: Int = 256, lowConfidence: Double = 0.6,
        intervalSeconds: Int = 10, externalID: String? = nil, proxyHost: String = "127.0.0.1", proxyPort: Int = 8001
    ) {
        self.enabled = enabled
        self.directory = directory
        self.maximumMegabytes = maximumMegabytes
        self.lowConfidence = lowConfidence
        self.intervalSeconds = intervalSeconds
        self.externalID = externalID
        self.proxyHost = proxyHost
        self.proxyPort = proxyPort
    }
}
