import EdgeVision
import Foundation
import Logging
import Testing

/// A scripted device: each step is what one `open()` or `next()` call does.
private final class Script: @unchecked Sendable {
    enum Step {
        case openFails(V4L2Error.Code)
        case opens
        case frame(sequence: UInt32, skipped: Int)
        case corrupt(Int)
        case fails(V4L2Error.Code)
    }
    private let lock = NSLock()
    private var steps: [Step]
    private(set) var opens = 0
    private(set) var closes = 0

    init(_ steps: [Step]) { self.steps = steps }

    func pop() -> Step? {
        lock.lock()
        defer { lock.unlock() }
        return steps.isEmpty ? nil : steps.removeFirst()
    }

    func countOpen() { lock.lock(); opens += 1; lock.unlock() }
    func countClose() { lock.lock(); closes += 1; lock.unlock() }
}

private final class FakeStream: CaptureStream {
    let script: Script
    init(_ script: Script) { self.script = script }

    func next(timeoutMs: Int32) throws(V4L2Error) -> V4L2DequeueResult {
        switch script.pop() {
        case .frame(let sequence, let skipped):
            let frame = CameraFrame(
                fourcc: .grey, width: 2, height: 1, bytesPerLine: 2, data: [1, 2],
                timestampNs: UInt64(sequence) * 1000, sequence: sequence)
            return .frame(frame, skipped: skipped, corrupt: 0)
        case .corrupt(let n): return .corrupt(n)
        case .fails(let code): throw V4L2Error(code, device: "fake", operation: "VIDIOC_DQBUF")
        case .openFails, .opens, nil:
            // Script exhausted: behave like a stalled camera.
            Thread.sleep(forTimeInterval: 0.005)
            throw V4L2Error(.timeout, device: "fake", operation: "poll")
        }
    }

    func close() { script.countClose() }
}

private struct FakeOpener: CaptureOpener {
    let script: Script
    var name: String { "fake" }

    func open() throws(V4L2Error) -> any CaptureStream {
        script.countOpen()
        switch script.pop() {
        case .openFails(let code): throw V4L2Error(code, device: "fake", operation: "open")
        default: return FakeStream(script)
        }
    }
}

private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [CaptureEvent] = []
    func append(_ e: CaptureEvent) { lock.lock(); items.append(e); lock.unlock() }
    var events: [CaptureEvent] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite("Capture loop recovery and counting")
struct CaptureLoopTests {
    @Test func recoversFromUnplugAndCountsDrops() throws {
        let script = Script([
            .openFails(.noDevice),
            .opens, .frame(sequence: 10, skipped: 0), .corrupt(2), .frame(sequence: 11, skipped: 0),
            .frame(sequence: 15, skipped: 1),  // 12..14: 1 drained by us, 2 lost in the driver
            .fails(.noDevice),
            .opens, .frame(sequence: 0, skipped: 0),  // a reopened device restarts its sequence
        ])
        let log = EventLog()
        let loop = CaptureLoop(
            opener: FakeOpener(script: script), timeoutMs: 10, backoff: 0.001...0.004,
            logger: Logger(label: "test"), onEvent: log.append)
        loop.start()
        let deadline = Date().addingTimeInterval(10)
        while loop.stats.frames < 4 && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        loop.stop()
        let stats = loop.stats
        #expect(stats.frames == 4)
        #expect(stats.corrupt == 2)
        #expect(stats.skipped == 1)
        #expect(stats.dropped == 2)
        #expect(stats.outages >= 2)
        #expect(script.opens >= 3)
        let events = log.events
        #expect(events.first == .outageStarted(source: "fake", reason: "fake: open failed (noDevice)"))
        let cleared = events.filter { if case .outageCleared = $0 { true } else { false } }
        #expect(cleared.count == 2)
        #expect(loop.ring.newest?.sequence == 0)
    }

    @Test func stopInterruptsBackoff() {
        let script = Script([.openFails(.noDevice)])
        let loop = CaptureLoop(
            opener: FakeOpener(script: script), timeoutMs: 10, backoff: 30...60, logger: Logger(label: "test"))
        loop.start()
        while script.opens == 0 { Thread.sleep(forTimeInterval: 0.001) }
        loop.stop()  // must return without waiting out the 30 s backoff
        #expect(loop.stats.frames == 0)
        #expect(loop.stats.outages == 1)
    }
}

@Suite("Frame ring selection")
struct FrameRingTests {
    private func frame(_ ts: UInt64) -> CameraFrame {
        CameraFrame(fourcc: .grey, width: 1, height: 1, bytesPerLine: 1, data: [0], timestampNs: ts, sequence: UInt32(ts))
    }

    @Test func picksFirstFrameAtOrAfterTime() {
        let ring = FrameRing(capacity: 4)
        for ts in [100, 200, 300, 400, 500] as [UInt64] { ring.push(frame(ts)) }
        #expect(ring.snapshot().map(\.timestampNs) == [200, 300, 400, 500])
        #expect(ring.firstFrame(atOrAfter: 250, timeoutNs: 0)?.timestampNs == 300)
        #expect(ring.firstFrame(atOrAfter: 300, timeoutNs: 0)?.timestampNs == 300)
        #expect(ring.firstFrame(atOrAfter: 501, timeoutNs: 1_000_000) == nil)
    }

    @Test func waitsForLaterFrame() {
        let ring = FrameRing(capacity: 2)
        ring.push(frame(10))
        let producer = Thread { Thread.sleep(forTimeInterval: 0.01); ring.push(frame(20)) }
        producer.start()
        #expect(ring.firstFrame(atOrAfter: 15, timeoutNs: 5_000_000_000)?.timestampNs == 20)
    }
}
