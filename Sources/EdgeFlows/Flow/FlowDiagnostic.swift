/// One problem found by checking a flow: `file:line: severity: message`.
public struct FlowDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public struct Severity: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        /// The flow cannot run.
        public static let error = Severity(description: "error")
        /// The flow runs but probably not as intended (unreachable node, unwired output).
        public static let warning = Severity(description: "warning")
    }

    public var severity: Severity
    public var file: String
    public var line: Int?
    public var node: String?
    public var message: String

    public init(severity: Severity, file: String, line: Int?, node: String?, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.node = node
        self.message = message
    }

    public var description: String {
        "\(file):\(line.map(String.init) ?? "1"): \(severity): \(message)"
    }
}
