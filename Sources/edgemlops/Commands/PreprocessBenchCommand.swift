import ArgumentParser
import EdgeVision
import Foundation

/// Measures camera-frame preprocessing (the numbers in docs/BENCHMARKS.md, "Preprocessing").
struct PreprocessBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess-bench",
        abstract: "Benchmark 640x480 YUYV → model input (median per frame)."
    )

    @Option(help: "Timed iterations per case.")
    var iterations = 200

    func run() async throws {
        let (w, h) = (640, 480)
        var state: UInt64 = 42
        let data = (0..<(w * h * 2)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let frame = CameraFrame(fourcc: .yuyv, width: w, height: h, bytesPerLine: w * 2, data: data, timestampNs: 0, sequence: 0)
        let cases: [(String, PreprocessSpec)] = [
            ("YUYV 640x480 → RGB 640x480 uint8 (conversion only)",
             PreprocessSpec(width: 640, height: 480, layout: .nhwc, output: .uint8(scale: 1 / 255, zeroPoint: 0))),
            ("YUYV 640x480 → 128x128 RGB int8 NHWC, bilinear",
             PreprocessSpec(width: 128, height: 128, resize: .bilinear, layout: .nhwc, output: .int8(scale: 0.0078125, zeroPoint: 0), mean: [0.5], std: [0.5])),
            ("YUYV 640x480 → 128x128 RGB int8 NHWC, area",
             PreprocessSpec(width: 128, height: 128, resize: .area, layout: .nhwc, output: .int8(scale: 0.0078125, zeroPoint: 0), mean: [0.5], std: [0.5])),
            ("YUYV 640x480 → 224x224 RGB float NCHW, bilinear",
             PreprocessSpec(width: 224, height: 224, resize: .bilinear, layout: .nchw, output: .float32,
                            mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])),
            ("YUYV 640x480 → 224x224 RGB float NCHW, area",
             PreprocessSpec(width: 224, height: 224, resize: .area, layout: .nchw, output: .float32,
                            mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])),
        ]
        for (name, spec) in cases {
            let p = try Preprocessor(spec: spec)
            let bytes = spec.elementCount * (spec.output == .float32 ? 4 : 1)
            let out = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
            defer { out.deallocate() }
            for _ in 0..<5 { try p.run(frame, into: out) }  // warm-up: scratch buffers allocated here
            var times: [Double] = []
            let clock = ContinuousClock()
            for _ in 0..<iterations {
                let d = try clock.measure { try p.run(frame, into: out) }
                times.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3)
            }
            times.sort()
            print(String(format: "%@: median %.3f ms, p90 %.3f ms", name, times[times.count / 2], times[times.count * 9 / 10]))
        }
    }
}
