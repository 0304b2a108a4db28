/// A configuration file that cannot be used, naming the file, the line, the key and what was expected.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text is not valid TOML (of the subset the agent reads).
        public static let syntax = Code(rawValue: "syntax")
        /// A key or table appears twice.
        public static let duplicateKey = Code(rawValue: "duplicate-key")
        /// A key or table the schema does not know (likely a typo).
        public static let unknownKey = Code(rawValue: "unknown-key")
        /// A required key is absent.
        public static let missingKey = Code(rawValue: "missing-key")
        /// The value has the wrong type or is out of range.
        public static let invalidValue = Code(rawValue: "invalid-value")
        /// The file cannot be read.
        public static let unreadable = Code(rawValue: "unreadable")
    }

    public var code: Code
    public var file: String
    /// 1-based; 0 when the problem is the absence of something.
    public var line: Int
    /// Dotted key, for example `pipelines[1].trigger`.
    public var key: String?
    /// The offending text as written.
    public var value: String?
    /// What would have been accepted.
    public var expected: String?
    public var message: String

    public init(
        code: Code, file: String, line: Int, key: String? = nil, value: String? = nil,
        expected: String? = nil, message: String
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.key = key
        self.value = value
        self.expected = expected
        self.message = message
    }

    public var description: String {
        var text = line > 0 ? "\(file):\(line): " : "\(file): "
        if let key { text += "\(key): " }
        text += message
        if let value { text += " (got \(value))" }
        if let expected { text += "; expected \(expected)" }
        return text
    }
}
