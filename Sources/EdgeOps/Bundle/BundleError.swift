/// A bundle was refused; `file` and `field` say where.
public struct BundleError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let unreadable = Code(name: "unreadable")
        public static let tooLarge = Code(name: "too large")
        public static let archive = Code(name: "bad archive")
        public static let missingFile = Code(name: "missing file")
        public static let badManifest = Code(name: "bad manifest")
        public static let checksumMismatch = Code(name: "checksum mismatch")
        public static let unsigned = Code(name: "unsigned")
        public static let badSignature = Code(name: "bad signature")
        public static let badKey = Code(name: "bad key")
        public static let unparsable = Code(name: "unparsable model")
        public static let incompatibleInput = Code(name: "incompatible input")
        public static let validation = Code(name: "validation failed")
    }

    public var code: Code
    public var message: String
    public var file: String?
    public var field: String?

    public init(code: Code, message: String, file: String? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.field = field
    }

    public var description: String {
        var where_ = ""
        if let file { where_ += file }
        if let field { where_ += (where_.isEmpty ? "" : " ") + "field '\(field)'" }
        return (where_.isEmpty ? "" : where_ + ": ") + "\(code): \(message)"
    }
}
