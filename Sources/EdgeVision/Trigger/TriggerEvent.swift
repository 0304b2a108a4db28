/// One request for an inspection: "take the frame at (or just after) this time".
public struct TriggerEvent: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        case continuous
        case interval
        /// An API call (MQTT command, flow), with the caller's id for de-duplication and replies.
        case external(id: String)
        /// A GPIO edge; `lineSequence` gaps mean the kernel FIFO dropped edges.
        case gpio(line: UInt32, lineSequence: UInt32, rising: Bool)
    }

    /// CLOCK_MONOTONIC nanoseconds: the same clock as frame timestamps.
    public var timestampNs: UInt64
    public var origin: Origin

    public init(timestampNs: UInt64, origin: Origin) {
        self.timestampNs = timestampNs
        self.origin = origin
    }
}

/// Produces trigger events as an async stream. Sources run their own thread or timer.
public protocol TriggerSource: AnyObject, Sendable {
    var events: AsyncStream<TriggerEvent> { get }
    func stop()
}
