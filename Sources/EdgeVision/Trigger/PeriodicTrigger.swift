/// Continuous (every 1/fps) or interval (every N seconds) triggering, on a Swift task timer.
public final class PeriodicTrigger: TriggerSource {
    public let events: AsyncStream<TriggerEvent>
    private let task: Task<Void, Never>

    /// - Parameters:
    ///   - period: seconds between events (> 0).
    ///   - origin: `.continuous` for an fps-driven pipeline, `.interval` for slow sampling.
    public init(period: Double, origin: TriggerEvent.Origin = .interval) {
        let (stream, continuation) = AsyncStream.makeStream(of: TriggerEvent.self, bufferingPolicy: .bufferingNewest(1))
        events = stream
        let nanos = UInt64(max(period, 0.001) * 1e9)
        task = Task {
            let clock = ContinuousClock()
            var next = clock.now
            while !Task.isCancelled {
                continuation.yield(TriggerEvent(timestampNs: MonotonicClock.nowNs(), origin: origin))
                next = next.advanced(by: .nanoseconds(Int64(nanos)))
                try? await clock.sleep(until: next)
            }
            continuation.finish()
        }
    }

    public static func continuous(fps: Double) -> PeriodicTrigger {
        PeriodicTrigger(period: 1 / max(fps, 0.001), origin: .continuous)
    }

    public func stop() { task.cancel() }
}
