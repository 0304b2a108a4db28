import Synchronization

/// The mailbox between capture and inference: producers `offer` and never wait; inference takes
/// frames with `next()`, oldest first. When `capacity` frames are waiting, an offer drops the
/// oldest one and counts it.
///
/// Capacity 1 (free-running and periodic pipelines) makes it a newest-frame slot: on an
/// inspection line a stale frame is worth less than a current one, and a queue would only add
/// latency. Event-triggered pipelines use a larger capacity: each trigger is a part, so two
/// triggers that arrive during one inference must both be inspected, in order.
public final class FrameMailbox<Element: Sendable>: Sendable {
    /// Counters for the monitoring measurements.
    public struct Statistics: Sendable, Hashable {
        /// Frames offered by capture.
        public var offered = 0
        /// Frames dropped before inference took them (the oldest, when the mailbox was full).
        public var dropped = 0
        /// Frames handed to inference.
        public var delivered = 0
        /// Frames waiting now: 0…capacity.
        public var depth = 0

        public init() {}
    }

    private struct State {
        /// Waiting frames, oldest first; `head` indexes the oldest (amortised O(1) removal).
        var elements: [Element] = []
        var head = 0
        var waiter: CheckedContinuation<Element?, Never>?
        var waiterID = 0
        var finished = false
        var statistics = Statistics()

        var count: Int { elements.count - head }

        /// Removes the oldest waiting frame.
        mutating func removeOldest() -> Element? {
            guard head < elements.count else { return nil }
            let element = elements[head]
            head += 1
            if head == elements.count {
                elements.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 32 && head * 2 >= elements.count {
                elements.removeFirst(head)
                head = 0
            }
            statistics.depth = count
            return element
        }

        /// Hands the oldest waiting frame to inference.
        mutating func take() -> Element? {
            guard let element = removeOldest() else { return nil }
            statistics.delivered += 1
            return element
        }
    }

    /// How many frames may wait; at least 1.
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 1) {
        self.capacity = max(capacity, 1)
    }

    /// Queues a frame, dropping (and counting) the oldest waiting one when full. Never blocks.
    /// Ignored after `finish()`. Returns true when a waiting frame was dropped for it.
    @discardableResult
    public func offer(_ element: Element) -> Bool {
        let (waiter, dropped): (CheckedContinuation<Element?, Never>?, Bool) = state.withLock { state in
            guard !state.finished else { return (nil, false) }
            state.statistics.offered += 1
            if let waiter = state.waiter {
                state.waiter = nil
                state.statistics.delivered += 1
                return (waiter, false)
            }
            let full = state.count >= capacity
            if full {
                _ = state.removeOldest()
                state.statistics.dropped += 1
            }
            state.elements.append(element)
            state.statistics.depth = state.count
            return (nil, full)
        }
        waiter?.resume(returning: element)
        return dropped
    }

    /// The oldest waiting frame, waiting for one if there is none; nil once finished and
    /// empty, or when the task is cancelled. One consumer at a time.
    public func next() async -> Element? {
        if let ready = state.withLock({ state -> Element?? in
            if let element = state.take() { return .some(element) }
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
                    if let element = state.take() { return .some(element) }
                    if state.finished || Task.isCancelled || state.waiterID != id { return .some(nil) }
                    precondition(state.waiter == nil, "FrameMailbox has one consumer")
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

    /// No more frames: a waiting `next()` returns nil; frames still waiting are delivered first.
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
