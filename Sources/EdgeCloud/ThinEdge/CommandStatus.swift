/// A command instance's `status`.
///
/// thin-edge.io lets agents insert their own intermediate states (`validating`, `downloading`,
/// …); requesters must ignore statuses they do not know, so this is open, not an enum.
public struct CommandStatus: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let initial = CommandStatus(rawValue: "init")
    public static let executing = CommandStatus(rawValue: "executing")
    public static let successful = CommandStatus(rawValue: "successful")
    public static let failed = CommandStatus(rawValue: "failed")

    /// Whether the command has ended.
    public var isTerminal: Bool { self == .successful || self == .failed }
}
