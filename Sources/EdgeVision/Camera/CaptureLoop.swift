import Foundation
import Logging

/// Runs a `CaptureOpener` on its own thread forever: frames go into the ring; failures
/// (unplug, timeouts, stream errors) close the stream and reopen with exponential backoff.
/// It never exits on its own: an outage is reported through `onEvent` and cleared when frames return.
public final class CaptureLoop: FrameSource, @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`; the opener and stream live on the capture thread.
    public let ring: FrameRing
    public var name: String { opener.name }
    private let opener: any CaptureOpener
    private let timeoutMs: Int32
    private let backoff: ClosedRange<Double>
    private let onEvent: @Sendable (CaptureEvent) -> Void
    private let logger: Logger
    private let lock = NSCondition()
    private var running = false
    private var stopRequested = false
    private var thread: Thread?
    private var finished = true
    private var counters = CaptureStats()

    /// - Parameters:
    ///   - backoff: first and longest wait between reopen attempts, in seconds.
    public init(
        opener: any CaptureOpener, timeoutMs: Int32, ringCapacity: Int = 8, backoff: ClosedRange<Double> = 0.2...5,
        logger: Logger, onEvent: @escaping @Sendable (CaptureEvent) -> Void = { _ in }
    ) {
        self.opener = opener
        self.timeoutMs = timeoutMs
        self.backoff = backoff
        self.logger = logger
        self.onEvent = onEvent
        self.ring = FrameRing(capacity: ringCapacity)
    }

    public convenience init(
        config: V4L2CaptureConfig, ringCapacity: Int = 8, logger: Logger,
        onEvent: @escaping @Sendable (CaptureEvent) -> Void = { _ in }
    ) {
        self.init(
            opener: V4L2Opener(config), timeoutMs: config.effectiveTimeoutMs, ringCapacity: ringCapacity,
            logger: logger, onEvent: onEvent)
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
        thread.name = "capture \(opener.name)"
        self.thread = thread
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopRequested = true
        lock.broadcast()
        while !finished { lock.wait() }
        running = false
        thread = nil
        lock.unlock()
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func update(_ body: (inout CaptureStats) -> Void) {
        lock.lock()
        body(&counters)
        lock.unlock()
    }

    /// Sleeps `seconds` unless stop is requested first.
    private func pause(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        lock.lock()
        while !stopRequested && lock.wait(until: deadline) {}
        lock.unlock()
    }

    private func run() {
        var stream: (any CaptureStream)?
        var delay = backoff.lowerBound
        var outageSince: UInt64?
        var lastSequence: UInt32?
        var lastError = ""

        func fail(_ error: V4L2Error, _ what: String) {
            stream?.close()
            stream = nil
            if error.description != lastError {
                // Log a repeating error once, not every retry.
                logger.warning("camera \(what) failed, retrying", metadata: ["error": "\(error)"])
                lastError = error.description
            }
            if outageSince == nil {
                outageSince = MonotonicClock.nowNs()
                update { $0.outages += 1 }
                onEvent(.outageStarted(source: opener.name, reason: error.description))
            }
            pause(delay)
            delay = min(delay * 2, backoff.upperBound)
        }

        while !shouldStop {
            if stream == nil {
                do {
                    stream = try opener.open()
                    lastSequence = nil
                    logger.info("camera streaming", metadata: ["device": "\(opener.name)"])
                } catch {
                    fail(error, "open")
                    continue
                }
            }
            guard let current = stream else { continue }
            do {
                switch try current.next(timeoutMs: timeoutMs) {
                case .frame(let frame, let skipped, let corrupt):
                    var gap: UInt64 = 0
                    if let last = lastSequence {
                        let advance = UInt64(frame.sequence &- last)
                        // Frames between the two delivered ones that we did not drain ourselves were lost.
                        if advance > UInt64(skipped) + 1 { gap = advance - UInt64(skipped) - 1 }
                    }
                    lastSequence = frame.sequence
                    update {
                        $0.frames += 1
                        $0.skipped += UInt64(skipped)
                        $0.corrupt += UInt64(corrupt)
                        $0.dropped += gap
                    }
                    ring.push(frame)
                    delay = backoff.lowerBound
                    lastError = ""
                    if let since = outageSince {
                        outageSince = nil
                        let duration = MonotonicClock.nowNs() - since
                        logger.info("camera recovered", metadata: ["device": "\(opener.name)", "outage_ms": "\(duration / 1_000_000)"])
                        onEvent(.outageCleared(source: opener.name, durationNs: duration))
                    }
                case .corrupt(let n):
                    update { $0.corrupt += UInt64(n) }
                }
            } catch {
                update {
                    if error.code == .timeout { $0.timeouts += 1 }
                    $0.restarts += 1
                }
                fail(error, "capture")
            }
        }
        stream?.close()
        lock.lock()
        finished = true
        lock.broadcast()
        lock.unlock()
    }
}
