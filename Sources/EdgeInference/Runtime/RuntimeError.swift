/// An error compiling a model for execution or running it.
///
/// Equality compares the code only; the context fields say which input, node or value.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case unsupported, invalidInput, nonFinite, missingInput, invalidModel
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The model uses a form of an operator the executor does not run (the message names it).
        public static let unsupported = Code(.unsupported)
        /// An input tensor has the wrong shape or element type, or is not a model input.
        public static let invalidInput = Code(.invalidInput)
        /// A float input holds NaN or infinity and the session's policy rejects it.
        public static let nonFinite = Code(.nonFinite)
        /// A model input was not given.
        public static let missingInput = Code(.missingInput)
        /// The model is inconsistent in a way shape inference did not catch.
        public static let invalidModel = Code(.invalidModel)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The node involved, when the error concerns one.
    public var node: String?
    /// The graph input or value involved.
    public var value: String?

    public init(code: Code, message: String, node: String? = nil, value: String? = nil) {
        self.code = code
        self.message = message
        self.node = node
        self.value = value
    }

    public var description: String {
        var context: [String] = []
        if let node { context.append("node '\(node)'") }
        if let value { context.append("value '\(value)'") }
        return context.isEmpty ? "\(code): \(message)" : "\(code): \(message) (\(context.joined(separator: ", ")))"
    }

    public static func == (lhs: RuntimeError, rhs: RuntimeError) -> Bool { lhs.code == rhs.code }
}
