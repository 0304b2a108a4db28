/// A bundle archive is malformed or unsafe; `entry` and `offset` locate the problem.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let truncated = Code(name: "truncated archive")
        public static let corrupt = Code(name: "corrupt archive")
        public static let badChecksum = Code(name: "bad tar header checksum")
        public static let unsafePath = Code(name: "unsafe path")
        public static let unsupportedEntry = Code(name: "unsupported entry type")
        public static let tooLarge = Code(name: "too large")
        public static let io = Code(name: "i/o error")
    }

    public var code: Code
    public var message: String
    /// The archive member, when known.
    public var entry: String?
    /// Byte offset in the decompressed tar stream (or the gzip stream for gzip errors).
    public var offset: Int?

    public init(code: Code, message: String, entry: String? = nil, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.entry = entry
        self.offset = offset
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let entry { text += " (entry '\(entry)')" }
        if let offset { text += " at byte \(offset)" }
        return text
    }
}
