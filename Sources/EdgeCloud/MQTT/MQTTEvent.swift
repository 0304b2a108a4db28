/// Connection-level happenings, delivered in order on ``MQTTClient/events``.
public enum MQTTEvent: Sendable, Hashable {
    /// The broker accepted the connection (CONNACK 0).
    case connected
    /// The broker refused the connection; `reason` is libmosquitto's text for the CONNACK code.
    case refused(code: Int32, reason: String)
    /// The connection ended; `expected` is true after ``MQTTClient/disconnect()``.
    case disconnected(code: Int32, expected: Bool)
    /// The broker acknowledged a message (QoS 1/2) or it was written (QoS 0).
    case published(messageID: Int32)
}
