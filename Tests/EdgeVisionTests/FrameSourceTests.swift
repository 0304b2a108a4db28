import EdgeTestSupport
import Logging
import Testing

@testable import EdgeVision

@Suite("Synthetic and image-file frame sources", .timeLimit(.minutes(1)))
struct FrameSourceTests {
    let logger = Logger(label: "test.sources")

    @Test("the synthetic source delivers the line's frames in order, as RGB24")
    func synthetic() throws {
        let line = try SyntheticInspectionLine(configuration: .init(width: 96, height: 64, seed: 7))
        let source = SyntheticFrameSource.make(line: line, fps: 200, first: 10, logger: logger)
        source.start()
        defer { source.stop() }
        var seen: UInt64 = 0
        var frames: [CameraFrame] = []
        while frames.count < 3 {
            let (frame, count) = try #require(source.ring.waitForFrame(after: seen, timeoutNs: 2_000_000_000))
            seen = count
            frames.append(frame)
        }
        for frame in frames {
            #expect(frame.fourcc == .rgb24 && frame.width == 96 && frame.height == 64)
            #expect(frame.data == line.frame(10 + Int(frame.sequence)).image.pixels)
        }
        #expect(frames.map(\.sequence) == frames.map(\.sequence).sorted())
        #expect(source.stats.frames >= 3)
    }

    @Test("an image directory of PNG, JPEG and PPM files plays in name order")
    func imageDirectory() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let line = try SyntheticInspectionLine(configuration: .init(width: 32, height: 24, seed: 3))
        let first = line.frame(0).image
        let second = line.frame(1).image
        directory.write(try first.pngData(), to: "a.png")
        directory.write(second.netpbm, to: "b.ppm")
        directory.write(try JPEGCodec().encode(second, quality: 95), to: "c.jpg")
        directory.write(Array("not an image".utf8), to: "notes.txt")

        let source = try ImageFileSource.make(path: directory.path, fps: 200, logger: logger)
        source.start()
        defer { source.stop() }
        var seen: UInt64 = 0
        var frames: [CameraFrame] = []
        while frames.count < 4 {
            let (frame, count) = try #require(source.ring.waitForFrame(after: seen, timeoutNs: 2_000_000_000))
            seen = count
            frames.append(frame)
        }
        // Frames are taken from a ring, so the order follows sequence numbers modulo three files.
        let png = try #require(frames.first { $0.sequence % 3 == 0 })
        let ppm = try #require(frames.first { $0.sequence % 3 == 1 })
        #expect(png.data == first.pixels)
        #expect(ppm.data == second.pixels)
    }

    @Test("a corrupt PNG is refused at construction, naming the file")
    func corruptPNG() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let image = try SyntheticInspectionLine(configuration: .init(width: 16, height: 16)).frame(0).image
        let bytes = try image.pngData()
        directory.write(Array(bytes.prefix(bytes.count - 20)), to: "broken.png")
        let error = try #require(throws: PreprocessError.self) {
            try ImageFileSource.make(path: directory.path, fps: 10, logger: logger)
        }
        #expect(error.description.contains("broken.png"))
    }
}
