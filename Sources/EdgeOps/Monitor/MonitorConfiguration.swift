/// How ``ModelMonitor`` measures and when it calls drift.
public struct MonitorConfiguration: Sendable {
    /// Seconds between measurements (the agent calls ``ModelMonitor/tick(now:)`` at this pace).
    public var interval: Duration
    /// Frames after activation that form the baseline when the bundle brings none.
    public var baselineFrames: Int
    /// The most recent frames compared against the baseline.
    public var window: Int
    public var bins: Int
    /// Drift is raised when the largest PSI exceeds `raiseAbove` and cleared only when it falls
    /// below `clearBelow`: the gap keeps a borderline line from flapping the alarm.
    public var raiseAbove: Double
    public var clearBelow: Double

    public init(
        interval: Duration = .seconds(60),
        baselineFrames: Int = 500,
        window: Int = 500,
        bins: Int = 10,
        raiseAbove: Double = 0.25,
        clearBelow: Double = 0.1
    ) {
        self.interval = interval
        self.baselineFrames = max(baselineFrames, 10)
        self.window = max(window, 10)
        self.bins = max(bins, 2)
        self.raiseAbove = raiseAbove
        self.clearBelow = min(clearBelow, raiseAbove)
    }
}
