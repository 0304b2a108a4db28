/// A failure of the outbox database, with the SQLite code and what was being done.
public struct OutboxError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file is not a database or failed its integrity check.
        public static let corrupt = Code(rawValue: "corrupt")
        /// The disk (or SQLite's limit) is full.
        public static let full = Code(rawValue: "full")
        /// The message did not fit even after evicting all telemetry.
        public static let overflow = Code(rawValue: "overflow")
        /// Any other SQLite failure.
        public static let database = Code(rawValue: "database")
    }

    public var code: Code
    public var message: String
    /// The database file.
    public var path: String
    /// SQLite's result code, when there is one.
    public var sqliteCode: Int32?

    public init(code: Code, message: String, path: String, sqliteCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.sqliteCode = sqliteCode
    }

    public var description: String { "\(path): \(message)" }
}
