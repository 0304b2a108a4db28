import CTurboJPEG
import EdgeVision
import Testing

@Suite("MJPEG frames")
struct MJPEGTests {
    /// An RGB test card of flat colour blocks, JPEG-encoded with libturbojpeg (4:4:4, quality 95).
    private func encodedCard(_ w: Int, _ h: Int) throws -> (Image, [UInt8]) {
        let colors: [[UInt8]] = [[200, 30, 30], [30, 200, 30], [30, 30, 200], [220, 220, 220]]
        var pixels: [UInt8] = []
        for y in 0..<h { for x in 0..<w { pixels += colors[(x * 2 / w) + (y * 2 / h) * 2] } }
        let image = Image(width: w, height: h, format: .rgb8, pixels: pixels)
        let handle = try #require(tjInitCompress())
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let rc = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(w), 0, Int32(h), Int32(TJPF_RGB.rawValue), &buffer, &size,
                        Int32(TJSAMP_444.rawValue), 95, 0)
        }
        try #require(rc == 0)
        defer { tjFree(buffer) }
        return (image, Array(UnsafeBufferPointer(start: buffer, count: Int(size))))
    }

    @Test func mjpegFrameDecodesToTheEncodedPicture() throws {
        let (card, jpeg) = try encodedCard(32, 16)
        let frame = CameraFrame(fourcc: .mjpeg, width: 32, height: 16, bytesPerLine: 0, data: jpeg, timestampNs: 0, sequence: 0)
        #expect(frame.isComplete)
        let decoded = try frame.image(.rgb8)
        #expect(decoded.width == 32 && decoded.height == 16)
        let worst = zip(decoded.pixels, card.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255
        #expect(worst <= 12)  // JPEG is lossy; flat blocks at quality 95 stay within a few levels
    }

    @Test func truncatedMJPEGIsIncomplete() throws {
        let (_, jpeg) = try encodedCard(32, 16)
        let cut = Array(jpeg.dropLast(40))
        let frame = CameraFrame(fourcc: .mjpeg, width: 32, height: 16, bytesPerLine: 0, data: cut, timestampNs: 0, sequence: 0)
        #expect(!frame.isComplete)
        // Zero padding after the end marker (some UVC cameras) is still complete.
        let padded = CameraFrame(fourcc: .mjpeg, width: 32, height: 16, bytesPerLine: 0, data: jpeg + [0, 0, 0, 0], timestampNs: 0, sequence: 0)
        #expect(padded.isComplete)
    }
}
