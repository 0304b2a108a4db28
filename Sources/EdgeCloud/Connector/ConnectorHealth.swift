/// The connector's own view of its link, for the agent's status and logs.
public struct ConnectorHealth: Sendable, Hashable {
    /// Whether the broker has accepted the connection and it has not dropped since.
    public var connected = false
    /// Connections accepted so far (more than one means reconnects).
    public var connections = 0
    /// Connection attempts the broker refused (credentials, client id).
    public var refusals = 0
    /// Why the last attempt failed (refused credentials, unreachable address, bad certificate).
    public var lastError: String?
    /// Messages acknowledged by the broker since start.
    public var acknowledged = 0

    public init() {}
}
