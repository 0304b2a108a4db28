/// A model or flow store operation failed; `path` names the file or directory involved.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let invalidName = Code(name: "invalid name")
        public static let notInstalled = Code(name: "not installed")
        public static let activeVersion = Code(name: "active version")
        public static let noPrevious = Code(name: "no previous version")
        public static let io = Code(name: "i/o error")
        public static let injectedFault = Code(name: "injected fault")
    }

    public var code: Code
    public var message: String
    public var path: String?

    public init(code: Code, message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        path.map { "\($0): \(code): \(message)" } ?? "\(code): \(message)"
    }
}
