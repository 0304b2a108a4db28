import Foundation

/// A fixed-capacity ring of recent frames, written by a capture thread and read by anyone.
///
/// Frames are kept with their monotonic timestamps so a trigger can pick "the first frame at or
/// after t + delay" even when it is serviced late (the pre/post-trigger ring of §8.3 in the reference).
public final class FrameRing: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private var frames: [CameraFrame?]
    private var next = 0
    private var total: UInt64 = 0
    public let capacity: Int

    public init(capacity: Int = 8) {
        self.capacity = max(1, capacity)
        frames = Array(repeating: nil, count: self.capacity)
    }

    /// Adds a frame (overwriting the oldest) and wakes waiters.
    public func push(_ frame: CameraFrame) {
        condition.lock()
        frames[next] = frame
        next = (next + 1) % capacity
        total += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Frames pushed so far (not capped by capacity).
    public var count: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return total
    }

    public var newest: CameraFrame? {
        condition.lock()
        defer { condition.unlock() }
        return frames[(next + capacity - 1) % capacity]
    }

    /// Frames oldest first.
    public func snapshot() -> [CameraFrame] {
        condition.lock()
        defer { condition.unlock() }
        return orderedLocked()
    }

    private func orderedLocked() -> [CameraFrame] {
        (0..<capacity).compactMap { frames[(next + $0) % capacity] }
    }

    /// The first frame with timestamp ≥ `timestampNs`, waiting up to `timeoutNs` for it to arrive.
    /// Returns nil on timeout, or when the ring already moved past the time (the frame was overwritten).
    public func firstFrame(atOrAfter timestampNs: UInt64, timeoutNs: UInt64) -> CameraFrame? {
        let deadline = Date().addingTimeInterval(Double(timeoutNs) / 1e9)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let hit = orderedLocked().first(where: { $0.timestampNs >= timestampNs }) { return hit }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    /// Waits until a frame newer than `count` frames has been pushed; returns the newest frame.
    public func waitForFrame(after seen: UInt64, timeoutNs: UInt64) -> (frame: CameraFrame, count: UInt64)? {
        let deadline = Date().addingTimeInterval(Double(timeoutNs) / 1e9)
        condition.lock()
        defer { condition.unlock() }
        while total <= seen {
            if !condition.wait(until: deadline) { return nil }
        }
        guard let frame = frames[(next + capacity - 1) % capacity] else { return nil }
        return (frame, total)
    }
}
