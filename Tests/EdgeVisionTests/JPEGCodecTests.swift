import Foundation
import Testing

@testable import EdgeVision

@Suite("JPEG codec (libturbojpeg)")
struct JPEGCodecTests {
    /// A smooth test card: gradients plus a dark disc, so the error measure means something.
    static func testCard(width: Int, height: Int, format: PixelFormat) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * format.channels)
        for y in 0..<height {
            for x in 0..<width {
                let dx = x - width / 2
                let dy = y - height / 2
                let inDisc = dx * dx + dy * dy < (width / 5) * (width / 5)
                let red: Int = inDisc ? 30 : 40 + 180 * x / max(1, width - 1)
                let green: Int = inDisc ? 40 : 40 + 180 * y / max(1, height - 1)
                let r = UInt8(red)
                let g = UInt8(green)
                let b = UInt8(inDisc ? 50 : 120)
                if format == .rgb8 {
                    pixels += [r, g, b]
                } else {
                    let luma: Int = Int(r) * 77 + Int(g) * 150 + Int(b) * 29
                    pixels.append(UInt8(luma >> 8))
                }
            }
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    static func psnr(_ a: Image, _ b: Image) -> Double {
        var squared = 0.0
        for (x, y) in zip(a.pixels, b.pixels) {
            let d = Double(x) - Double(y)
            squared += d * d
        }
        let mse = squared / Double(a.pixels.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    @Test("encode then decode keeps the picture", arguments: PixelFormat.allCases, [(64, 48), (33, 17), (640, 480)])
    func roundTrip(format: PixelFormat, size: (Int, Int)) throws {
        let codec = JPEGCodec()
        let card = Self.testCard(width: size.0, height: size.1, format: format)
        let bytes = try codec.encode(card, quality: 95, subsampling: .s444)
        #expect(bytes.starts(with: [0xFF, 0xD8]))
        if card.pixels.count > 4096 { #expect(bytes.count < card.pixels.count) }
        let decoded = try codec.decode(bytes, as: format)
        #expect(decoded.width == size.0 && decoded.height == size.1 && decoded.format == format)
        #expect(Self.psnr(card, decoded) > 32)
    }

    @Test("a colour JPEG decodes to grey and back")
    func crossFormat() throws {
        let codec = JPEGCodec()
        let card = Self.testCard(width: 40, height: 30, format: .rgb8)
        let grey = try codec.decode(try codec.encode(card, quality: 90), as: .gray8)
        #expect(grey.format == .gray8 && grey.pixels.count == 40 * 30)
        let expected = Self.testCard(width: 40, height: 30, format: .gray8)
        #expect(Self.psnr(expected, grey) > 28)
    }

    @Test("truncated data is an error, not a grey half image")
    func truncated() throws {
        let codec = JPEGCodec()
        let bytes = try codec.encode(Self.testCard(width: 128, height: 128, format: .rgb8))
        let error = try #require(throws: JPEGError.self) {
            try codec.decode(Array(bytes.prefix(bytes.count / 2)), source: "frame 17")
        }
        #expect(error.code == .corrupt)
        #expect(error.description.hasPrefix("frame 17: "))
        // The codec is still usable after a failure.
        #expect(try codec.decode(bytes).width == 128)
    }

    @Test("garbage after a JPEG marker is refused", arguments: [0, 1, 7])
    func garbage(seed: UInt64) throws {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var bytes: [UInt8] = [0xFF, 0xD8]
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        #expect(throws: JPEGError.self) { try JPEGCodec().decode(bytes) }
    }

    @Test("non-JPEG bytes name what is wrong")
    func notJPEG() throws {
        let error = try #require(throws: JPEGError.self) {
            try JPEGCodec().decode(Array("P6\n1 1\n255\n".utf8) + [0, 0, 0], source: "part.ppm")
        }
        #expect(error.message.contains("no SOI marker"))
        #expect(error.source == "part.ppm")
    }

    @Test("a header claiming absurd dimensions is refused before allocating")
    func absurdDimensions() throws {
        let codec = JPEGCodec()
        var bytes = try codec.encode(Self.testCard(width: 16, height: 16, format: .gray8))
        // SOF0 (FF C0): length(2) precision(1) height(2) width(2).
        let sof = try #require(bytes.indices.dropLast().first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 })
        // 32752 x 32752: within JPEG's own limit (65500), far beyond ours.
        bytes[sof + 5] = 0x7F
        bytes[sof + 6] = 0xF0
        bytes[sof + 7] = 0x7F
        bytes[sof + 8] = 0xF0
        let error = try #require(throws: JPEGError.self) { try codec.decode(bytes) }
        #expect(error.code == .tooLarge)
    }

    @Test("quality outside 1...100 is refused")
    func badQuality() {
        #expect(throws: JPEGError.self) {
            try JPEGCodec().encode(Image(width: 2, height: 2, format: .gray8), quality: 0)
        }
    }
}
