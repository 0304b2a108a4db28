/// A message the connector will not accept, or an outbox it cannot use.
public struct ConnectorError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The payload is over thin-edge's 16 KB limit.
        public static let oversize = Code(rawValue: "oversize")
        /// A field has a value thin-edge cannot take (say, a non-number measurement).
        public static let invalidValue = Code(rawValue: "invalid_value")
        /// The outbox refused or lost the message.
        public static let outbox = Code(rawValue: "outbox")
    }

    public var code: Code
    public var message: String
    /// The topic concerned, when there is one.
    public var topic: String?
    /// The field concerned, when there is one.
    public var field: String?

    public init(code: Code, message: String, topic: String? = nil, field: String? = nil) {
        self.code = code
        self.message = message
        self.topic = topic
        self.field = field
    }

    public var description: String {
        var text = message
        if let field { text += " (field '\(field)')" }
        if let topic { text += " on '\(topic)'" }
        return text
    }
}
