/// A PNG that could not be written or read.
public struct PNGError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case io, notPNG, truncated, checksumMismatch, unsupported, corrupt, compression
        }
        private let base: Base

        /// Opening, reading or writing the file failed (see ``PNGError/reason``).
        public static let io = Code(base: .io)
        /// The data does not start with the PNG signature.
        public static let notPNG = Code(base: .notPNG)
        /// The data ends inside a chunk, or before IHDR, IDAT or IEND.
        public static let truncated = Code(base: .truncated)
        /// A chunk's CRC-32 does not match its contents.
        public static let checksumMismatch = Code(base: .checksumMismatch)
        /// Valid PNG we do not read: bit depth other than 8, palette, alpha, interlacing.
        public static let unsupported = Code(base: .unsupported)
        /// Structurally wrong: bad header values, unknown filter, wrong pixel data length.
        public static let corrupt = Code(base: .corrupt)
        /// zlib reported an error.
        public static let compression = Code(base: .compression)

        public var description: String {
            switch base {
            case .io: "I/O error"
            case .notPNG: "not a PNG file"
            case .truncated: "truncated PNG"
            case .checksumMismatch: "PNG checksum mismatch"
            case .unsupported: "unsupported PNG"
            case .corrupt: "corrupt PNG"
            case .compression: "zlib error"
            }
        }
    }

    public var code: Code
    /// The file being read or written; nil for in-memory data.
    public var file: String?
    /// The chunk type ("IHDR", "IDAT", ...) the problem was found in, if any.
    public var chunk: String?
    public var reason: String

    public init(code: Code, file: String? = nil, chunk: String? = nil, reason: String) {
        self.code = code
        self.file = file
        self.chunk = chunk
        self.reason = reason
    }

    /// The same error, attributed to `file`.
    func inFile(_ path: String) -> PNGError {
        var copy = self
        copy.file = path
        return copy
    }

    public var description: String {
        var text = file.map { "\($0): " } ?? ""
        text += "\(code)"
        if let chunk { text += " in \(chunk) chunk" }
        return text + ": \(reason)"
    }
}
