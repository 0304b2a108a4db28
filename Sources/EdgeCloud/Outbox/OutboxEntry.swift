/// Whether the outbox may drop a message to stay within its bounds.
public enum OutboxPriority: Int, Sendable, Hashable {
    /// Measurements and events: evicted oldest first when the outbox is full.
    case telemetry = 0
    /// Retained state (alarms, health, twin, registration, command status): never evicted.
    case state = 1
}

/// A stored message waiting for the broker's acknowledgement.
public struct OutboxEntry: Sendable, Hashable {
    /// Increases by one per stored message and never repeats, across restarts: receivers
    /// de-duplicate redeliveries by it.
    public var sequence: Int64
    public var message: MQTTMessage
    public var priority: OutboxPriority
}

/// What the outbox holds and has dropped.
public struct OutboxStatistics: Sendable, Hashable {
    public var pendingMessages: Int
    public var pendingBytes: Int
    /// Telemetry dropped to stay within the bounds, since this process opened the outbox.
    public var dropped: Int
    /// The last sequence number handed out.
    public var lastSequence: Int64
}
