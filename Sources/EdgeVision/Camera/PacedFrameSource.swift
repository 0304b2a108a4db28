import Foundation
import Logging

/// A frame source that calls `produce` at a fixed rate on its own thread and pushes the result
/// into its ring, stamped with the monotonic clock. Image directories use it; the synthetic
/// inspection line can too. A throwing `produce` is logged and counted, never fatal.
public final class PacedFrameSource: FrameSource, @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`; `produce` runs only on the source thread.
    public let name: String
    public let ring: FrameRing
    private let period: Double
    private let produce: @Sendable (_ index: UInt64) throws -> CameraFrame
    private let logger: Logger
    private let lock = NSCondition()
    private var running = false, stopRequested = false, finished = true
    private var counters = CaptureStats()

    public init(
        name: String, fps: Double, ringCapacity: Int = 8, logger: Logger,
        produce: @escaping @Sendable (_ index: UInt64) throws -> CameraFrame
    ) {
        self.name = name
        self.period = fps > 0 ? 1 / fps : 1
        self.ring = FrameRing(capacity: ringCapacity)
        self.logger = logger
        self.produce = produce
    }

    public var stats: CaptureStats {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }

    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !running else { return }
        running = true
        stopRequested = false
        finished = false
        let thread = Thread { [self] in run() }
        thread.name = "source \(name)"
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopRequested = true
        lock.broadcast()
        while !finished { lock.wait() }
        running = false
        lock.unlock()
    }

    private func run() {
        var index: UInt64 = 0
        // Absolute deadlines, so the rate does not drift by the production time.
        var next = Date()
        while true {
            lock.lock()
            while !stopRequested && lock.wait(until: next) {}
            let stop = stopRequested
            lock.unlock()
            if stop { break }
            do {
                var frame = try produce(index)
                frame.timestampNs = MonotonicClock.nowNs()
                frame.sequence = UInt32(truncatingIfNeeded: index)
                ring.push(frame)
                lock.lock()
                counters.frames += 1
                lock.unlock()
            } catch {
                logger.warning("frame source failed", metadata: ["source": "\(name)", "error": "\(error)"])
                lock.lock()
                counters.corrupt += 1
                lock.unlock()
            }
            index += 1
            next = max(next.addingTimeInterval(period), Date().addingTimeInterval(-period))
        }
        lock.lock()
        finished = true
        lock.broadcast()
        lock.unlock()
    }
}
