/// A request to the local proxy did not complete; `url` says which.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let connect = Code(name: "connection failed")
        public static let timeout = Code(name: "timed out")
        public static let io = Code(name: "i/o error")
        public static let malformedResponse = Code(name: "malformed response")
        public static let status = Code(name: "unexpected status")
    }

    public var code: Code
    public var message: String
    public var url: String

    public init(code: Code, message: String, url: String) {
        self.code = code
        self.message = message
        self.url = url
    }

    public var description: String { "\(url): \(code): \(message)" }
}
