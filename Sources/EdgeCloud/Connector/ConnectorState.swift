/// The connector's mutable state, always accessed under its mutex.
struct ConnectorState {
    var health = ConnectorHealth()
    /// libmosquitto message id → outbox sequence and QoS, for messages handed over and not acknowledged.
    var inflight: [Int32: (sequence: Int64, qos: MQTTQoS)] = [:]
    /// Acknowledgements that beat the publisher to registering the message id.
    var earlyAcks: Set<Int32> = []
    /// Sequences acknowledged, waiting to be removed from the outbox in one transaction.
    var acknowledged: [Int64] = []
    /// The highest sequence handed to libmosquitto; the pump continues after it.
    var cursor: Int64 = 0
    /// Drops already reported as a measurement and an alarm.
    var reportedDrops = 0
    /// Measurement types whose units were already published.
    var unitsPublished: Set<String> = []
    var handlers: [String: ConnectorCommandHandler] = [:]
}
