import ArgumentParser
import EdgeTestSupport
import EdgeVision
import Testing

@testable import edgemlops

@Suite("edgemlops capture", .timeLimit(.minutes(1)))
struct CaptureCommandTests {
    @Test("captures the synthetic line to decodable files", arguments: CaptureCommand.Encoding.allCases)
    func syntheticCapture(encoding: CaptureCommand.Encoding) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let command = try CaptureCommand.parse([
            "--device", "synthetic", "--size", "64x48", "--count", "2", "--fps", "100",
            "--encode", encoding.rawValue, "--out", directory.path,
        ])
        try await command.run()
        let suffix = ["png": "png", "jpeg": "jpg", "ppm": "ppm"][encoding.rawValue]!
        for index in 0..<2 {
            let bytes = try #require(directory.read("frame-000\(index).\(suffix)"))
            let image: Image =
                switch encoding {
                case .png: try Image(pngData: bytes)
                case .jpeg: try JPEGCodec().decode(bytes)
                case .ppm: try Netpbm.decode(bytes)
                }
            #expect(image.width == 64 && image.height == 48)
        }
    }

    @Test("a missing device fails with its name")
    func missingDevice() async throws {
        let command = try CaptureCommand.parse(["--device", "/dev/video-none", "--out", "/tmp/never"])
        let error = await #expect(throws: (any Error).self) { try await command.run() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("/dev/video-none"))
    }
}
