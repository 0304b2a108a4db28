/// `[monitoring]`: the agent's own measurements (frames/s, latency, drops) and model drift.
public struct MonitoringSettings: Sendable, Hashable {
    public var enabled: Bool
    /// `interval_s`: how often measurements are published.
    public var intervalSeconds: Int
    /// `drift_window`: inferences per drift statistic window.
    public var driftWindow: Int

    public init(enabled: Bool = true, intervalSeconds: Int = 10, driftWindow: Int = 500) {
        self.enabled = enabled
        self.intervalSeconds = intervalSeconds
        self.driftWindow = driftWindow
    }
}
