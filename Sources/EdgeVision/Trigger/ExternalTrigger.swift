/// Triggers requested by the agent (MQTT commands, flows): call `request`, consume `events`.
public final class ExternalTrigger: TriggerSource {
    public let events: AsyncStream<TriggerEvent>
    private let continuation: AsyncStream<TriggerEvent>.Continuation

    public init(bufferLimit: Int = 64) {
        // Oldest requests are dropped past the limit: a flood of commands must not grow memory.
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
    }

    /// Requests a capture. `timestampNs` defaults to now; a PLC timestamp already on the monotonic clock may be passed.
    public func request(id: String, timestampNs: UInt64? = nil) {
        continuation.yield(TriggerEvent(timestampNs: timestampNs ?? MonotonicClock.nowNs(), origin: .external(id: id)))
    }

    public func stop() { continuation.finish() }
}
