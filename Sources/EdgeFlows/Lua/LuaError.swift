/// An error raised by Lua code or by the Lua host.
///
/// Equality compares the code only, so tests can match on the kind of failure.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case syntax, runtime, memory, handler, conversion, state, instructionLimit, timeLimit
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The chunk did not compile.
        public static let syntax = Code(.syntax)
        /// Lua code raised an error while running.
        public static let runtime = Code(.runtime)
        /// The state's memory cap was reached.
        public static let memory = Code(.memory)
        /// The error handler itself failed (usually out of memory while building the report).
        public static let handler = Code(.handler)
        /// A value could not be copied between Lua and Swift.
        public static let conversion = Code(.conversion)
        /// The state could not be created or is unusable.
        public static let state = Code(.state)

        /// The call ran more instructions than its budget allows.
        public static let instructionLimit = Code(.instructionLimit)
        /// The call ran longer than its wall-time budget allows.
        public static let timeLimit = Code(.timeLimit)

        public var description: String { base.rawValue }
    }

    public var code: Code
    /// Lua's message, including the `source:line:` prefix when Lua adds one.
    public var message: String
    /// The chunk (file) where the error happened, when known.
    public var source: String?
    /// The line in ``source``, when known.
    public var line: Int?
    /// Lua's stack traceback, when the error happened at run time.
    public var traceback: String?

    public init(code: Code, message: String, source: String? = nil, line: Int? = nil, traceback: String? = nil) {
        self.code = code
        self.message = message
        self.source = source
        self.line = line
        self.traceback = traceback
    }

    public var description: String {
        "Lua \(code) error: \(message)"
    }
}

extension LuaError: Equatable {
    public static func == (lhs: LuaError, rhs: LuaError) -> Bool { lhs.code == rhs.code }
}
