#if canImport(Glibc)
import Glibc
#endif

/// A GPIO chip or line that cannot be used, naming the chip, the line and the errno.
public struct GPIOError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }
        public static let noChip = Code(name: "noChip")
        public static let notAChip = Code(name: "notAChip")
        public static let noSuchLine = Code(name: "noSuchLine")
        public static let requestFailed = Code(name: "requestFailed")
        public static let readFailed = Code(name: "readFailed")
    }

    public var code: Code
    public var chip: String
    public var line: UInt32
    public var errno: Int32?
    public var detail: String?

    public init(_ code: Code, chip: String, line: UInt32, errno: Int32? = nil, detail: String? = nil) {
        self.code = code
        self.chip = chip
        self.line = line
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = "\(chip) line \(line): \(code)"
        if let errno { text += ": \(String(cString: strerror(errno))) (errno \(errno))" }
        if let detail { text += "; \(detail)" }
        return text
    }
}
