import ArgumentParser
import EdgeVision
import Foundation
import Logging

/// Captures frames from a V4L2 camera (or the synthetic line) to image files, through the same
/// recovering capture loop the agent uses (so an unplug during capture is survived, not fatal).
struct CaptureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture frames from a V4L2 camera (or the synthetic line) and write them as image files."
    )

    /// Image file formats `capture` writes.
    enum Encoding: String, ExpressibleByArgument, CaseIterable {
        case png, jpeg, ppm
    }

    @Option(help: "Video device: /dev/videoN, /dev/v4l/by-id/..., or 'synthetic' for the synthetic inspection line.")
    var device: String

    @Option(help: "File format to write: png, jpeg or ppm (PPM/PGM, byte-exact pixels).")
    var encode: Encoding = .png

    @Option(help: "Pixel format: yuyv, mjpeg, nv12, grey, rgb24 (default: best native format).")
    var format: String?

    @Option(help: "Frame size WxH.")
    var size = "640x480"

    @Option(help: "Frames per second to request.")
    var fps: Double?

    @Option(help: "Number of frames to write.")
    var count = 1

    @Option(help: "Output directory (created if missing).")
    var out = "."

    @Option(help: "mmap buffers.")
    var buffers = 4

    @Option(name: .customLong("control"), help: "Camera control name=value (repeatable), e.g. exposure_absolute=200.")
    var controls: [String] = []

    @Flag(help: "Write grey images instead of RGB.")
    var gray = false

    @Option(help: "Seed of the synthetic line (with --device synthetic).")
    var seed: UInt64 = 1

    @Option(help: "Give up after this many seconds without reaching --count (the loop itself never gives up).")
    var deadline: Double = 60

    func run() async throws {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
            throw ValidationError("--size \(size): expected WxH, e.g. 640x480")
        }
        var fourcc: FourCC?
        if let format {
            guard let code = FourCC(userName: format) else {
                throw ValidationError("--format \(format): expected yuyv, mjpeg, nv12, grey or rgb24")
            }
            fourcc = code
        }
        var named: [String: Int32] = [:]
        for c in controls {
            let kv = c.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, let value = Int32(kv[1]) else {
                throw ValidationError("--control \(c): expected name=integer")
            }
            named[String(kv[0])] = value
        }
        let config = V4L2CaptureConfig(
            device: device, fourcc: fourcc, width: parts[0], height: parts[1], fps: fps, bufferCount: buffers,
            controls: CameraControls(named: named))
        var logger = Logger(label: "edgemlops.capture")
        logger.logLevel = .info
        let loop: any FrameSource
        if device == "synthetic" {
            let line: SyntheticInspectionLine
            do {
                line = try SyntheticInspectionLine(
                    configuration: .init(width: parts[0], height: parts[1], seed: seed)
                )
            } catch {
                throw CommandFailure("\(error)")
            }
            loop = SyntheticFrameSource.make(line: line, fps: fps ?? 30, logger: logger)
        } else {
            // Fail fast with the device's own words when the very first open is impossible (missing
            // device, unsupported format); after that, errors are outages and the loop retries.
            do {
                try V4L2Opener(config).open().close()
            } catch {
                throw CommandFailure("\(error)")
            }
            loop = CaptureLoop(config: config, logger: logger) { event in
                switch event {
                case .outageStarted(let source, let reason): print("outage: \(source): \(reason)")
                case .outageCleared(let source, let ns): print("recovered: \(source) after \(ns / 1_000_000) ms")
                }
            }
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let jpeg = JPEGCodec()
        loop.start()
        defer { loop.stop() }
        var seen: UInt64 = 0
        var written = 0
        let end = Date().addingTimeInterval(deadline)
        while written < count && Date() < end {
            guard let (frame, total) = loop.ring.waitForFrame(after: seen, timeoutNs: 1_000_000_000) else { continue }
            seen = total
            let image: Image
            do { image = try frame.image(gray ? .gray8 : .rgb8) } catch {
                print("skipping frame \(frame.sequence): \(error)")
                continue
            }
            let bytes: [UInt8]
            let suffix: String
            do {
                switch encode {
                case .png: (bytes, suffix) = (try image.pngData(), "png")
                case .jpeg: (bytes, suffix) = (try jpeg.encode(image, quality: 92), "jpg")
                case .ppm: (bytes, suffix) = (image.netpbm, gray ? "pgm" : "ppm")
                }
            } catch {
                throw CommandFailure("cannot encode frame \(frame.sequence): \(error)")
            }
            let path = (out as NSString).appendingPathComponent(String(format: "frame-%04d.%@", written, suffix))
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw CommandFailure("cannot write \(path)")
            }
            written += 1
        }
        let s = loop.stats
        print(
            "captured \(written) frames \(frame(config)) to \(out): frames=\(s.frames) dropped=\(s.dropped) "
                + "skipped=\(s.skipped) corrupt=\(s.corrupt) timeouts=\(s.timeouts) restarts=\(s.restarts) outages=\(s.outages)")
        if written < count { throw ExitCode(1) }
    }

    private func frame(_ config: V4L2CaptureConfig) -> String {
        let format = device == "synthetic" ? "RGB3" : config.fourcc?.description ?? "auto"
        return "\(format) \(config.width)x\(config.height)"
    }
}
