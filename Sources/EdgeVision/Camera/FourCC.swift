/// A V4L2 pixel format code (four ASCII characters, little-endian packed).
public struct FourCC: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// From four characters, e.g. "YUYV". Shorter strings are padded with spaces.
    public init(_ code: String) {
        var bytes = Array(code.utf8.prefix(4))
        while bytes.count < 4 { bytes.append(0x20) }
        rawValue = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Bit 31 marks the big-endian variant of a format (v4l2_fourcc_be in videodev2.h).
    public var description: String {
        let bigEndian = rawValue & 0x8000_0000 != 0
        let value = rawValue & 0x7FFF_FFFF
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
        return String(decoding: bytes, as: UTF8.self).trimmingSuffixSpaces() + (bigEndian ? "-BE" : "")
    }

    public static let yuyv: FourCC = "YUYV"
    public static let mjpeg: FourCC = "MJPG"
    public static let jpeg: FourCC = "JPEG"
    public static let nv12: FourCC = "NV12"
    public static let grey: FourCC = "GREY"
    public static let rgb24: FourCC = "RGB3"

    /// Formats the preprocessing converts natively, best first: raw formats avoid decode cost.
    public static let preferredNative: [FourCC] = [.yuyv, .nv12, .grey, .rgb24, .mjpeg, .jpeg]

    /// Accepts user spellings: "yuyv", "mjpeg", "mjpg", "nv12", "grey", "gray", "rgb24", "rgb3".
    public init?(userName: String) {
        switch userName.lowercased() {
        case "yuyv", "yuy2": self = .yuyv
        case "mjpeg", "mjpg": self = .mjpeg
        case "jpeg": self = .jpeg
        case "nv12": self = .nv12
        case "grey", "gray", "y8": self = .grey
        case "rgb24", "rgb3", "rgb": self = .rgb24
        default:
            guard userName.utf8.count == 4 else { return nil }
            self.init(userName)
        }
    }
}

extension String {
    fileprivate func trimmingSuffixSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
