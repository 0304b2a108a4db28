import CZlib

/// Decodes the PNGs we write: 8-bit RGB or grey, not interlaced. Everything else is
/// rejected with a ``PNGError`` saying what was found, never a crash.
enum PNGDecoder {
    /// Refuse images whose pixel buffer would exceed this (a corrupt header must not
    /// make us allocate gigabytes).
    static let maximumPixels = 1 << 28

    static func decode(_ data: [UInt8]) throws(PNGError) -> Image {
        guard data.count >= 8, Array(data[0..<8]) == PNGEncoder.signature else {
            throw PNGError(code: .notPNG, reason: "missing PNG signature")
        }
        var offset = 8
        var header: (width: Int, height: Int, format: PixelFormat)?
        var compressed: [UInt8] = []
        var sawEnd = false
        while !sawEnd {
            guard offset + 12 <= data.count else {
                throw PNGError(code: .truncated, reason: "data ends at byte \(data.count) before IEND")
            }
            let length = Int(readBigEndian(data, at: offset))
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard length <= data.count - offset - 12 else {
                throw PNGError(code: .truncated, chunk: type, reason: "chunk of \(length) bytes runs past the end")
            }
            let body = data[(offset + 8)..<(offset + 8 + length)]
            let stored = readBigEndian(data, at: offset + 8 + length)
            guard stored == PNGFilter.crc(type: Array(data[(offset + 4)..<(offset + 8)]), data: body) else {
                throw PNGError(code: .checksumMismatch, chunk: type, reason: "stored CRC \(stored) does not match")
            }
            switch type {
            case "IHDR":
                header = try parseHeader(body)
            case "IDAT":
                compressed += body
            case "IEND":
                sawEnd = true
            default:
                // Ancillary chunks (lowercase first letter) are safe to skip; critical ones are not.
                if let first = type.utf8.first, first & 0x20 == 0 {
                    throw PNGError(code: .unsupported, chunk: type, reason: "unknown critical chunk")
                }
            }
            offset += length + 12
        }
        guard let header else {
            throw PNGError(code: .truncated, chunk: "IHDR", reason: "no IHDR chunk")
        }
        let stride = header.width * header.format.channels
        let raw = try inflate(compressed, expectedCount: header.height * (stride + 1))
        let pixels = try unfilter(raw, height: header.height, stride: stride, bpp: header.format.channels)
        return Image(width: header.width, height: header.height, format: header.format, pixels: pixels)
    }

    private static func parseHeader(_ body: ArraySlice<UInt8>) throws(PNGError) -> (width: Int, height: Int, format: PixelFormat) {
        guard body.count == 13 else {
            throw PNGError(code: .corrupt, chunk: "IHDR", reason: "length \(body.count), expected 13")
        }
        let bytes = Array(body)
        let width = Int(readBigEndian(bytes, at: 0))
        let height = Int(readBigEndian(bytes, at: 4))
        guard width > 0, height > 0, width <= maximumPixels / height else {
            throw PNGError(code: .corrupt, chunk: "IHDR", reason: "image size \(width)x\(height) out of range")
        }
        guard bytes[8] == 8 else {
            throw PNGError(code: .unsupported, chunk: "IHDR", reason: "bit depth \(bytes[8]); only 8 is read")
        }
        let format: PixelFormat
        switch bytes[9] {
        case 0: format = .gray8
        case 2: format = .rgb8
        default:
            throw PNGError(code: .unsupported, chunk: "IHDR", reason: "colour type \(bytes[9]); only grey (0) and RGB (2) are read")
        }
        guard bytes[10] == 0, bytes[11] == 0 else {
            throw PNGError(code: .corrupt, chunk: "IHDR", reason: "compression \(bytes[10]) / filter method \(bytes[11]) must be 0")
        }
        guard bytes[12] == 0 else {
            throw PNGError(code: .unsupported, chunk: "IHDR", reason: "interlaced images are not read")
        }
        return (width, height, format)
    }

    private static func inflate(_ input: [UInt8], expectedCount: Int) throws(PNGError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: expectedCount)
        var produced = uLongf(expectedCount)
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { inp in
                uncompress(out.baseAddress, &produced, inp.baseAddress, uLong(inp.count))
            }
        }
        guard status == Z_OK else {
            let reason = status == Z_BUF_ERROR ? "more pixel data than the header allows" : "uncompress returned \(status)"
            throw PNGError(code: .compression, chunk: "IDAT", reason: reason)
        }
        guard Int(produced) == expectedCount else {
            throw PNGError(code: .corrupt, chunk: "IDAT", reason: "\(produced) bytes of pixel data, expected \(expectedCount)")
        }
        return output
    }

    private static func unfilter(_ raw: [UInt8], height: Int, stride: Int, bpp: Int) throws(PNGError) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            guard filter <= 4 else {
                throw PNGError(code: .corrupt, chunk: "IDAT", reason: "row \(y) has filter type \(filter)")
            }
            let source = y * (stride + 1) + 1
            let row = y * stride
            for i in 0..<stride {
                let a = i >= bpp ? pixels[row + i - bpp] : 0
                let b = y > 0 ? pixels[row - stride + i] : 0
                let c = (i >= bpp && y > 0) ? pixels[row - stride + i - bpp] : 0
                pixels[row + i] = raw[source + i] &+ PNGFilter.predict(filter, a: a, b: b, c: c)
            }
        }
        return pixels
    }

    private static func readBigEndian<C: Collection<UInt8>>(_ bytes: C, at offset: Int) -> UInt32 where C.Index == Int {
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[bytes.startIndex + offset + i]) }
        return value
    }
}
