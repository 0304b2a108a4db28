import Synchronization

/// A clock that moves only when told to, for engine tests.
public final class ManualFlowClock: FlowClock {
    private let state = Mutex<
        (now: Double, waiters: [(deadline: Double, continuation: CheckedContinuation<Void, Never>)])
    >(
        (0, [])
    )

    public init(now: Double = 0) {
        state.withLock { $0.now = now }
    }

    public func now() -> Double { state.withLock { $0.now } }

    public func sleep(until deadline: Double) async throws {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if deadline <= state.now { return true }
                state.waiters.append((deadline, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
        try Task.checkCancellation()
    }

    /// Moves time forward and wakes every sleeper whose deadline passed.
    public func advance(to time: Double) {
        let due = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.now = max(state.now, time)
            let due = state.waiters.filter { $0.deadline <= state.now }.map(\.continuation)
            state.waiters.removeAll { $0.deadline <= state.now }
            return due
        }
        for continuation in due { continuation.resume() }
    }
}
