#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the engine gets flow time (seconds) and how it waits for timers.
///
/// Flow instances never read a clock themselves; tests use ``ManualFlowClock`` or drive
/// ``FlowInstance`` directly with virtual time.
public protocol FlowClock: Sendable {
    /// Seconds since an epoch that stays fixed for the process.
    func now() -> Double
    /// Returns when ``now()`` reaches `deadline`, or throws on cancellation.
    func sleep(until deadline: Double) async throws
}

/// Unix time (CLOCK_REALTIME), so outputs carry timestamps a dashboard can use.
public struct SystemFlowClock: FlowClock {
    public init() {}

    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public func sleep(until deadline: Double) async throws {
        let delay = deadline - now()
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
    }
}
