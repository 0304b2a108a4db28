/// Binary PPM (P6) and PGM (P5) with maxval 255: what `edgemlops capture` writes.
public enum Netpbm {
    public static func decode(_ bytes: [UInt8]) throws(PreprocessError) -> Image {
        func fail(_ why: String) -> PreprocessError {
            PreprocessError(.unsupportedPixelFormat, field: "netpbm", value: "\(bytes.count) bytes", detail: why)
        }
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "6") || bytes[1] == UInt8(ascii: "5") else {
            throw fail("not a binary PPM/PGM (P6/P5) or JPEG file")
        }
        let format: PixelFormat = bytes[1] == UInt8(ascii: "6") ? .rgb8 : .gray8
        var i = 2
        var fields: [Int] = []
        while fields.count < 3 {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "#") {
                while i < bytes.count, bytes[i] != 0x0A { i += 1 }
                continue
            }
            var value = 0, digits = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39, digits < 9 {
                value = value * 10 + Int(bytes[i] - 0x30)
                i += 1
                digits += 1
            }
            guard digits > 0 else { throw fail("bad header") }
            fields.append(value)
        }
        i += 1  // the single whitespace byte after maxval
        guard fields[0] > 0, fields[1] > 0, fields[2] == 255 else {
            throw fail("size \(fields[0])x\(fields[1]) maxval \(fields[2]); need positive size and maxval 255")
        }
        let count = fields[0] * fields[1] * format.channels
        guard bytes.count - i >= count else { throw fail("truncated: \(bytes.count - i) of \(count) pixel bytes") }
        return Image(width: fields[0], height: fields[1], format: format, pixels: Array(bytes[i..<(i + count)]))
    }
}
