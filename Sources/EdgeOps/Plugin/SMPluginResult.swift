/// What the plugin prints and how it exits.
public struct SMPluginResult: Sendable, Equatable {
    /// thin-edge's exit codes.
    public struct ExitCode: Hashable, Sendable {
        public let rawValue: Int32
        public static let success = ExitCode(rawValue: 0)
        public static let usage = ExitCode(rawValue: 1)
        /// Failed; thin-edge does not retry.
        public static let failure = ExitCode(rawValue: 2)
        /// Another install holds the store; thin-edge may retry later.
        public static let retryLater = ExitCode(rawValue: 3)
        // 4 (timeout) is set by the thin-edge agent itself when a command runs too long.
    }

    public var exitCode: ExitCode
    public var stdout: String
    public var stderr: String

    public init(exitCode: ExitCode, stdout: String = "", stderr: String = "") {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }
}
