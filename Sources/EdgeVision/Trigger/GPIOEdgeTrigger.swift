import CVision
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Hardware trigger from a GPIO edge through the kernel's GPIO character device, uAPI v2
/// (Debian 12's libgpiod is the v1 API, so the ioctls are called directly in CVision).
/// Edge timestamps are CLOCK_MONOTONIC, comparable with V4L2 buffer timestamps.
public final class GPIOEdgeTrigger: TriggerSource, @unchecked Sendable {
    // @unchecked: `lineFD` is immutable after init; `stopRequested` and `missedEdges` are guarded by `lock`.
    public enum Edge: Sendable, Hashable { case rising, falling, both }

    public let events: AsyncStream<TriggerEvent>
    public let chip: String
    public let line: UInt32
    private let continuation: AsyncStream<TriggerEvent>.Continuation
    private let lineFD: Int32
    private let lock = NSLock()
    private var stopRequested = false
    private var thread: Thread?
    private var missedEdges: UInt64 = 0

    /// Edges lost in the kernel FIFO (line sequence gaps).
    public var missed: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return missedEdges
    }

    /// Requests `line` on `chip` (e.g. /dev/gpiochip0) as an input with edge detection and debounce.
    public init(chip: String, line: UInt32, edge: Edge = .rising, debounceUs: UInt32 = 10_000, pullUp: Bool = false) throws(GPIOError) {
        self.chip = chip
        self.line = line
        let chipFD = open(chip, O_RDONLY | O_CLOEXEC)
        guard chipFD >= 0 else {
            let err = errno
            throw GPIOError(.noChip, chip: chip, line: line, errno: err)
        }
        defer { close(chipFD) }
        var label = [CChar](repeating: 0, count: 32)
        let lines = cv_gpio_chip_info(chipFD, &label, label.count)
        guard lines >= 0 else { throw GPIOError(.notAChip, chip: chip, line: line, errno: -lines) }
        guard line < UInt32(lines) else {
            throw GPIOError(
                .noSuchLine, chip: chip, line: line,
                detail: "chip \"\(label.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })\" has lines 0...\(lines - 1)")
        }
        let edges: Int32 =
            switch edge {
            case .rising: Int32(CV_GPIO_EDGE_RISING)
            case .falling: Int32(CV_GPIO_EDGE_FALLING)
            case .both: Int32(CV_GPIO_EDGE_RISING | CV_GPIO_EDGE_FALLING)
            }
        let fd = cv_gpio_request_edges(chipFD, line, edges, debounceUs, pullUp ? 1 : 0, "edgemlops")
        guard fd >= 0 else { throw GPIOError(.requestFailed, chip: chip, line: line, errno: -fd) }
        lineFD = fd
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
        let thread = Thread { [self] in run() }
        thread.name = "gpio \(chip):\(line)"
        self.thread = thread
        thread.start()
    }

    deinit { close(lineFD) }

    public func stop() {
        lock.lock()
        stopRequested = true
        lock.unlock()
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func run() {
        var lastSeq: UInt32?
        // Poll with a short timeout so stop() is noticed without closing the fd under the thread.
        while !shouldStop {
            var pfd = pollfd(fd: lineFD, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 200) > 0 else { continue }
            var ts: UInt64 = 0, seq: UInt32 = 0, rising: Int32 = 0
            let rc = cv_gpio_read_event(lineFD, &ts, &seq, &rising)
            if rc < 0 { break }
            if rc == 0 { continue }
            if let last = lastSeq, seq &- last > 1 {
                lock.lock()
                missedEdges += UInt64(seq &- last - 1)
                lock.unlock()
            }
            lastSeq = seq
            continuation.yield(
                TriggerEvent(timestampNs: ts, origin: .gpio(line: line, lineSequence: seq, rising: rising != 0)))
        }
        continuation.finish()
    }
}
