import EdgeVision
import Foundation
import Logging
import Testing

@Suite("Triggers, frame selection and sharpness")
struct TriggerTests {
    private func grey(_ w: Int, _ h: Int, ts: UInt64, _ pixel: (Int, Int) -> UInt8) -> CameraFrame {
        let data = (0..<h).flatMap { y in (0..<w).map { x in pixel(x, y) } }
        return CameraFrame(fourcc: .grey, width: w, height: h, bytesPerLine: w, data: data, timestampNs: ts, sequence: 0)
    }

    /// Laplacian variance computed directly from its definition.
    private func referenceVariance(_ f: CameraFrame) -> Double {
        var values: [Double] = []
        for y in 1..<(f.height - 1) {
            for x in 1..<(f.width - 1) {
                func p(_ x: Int, _ y: Int) -> Double { Double(f.data[y * f.width + x]) }
                values.append(p(x, y - 1) + p(x, y + 1) + p(x - 1, y) + p(x + 1, y) - 4 * p(x, y))
            }
        }
        let mean = values.reduce(0, +) / Double(values.count)
        return values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
    }

    @Test func sharpnessMatchesDefinitionAndRanksBlur() throws {
        let sharp = grey(16, 12, ts: 0) { x, y in (x + y) % 2 == 0 ? 200 : 40 }
        let soft = grey(16, 12, ts: 0) { x, _ in UInt8(x * 10) }
        let gate = SharpnessGate(threshold: 100)
        #expect(abs(try gate.score(sharp) - referenceVariance(sharp)) < 1e-6)
        #expect(abs(try gate.score(soft) - referenceVariance(soft)) < 1e-6)
        #expect(try gate.passes(sharp))
        #expect(!(try gate.passes(soft)))
    }

    @Test func sharpnessOnYUYVUsesLumaOnly() throws {
        let luma = grey(8, 6, ts: 0) { x, y in UInt8((x * 37 + y * 91) % 256) }
        // Interleave with chroma noise that must not affect the score.
        var yuyv: [UInt8] = []
        for (i, v) in luma.data.enumerated() { yuyv += [v, UInt8((i * 53) % 256)] }
        let frame = CameraFrame(fourcc: .yuyv, width: 8, height: 6, bytesPerLine: 16, data: yuyv, timestampNs: 0, sequence: 0)
        let gate = SharpnessGate(roi: PixelRect(x: 2, y: 1, width: 5, height: 4), threshold: 0)
        let lumaROI = grey(5, 4, ts: 0) { x, y in luma.data[(y + 1) * 8 + x + 2] }
        #expect(abs(try gate.score(frame) - referenceVariance(lumaROI)) < 1e-6)
    }

    @Test func selectorWaitsForFrameAfterDelayAndGates() throws {
        let ring = FrameRing(capacity: 4)
        let blurred = grey(8, 8, ts: 1_000) { _, _ in 128 }
        let sharp = grey(8, 8, ts: 3_000) { x, y in (x + y) % 2 == 0 ? 255 : 0 }
        ring.push(grey(8, 8, ts: 500) { _, _ in 0 })
        ring.push(blurred)
        ring.push(sharp)
        let event = TriggerEvent(timestampNs: 800, origin: .external(id: "a"))
        let gated = FrameSelector(delayNs: 100, timeoutNs: 0, sharpness: SharpnessGate(threshold: 10))
        guard case .blurred(let first, _) = try gated.select(for: event, from: ring) else {
            Issue.record("expected the frame at 1000 ns, flagged blurred")
            return
        }
        #expect(first.timestampNs == 1_000)
        let later = FrameSelector(delayNs: 1_500, timeoutNs: 0, sharpness: SharpnessGate(threshold: 10))
        guard case .frame(let second, let score) = try later.select(for: event, from: ring) else {
            Issue.record("expected the sharp frame at 3000 ns")
            return
        }
        #expect(second.timestampNs == 3_000)
        #expect((score ?? 0) >= 10)
        let tooLate = FrameSelector(delayNs: 10_000, timeoutNs: 1_000_000)
        guard case .missed = try tooLate.select(for: event, from: ring) else {
            Issue.record("expected a miss")
            return
        }
    }

    @Test func externalTriggerDeliversRequestsInOrder() async {
        let trigger = ExternalTrigger()
        trigger.request(id: "one", timestampNs: 5)
        trigger.request(id: "two")
        trigger.stop()
        var ids: [String] = []
        for await event in trigger.events {
            if case .external(let id) = event.origin { ids.append(id) }
        }
        #expect(ids == ["one", "two"])
    }

    @Test func periodicTriggerTicks() async {
        let trigger = PeriodicTrigger.continuous(fps: 200)
        var stamps: [UInt64] = []
        for await event in trigger.events {
            #expect(event.origin == .continuous)
            stamps.append(event.timestampNs)
            if stamps.count == 3 { break }
        }
        trigger.stop()
        #expect(stamps == stamps.sorted())
    }

    @Test(arguments: [("/dev/gpiochip-missing", GPIOError.Code.noChip), ("/dev/null", .notAChip)])
    func gpioBadChipIsAClearError(chip: String, code: GPIOError.Code) throws {
        let error = try #require(throws: GPIOError.self) { try GPIOEdgeTrigger(chip: chip, line: 3) }
        #expect(error.code == code)
        #expect(error.description.contains(chip))
        #expect(error.description.contains("line 3"))
    }
}

@Suite("Image file source")
struct ImageFileSourceTests {
    private func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "edgevision-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func loopsOverDirectoryInNameOrder() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = Image(width: 2, height: 1, format: .rgb8, pixels: [1, 2, 3, 4, 5, 6])
        let b = Image(width: 1, height: 2, format: .gray8, pixels: [7, 8])
        try #require(FileManager.default.createFile(atPath: dir + "/a.ppm", contents: Data(a.netpbm)))
        try #require(FileManager.default.createFile(atPath: dir + "/b.pgm", contents: Data(b.netpbm)))
        try #require(FileManager.default.createFile(atPath: dir + "/notes.txt", contents: Data("x".utf8)))
        let source = try ImageFileSource.make(path: dir, fps: 500, logger: Logger(label: "test"))
        source.start()
        let deadline = Date().addingTimeInterval(10)
        while source.ring.count < 5 && Date() < deadline { Thread.sleep(forTimeInterval: 0.002) }
        source.stop()
        let frames = source.ring.snapshot()
        #expect(frames.count >= 5)
        // Frames alternate a, b, a, ... by sequence number.
        for f in frames {
            let expected = f.sequence % 2 == 0 ? a.pixels : b.pixels
            #expect(f.data == expected)
        }
        #expect(frames.map(\.timestampNs) == frames.map(\.timestampNs).sorted())
    }

    @Test func badFileIsNamed() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #require(FileManager.default.createFile(atPath: dir + "/bad.ppm", contents: Data("P6\n4 4\n255\n".utf8)))
        let error = try #require(throws: PreprocessError.self) {
            try ImageFileSource.make(path: dir, fps: 1, logger: Logger(label: "test"))
        }
        #expect(error.value == dir + "/bad.ppm")
        #expect(error.detail.contains("truncated"))
    }

    @Test func missingPathIsNamed() throws {
        let error = try #require(throws: PreprocessError.self) {
            try ImageFileSource.make(path: "/nonexistent/images", fps: 1, logger: Logger(label: "test"))
        }
        #expect(error.value == "/nonexistent/images")
    }
}
