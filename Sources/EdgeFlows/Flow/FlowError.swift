/// An error loading, checking or running a flow, with the file and line it concerns.
///
/// Equality compares the code only, so tests can match on the kind of failure.
public struct FlowError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable { case io, syntax, invalid, runtime, limit, json, disabled }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be read.
        public static let io = Code(.io)
        /// The flow file does not compile.
        public static let syntax = Code(.syntax)
        /// The flow compiled but is not a valid flow (unknown node, bad parameter, dangling wire...).
        public static let invalid = Code(.invalid)
        /// The flow raised an error while running.
        public static let runtime = Code(.runtime)
        /// The flow exceeded its memory, instruction or time limit.
        public static let limit = Code(.limit)
        /// A JSON document (messages, expectations, context) is malformed.
        public static let json = Code(.json)
        /// The flow was disabled after repeated failures.
        public static let disabled = Code(.disabled)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The flow file (or data file) concerned, when known.
    public var file: String?
    /// The line in ``file``, when known.
    public var line: Int?
    /// The node concerned, when known.
    public var node: String?
    /// Problems found while checking the flow (for `.invalid`).
    public var diagnostics: [FlowDiagnostic]

    public init(
        code: Code,
        message: String,
        file: String? = nil,
        line: Int? = nil,
        node: String? = nil,
        diagnostics: [FlowDiagnostic] = []
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.node = node
        self.diagnostics = diagnostics
    }

    /// `file:line: message`, the form editors and CI logs understand.
    public var description: String {
        var prefix = ""
        if let file {
            prefix = file + ":"
            if let line { prefix += "\(line):" }
            prefix += " "
        }
        if message.hasPrefix(prefix.dropLast()) { return message }
        return prefix + message
    }
}

extension FlowError: Equatable {
    public static func == (lhs: FlowError, rhs: FlowError) -> Bool { lhs.code == rhs.code }
}

extension FlowError {
    /// Maps a Lua error from the runtime onto a flow error.
    init(_ error: LuaError, file: String) {
        let code: Code =
            switch error.code {
            case .syntax: .syntax
            case .memory, .instructionLimit, .timeLimit: .limit
            default: .runtime
            }
        // When the message names a position in the flow file, that is the line an integrator needs,
        // even if the innermost frame was runtime code (a constructor or a guard) reporting it.
        if let line = LuaState.line(in: error.message, chunkName: file) {
            self.init(code: code, message: error.message, file: file, line: line)
        } else {
            self.init(code: code, message: error.message, file: error.source ?? file, line: error.line)
        }
    }
}
