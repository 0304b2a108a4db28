import Synchronization

/// A one-element mailbox between capture and inference: capture `offer`s every frame and never
/// waits; inference `next()`s the newest one. A frame still unclaimed when a newer one arrives is
/// dropped and counted — on an inspection line a stale frame is worth less than a current one,
/// and a queue would only add latency.
public final class NewestFrameSlot<Element: Sendable>: Sendable {
    /// Counters for the monitoring measurements.
    public struct Statistics: Sendable, Hashable {
        /// Frames offered by capture.
        public var offered = 0
        /// Frames replaced before inference took them.
        public var dropped = 0
        /// Frames handed to inference.
        public var delivered = 0
        /// Frames waiting now: 0 or 1.
        public var depth = 0

        public init() {}
    }

    private struct State {
        var element: Element?
        var waiter: CheckedContinuation<Element?, Never>?
        var waiterID = 0
        var finished = false
        var statistics = Statistics()
    }

    private let state = Mutex(State())

    public init() {}

    /// Puts a frame in the slot, replacing (and counting as dropped) one not yet taken. Never blocks.
    /// Ignored after `finish()`.
    public func offer(_ element: Element) {
        let waiter: CheckedContinuation<Element?, Never>? = state.withLock { state in
            guard !state.finished else { return nil }
            state.statistics.offered += 1
            if let waiter = state.waiter {
                state.waiter = nil
                state.statistics.delivered += 1
                return waiter
            }
            if state.element != nil { state.statistics.dropped += 1 }
            state.element = element
            state.statistics.depth = 1
            return nil
        }
        waiter?.resume(returning: element)
    }

    /// The newest frame, waiting for one if the slot is empty; nil once finished and empty,
    /// or when the task is cancelled. One consumer at a time.
    public func next() async -> Element? {
        if let ready = state.withLock({ state -> Element?? in
            if let element = state.element {
                state.element = nil
                state.statistics.depth = 0
                state.statistics.delivered += 1
                return .some(element)
            }
            return state.finished || Task.isCancelled ? .some(nil) : nil
        }) {
            return ready
        }
        let id = state.withLock { state in
            state.waiterID += 1
            return state.waiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let resumeNow: Element?? = state.withLock { state in
                    // Something may have arrived, or finish/cancel happened, since the first check.
                    if let element = state.element {
                        state.element = nil
                        state.statistics.depth = 0
                        state.statistics.delivered += 1
                        return .some(element)
                    }
                    if state.finished || Task.isCancelled || state.waiterID != id { return .some(nil) }
                    precondition(state.waiter == nil, "NewestFrameSlot has one consumer")
                    state.waiter = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                // Invalidates a registration that has not happened yet.
                state.waiterID += 1
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// No more frames: a waiting `next()` returns nil; a frame still in the slot is delivered first.
    public func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }
}
