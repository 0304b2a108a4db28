/// An error reading or writing a NumPy `.npy` file.
///
/// Equality compares the code only.
public struct NPYError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable { case io, badMagic, badHeader, unsupported, truncated }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read or written.
        public static let io = Code(.io)
        /// The file does not start with `\x93NUMPY`.
        public static let badMagic = Code(.badMagic)
        /// The header dictionary is malformed or misses a key.
        public static let badHeader = Code(.badHeader)
        /// Valid NumPy, but not something we handle (big-endian, Fortran order, an exotic dtype, version 3+).
        public static let unsupported = Code(.unsupported)
        /// Fewer data bytes than the shape and dtype require.
        public static let truncated = Code(.truncated)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var file: String?
    /// The header key involved (`descr`, `shape`, `fortran_order`), when there is one.
    public var field: String?

    public init(code: Code, message: String, file: String? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.field = field
    }

    public var description: String {
        var text = "NPY \(code) error: \(message)"
        if let field { text += " (header key '\(field)')" }
        if let file { text += " in \(file)" }
        return text
    }
}

extension NPYError: Equatable {
    public static func == (lhs: NPYError, rhs: NPYError) -> Bool { lhs.code == rhs.code }
}
