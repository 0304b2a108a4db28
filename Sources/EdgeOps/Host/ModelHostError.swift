/// The host could not load or switch a model; `file` and `version` say which.
public struct ModelHostError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let noActiveVersion = Code(name: "no active version")
        public static let unloadable = Code(name: "unloadable model")
        public static let store = Code(name: "store error")
        public static let noModel = Code(name: "no model loaded")
        public static let inference = Code(name: "inference failed")
    }

    public var code: Code
    public var message: String
    public var version: String?
    public var file: String?

    public init(code: Code, message: String, version: String? = nil, file: String? = nil) {
        self.code = code
        self.message = message
        self.version = version
        self.file = file
    }

    public var description: String {
        var location = version.map { "version \($0)" } ?? ""
        if let file { location += (location.isEmpty ? "" : " ") + file }
        return (location.isEmpty ? "" : location + ": ") + "\(code): \(message)"
    }
}
