import EdgeVision
import Testing

@Suite("Preprocessing against reference values")
struct PreprocessorTests {
    private func maxDiff(_ a: [UInt8], _ b: [UInt8]) -> Int {
        zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    private func rgbBytes(_ spec: PreprocessSpec, _ frame: CameraFrame) throws -> [UInt8] {
        let p = try Preprocessor(spec: PreprocessSpec(
            width: spec.width, height: spec.height, color: spec.color, roi: spec.roi, resize: spec.resize,
            layout: .nhwc, output: .uint8(scale: 1 / 255, zeroPoint: 0)))
        guard case .uint8(let out) = try p.run(frame) else { Issue.record("wrong output type"); return [] }
        return out
    }

    @Test func yuyvToRGBMatchesBT601() throws {
        let (w, h) = (16, 4)
        let data = Reference.random(w * h * 2, seed: 1)
        let frame = CameraFrame(fourcc: .yuyv, width: w, height: h, bytesPerLine: w * 2, data: data, timestampNs: 0, sequence: 0)
        let got = try rgbBytes(PreprocessSpec(width: w, height: h), frame)
        var want: [UInt8] = []
        for i in stride(from: 0, to: data.count, by: 4) {
            want += Reference.yuvToRGB(data[i], data[i + 1], data[i + 3])
            want += Reference.yuvToRGB(data[i + 2], data[i + 1], data[i + 3])
        }
        #expect(maxDiff(got, want) <= 1)
    }

    @Test func nv12ToRGBMatchesBT601() throws {
        let (w, h) = (8, 4)
        let data = Reference.random(w * h * 3 / 2, seed: 2)
        let frame = CameraFrame(fourcc: .nv12, width: w, height: h, bytesPerLine: w, data: data, timestampNs: 0, sequence: 0)
        let got = try rgbBytes(PreprocessSpec(width: w, height: h), frame)
        var want: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w {
                let uv = w * h + (y / 2) * w + (x / 2) * 2
                want += Reference.yuvToRGB(data[y * w + x], data[uv], data[uv + 1])
            }
        }
        #expect(maxDiff(got, want) <= 1)
    }

    @Test(arguments: [(20, 10, 7, 5), (7, 5, 20, 10), (64, 48, 32, 24)])
    func bilinearMatchesReference(w: Int, h: Int, ow: Int, oh: Int) throws {
        let data = Reference.random(w * h * 3, seed: UInt64(w * 31 + h))
        let frame = CameraFrame(fourcc: .rgb24, width: w, height: h, bytesPerLine: w * 3, data: data, timestampNs: 0, sequence: 0)
        let got = try rgbBytes(PreprocessSpec(width: ow, height: oh, resize: .bilinear), frame)
        #expect(maxDiff(got, Reference.bilinear(data, w, h, 3, ow, oh)) <= 1)
    }

    @Test(arguments: [(8, 8, 4, 4), (10, 6, 4, 3), (64, 48, 24, 20)])
    func areaMatchesReference(w: Int, h: Int, ow: Int, oh: Int) throws {
        let data = Reference.random(w * h, seed: UInt64(w * 17 + h))
        let frame = CameraFrame(fourcc: .grey, width: w, height: h, bytesPerLine: w, data: data, timestampNs: 0, sequence: 0)
        let got = try rgbBytes(PreprocessSpec(width: ow, height: oh, color: .gray8, resize: .area), frame)
        #expect(maxDiff(got, Reference.area(data, w, h, 1, ow, oh)) <= 1)
    }

    @Test func roiCropIsExactAndStrided() throws {
        let (w, h) = (10, 6)
        let stride = 12  // padded rows, as drivers do
        let data = Reference.random(stride * h, seed: 3)
        let frame = CameraFrame(fourcc: .grey, width: w, height: h, bytesPerLine: stride, data: data, timestampNs: 0, sequence: 0)
        let roi = PixelRect(x: 3, y: 2, width: 4, height: 3)
        let got = try rgbBytes(PreprocessSpec(width: 4, height: 3, color: .gray8, roi: roi), frame)
        let want = (2..<5).flatMap { y in (3..<7).map { x in data[y * stride + x] } }
        #expect(got == want)
    }

    @Test(arguments: [PreprocessSpec.Layout.nchw, .nhwc])
    func normalizeFloatLayout(layout: PreprocessSpec.Layout) throws {
        let (w, h) = (3, 2)
        let data = Reference.random(w * h * 3, seed: 4)
        let frame = CameraFrame(fourcc: .rgb24, width: w, height: h, bytesPerLine: w * 3, data: data, timestampNs: 0, sequence: 0)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        let p = try Preprocessor(spec: PreprocessSpec(width: w, height: h, layout: layout, mean: mean, std: std))
        guard case .float32(let out) = try p.run(frame) else { Issue.record("wrong output type"); return }
        for i in 0..<(w * h) {
            for c in 0..<3 {
                let want = (Float(data[i * 3 + c]) / 255 - mean[c]) / std[c]
                let index = layout == .nchw ? c * w * h + i : i * 3 + c
                #expect(abs(out[index] - want) < 1e-5)
            }
        }
    }

    @Test func quantizeInt8UsesScaleAndZeroPointWithClamping() throws {
        let data: [UInt8] = [0, 64, 128, 255]
        let frame = CameraFrame(fourcc: .grey, width: 4, height: 1, bytesPerLine: 4, data: data, timestampNs: 0, sequence: 0)
        let (scale, zp): (Float, Int32) = (0.005, -20)
        let p = try Preprocessor(spec: PreprocessSpec(width: 4, height: 1, color: .gray8, output: .int8(scale: scale, zeroPoint: zp)))
        guard case .int8(let out) = try p.run(frame) else { Issue.record("wrong output type"); return }
        let want = data.map { v -> Int8 in
            let q = (Float(v) / 255 / scale).rounded(.toNearestOrEven) + Float(zp)
            return Int8(max(-128, min(127, q)))
        }
        #expect(out == want)
        #expect(out.first == -20)  // pixel 0 is the real value 0, i.e. the zero point
        #expect(out.last == 127)  // 1.0 / 0.005 - 20 = 180 saturates
    }

    @Test func roiOutsideFrameNamesField() throws {
        let frame = CameraFrame(fourcc: .grey, width: 4, height: 4, bytesPerLine: 4, data: [UInt8](repeating: 0, count: 16), timestampNs: 0, sequence: 0)
        let p = try Preprocessor(spec: PreprocessSpec(width: 2, height: 2, color: .gray8, roi: PixelRect(x: 3, y: 0, width: 2, height: 2)))
        let error = try #require(throws: PreprocessError.self) { try p.run(frame) }
        #expect(error.code == .roiOutsideFrame)
        #expect(error.field == "roi")
    }

    @Test func truncatedFrameIsRejected() throws {
        let frame = CameraFrame(fourcc: .yuyv, width: 4, height: 4, bytesPerLine: 8, data: [UInt8](repeating: 0, count: 20), timestampNs: 0, sequence: 0)
        let p = try Preprocessor(spec: PreprocessSpec(width: 2, height: 2))
        let error = try #require(throws: PreprocessError.self) { try p.run(frame) }
        #expect(error.code == .truncatedFrame)
    }

    @Test func corruptJPEGIsAnError() throws {
        let frame = CameraFrame(fourcc: .mjpeg, width: 4, height: 4, bytesPerLine: 0, data: [0xFF, 0xD8, 1, 2, 3], timestampNs: 0, sequence: 0)
        let p = try Preprocessor(spec: PreprocessSpec(width: 2, height: 2))
        let error = try #require(throws: PreprocessError.self) { try p.run(frame) }
        #expect(error.code == .corruptJPEG)
    }

    @Test(arguments: [("std", [Float](arrayLiteral: 0)), ("mean", [Float](arrayLiteral: 0, 0))])
    func badSpecNamesField(field: String, values: [Float]) {
        let spec = field == "std"
            ? PreprocessSpec(width: 2, height: 2, std: values)
            : PreprocessSpec(width: 2, height: 2, mean: values)
        let error = #expect(throws: PreprocessError.self) { try Preprocessor(spec: spec) }
        #expect(error?.field == field)
    }
}
