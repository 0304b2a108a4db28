/// Everything the connector needs: the broker, the thin-edge names, and the outbox.
public struct ConnectorConfiguration: Sendable, Hashable {
    /// The broker; its `will` is replaced by the service's `{"status":"down"}`.
    public var mqtt: MQTTConfiguration
    public var model: ThinEdgeModel
    public var outbox: OutboxConfiguration
    /// Messages handed to libmosquitto and not yet acknowledged, at most.
    public var window: Int
    /// When set, event payloads carry `"<field>": <outbox sequence>` for de-duplication.
    /// Only events: measurement values must be numbers, and thin-edge would chart it.
    public var sequenceField: String?

    public init(
        mqtt: MQTTConfiguration,
        model: ThinEdgeModel = ThinEdgeModel(),
        outbox: OutboxConfiguration,
        window: Int = 256,
        sequenceField: String? = "seq"
    ) {
        self.mqtt = mqtt
        self.model = model
        self.outbox = outbox
        self.window = window
        self.sequenceField = sequenceField
    }
}
