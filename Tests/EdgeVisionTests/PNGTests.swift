import EdgeTestSupport
import EdgeVision
import Testing

@Suite("PNG codec")
struct PNGTests {
    /// Deterministic content that exercises every filter: gradients, edges and noise.
    static func testImage(width: Int, height: Int, format: PixelFormat, seed: UInt64) -> Image {
        var rng = SplitMix64(seed: seed)
        var pixels = [UInt8](repeating: 0, count: width * height * format.channels)
        for y in 0..<height {
            for x in 0..<width {
                for k in 0..<format.channels {
                    let o = (y * width + x) * format.channels + k
                    let smooth = (x * 3 + y * 5 + k * 40) & 0xFF
                    pixels[o] = x < width / 2 ? UInt8(smooth) : UInt8(truncatingIfNeeded: rng.next())
                }
            }
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    @Test(
        "encode then decode gives the same image",
        arguments: [(1, 1, PixelFormat.rgb8), (7, 5, .rgb8), (64, 33, .gray8), (128, 128, .rgb8), (3, 200, .gray8)]
    )
    func roundTrip(width: Int, height: Int, format: PixelFormat) throws {
        let image = Self.testImage(width: width, height: height, format: format, seed: UInt64(width * height))
        let settings: [PNGCompression] = [.init(level: 0), .standard, .init(level: 9), .noisyImage]
        for compression in settings {
            let data = try image.pngData(compression: compression)
            #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            #expect(try Image(pngData: data) == image)
        }
    }

    @Test("a rendered synthetic frame survives a file round trip")
    func fileRoundTrip() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let line = try SyntheticInspectionLine(configuration: .init(width: 160, height: 120, seed: 3))
        let image = line.frame(4).image
        try image.writePNG(to: directory.file("frame.png"))
        #expect(try Image(contentsOfPNGFile: directory.file("frame.png")) == image)
        // Filtering and deflate must actually compress a camera-like image.
        let size = try #require(directory.read("frame.png")?.count)
        #expect(size < image.pixels.count)
    }

    /// Bitwise CRC-32 (IEEE), independent of the zlib one under test.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        let error = #expect(throws: PNGError.self) { try Image(contentsOfPNGFile: "/nonexistent/dir/x.png") }
        #expect(error?.code == .io)
        #expect(error?.file == "/nonexistent/dir/x.png")
        #expect(error?.description.contains("/nonexistent/dir/x.png") == true)
    }

    @Test("an unwritable path is reported with its path")
    func unwritable() {
        let image = Image(width: 2, height: 2, format: .gray8)
        let error = #expect(throws: PNGError.self) { try image.writePNG(to: "/nonexistent/dir/y.png") }
        #expect(error?.code == .io)
        #expect(error?.file == "/nonexistent/dir/y.png")
    }

    @Test("corrupt data is refused with the right code and the file name")
    func corruptData() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let good = try Self.testImage(width: 16, height: 16, format: .rgb8, seed: 1).pngData()
        var flipped = good
        flipped[40] ^= 0x01  // inside IDAT: its CRC no longer matches
        var sixteenBit = good
        // IHDR bit depth 16 with a correct CRC: a valid PNG we do not read.
        sixteenBit[24] = 16
        let crc = Self.crc32(Array(sixteenBit[12..<29]))
        sixteenBit.replaceSubrange(29..<33, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * $0)) })

        let cases: [(String, [UInt8], PNGError.Code)] = [
            ("text.png", Array("hello, not a png".utf8), .notPNG),
            ("short.png", Array(good.prefix(30)), .truncated),
            ("crc.png", flipped, .checksumMismatch),
            ("depth.png", sixteenBit, .unsupported),
        ]
        for (name, bytes, code) in cases {
            directory.write(bytes, to: name)
            let error = #expect(throws: PNGError.self) { try Image(contentsOfPNGFile: directory.file(name)) }
            #expect(error?.code == code, "\(name)")
            #expect(error?.file == directory.file(name), "\(name)")
        }
    }
}
