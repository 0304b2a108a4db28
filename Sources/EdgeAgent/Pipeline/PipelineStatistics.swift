/// One pipeline's counters, read by monitoring and the demo's terminal view.
public struct PipelineStatistics: Sendable, Hashable {
    public var name: String
    /// Frames the camera produced.
    public var captured: UInt64 = 0
    /// Frames inferred.
    public var inferred: UInt64 = 0
    /// Trigger events received (`mqtt`, `gpio` pipelines).
    public var triggers: UInt64 = 0
    /// Trigger events whose frame did not arrive within `trigger_timeout_ms`.
    public var missedTriggers: UInt64 = 0
    /// MQTT trigger messages rejected for their payload (never inspected).
    public var rejectedTriggers: UInt64 = 0
    /// Frames the model failed on.
    public var failures: UInt64 = 0
    /// Frames dropped from the frame mailbox before inference took them (back-pressure: replaced by a newer frame, or the oldest of a full trigger queue).
    public var dropped: Int = 0
    /// Drops already passed on to the model monitor.
    var droppedReported = 0
    /// Frames waiting for inference now (0 or 1).
    public var queueDepth: Int = 0
    /// Inferences per label.
    public var verdicts: [String: UInt64] = [:]
    /// Frame timestamp → verdict handed to the flows, milliseconds.
    public var latency = LatencyWindow()
    /// Model time alone, milliseconds.
    public var modelLatency = LatencyWindow()

    public init(name: String) {
        self.name = name
    }
}
