/// Something that produces frames on its own thread into a `FrameRing`: a V4L2 camera, an image
/// directory, or the synthetic inspection line. Triggers and preprocessing only see this protocol.
public protocol FrameSource: AnyObject, Sendable {
    /// A human-readable name for logs ("/dev/video0", "dir:/data/parts", "synthetic").
    var name: String { get }
    /// Recent frames with monotonic timestamps.
    var ring: FrameRing { get }
    /// Starts producing; returns immediately. Calling twice is harmless.
    func start()
    /// Stops and joins the producer thread.
    func stop()
    /// Counters since start.
    var stats: CaptureStats { get }
}

/// Counters a source keeps; published as health.
public struct CaptureStats: Sendable, Hashable, Codable {
    public var frames: UInt64 = 0
    /// Frames the driver dropped (sequence-number gaps).
    public var dropped: UInt64 = 0
    /// Older frames discarded while draining to the newest.
    public var skipped: UInt64 = 0
    /// Error-flagged or truncated frames.
    public var corrupt: UInt64 = 0
    public var timeouts: UInt64 = 0
    /// Stream restarts and device reopens.
    public var restarts: UInt64 = 0
    /// Outages (periods without frames that raised an alarm).
    public var outages: UInt64 = 0

    public init() {}
}

/// Outage notifications: the agent turns them into an alarm and its clearing.
public enum CaptureEvent: Sendable, Hashable {
    /// Capture stopped working; `reason` is the error text. Sent once per outage.
    case outageStarted(source: String, reason: String)
    /// Frames flow again after `durationNs`.
    case outageCleared(source: String, durationNs: UInt64)
}
