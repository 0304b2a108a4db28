import CZlib

/// PNG's five scanline predictors and the chunk CRC, shared by encoder and decoder.
enum PNGFilter {
    /// Prediction for a byte from its left (a), upper (b) and upper-left (c) neighbours.
    @inline(__always)
    static func predict(_ filter: UInt8, a: UInt8, b: UInt8, c: UInt8) -> UInt8 {
        switch filter {
        case 1: return a
        case 2: return b
        case 3: return UInt8((UInt16(a) + UInt16(b)) / 2)
        case 4: return paeth(a, b, c)
        default: return 0
        }
    }

    @inline(__always)
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb, pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// CRC-32 over chunk type and data, as stored after each chunk.
    static func crc(type: [UInt8], data: ArraySlice<UInt8>) -> UInt32 {
        var value = crc32(0, nil, 0)
        value = type.withUnsafeBufferPointer { crc32(value, $0.baseAddress, uInt($0.count)) }
        value = data.withUnsafeBufferPointer { crc32(value, $0.baseAddress, uInt($0.count)) }
        return UInt32(truncatingIfNeeded: value)
    }
}
