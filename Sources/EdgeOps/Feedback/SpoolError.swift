/// The sample spool could not write or read; `file` says where.
public struct SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let io = Code(name: "i/o error")
        public static let badMetadata = Code(name: "bad metadata")
    }

    public var code: Code
    public var message: String
    public var file: String

    public init(code: Code, message: String, file: String) {
        self.code = code
        self.message = message
        self.file = file
    }

    public var description: String { "\(file): \(code): \(message)" }
}
