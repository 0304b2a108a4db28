import EdgeFlows

/// Turns agent facts into the exact `te/` messages thin-edge.io expects.
///
/// Payloads are JSON with sorted keys (``FlowJSON``, the same encoder the flows use, so the
/// repository has one JSON implementation). Which messages are retained and at what QoS
/// follows docs/connector.md, which cites the thin-edge reference for each rule.
public struct ThinEdgeModel: Sendable, Hashable {
    /// thin-edge's `c8y.mapper.mqtt.max_payload_size`: Cumulocity takes 16 KiB per MQTT
    /// message, and the mapper keeps 200 bytes for its own envelope. Checked on topic + payload.
    public static let maximumMessageBytes = 16_184

    /// The service this agent registers as (its topics carry health, commands and telemetry).
    public var service: ThinEdgeTopics
    /// The service's `type` in its registration (thin-edge's own services say `service` or `systemd`).
    public var serviceType: String

    public init(
        root: String = "te",
        device: String = "main",
        service: String = "edgemlops",
        serviceType: String = "service"
    ) {
        self.service = ThinEdgeTopics(root: root, entity: ThinEdgeEntity(device: device, service: service))
        self.serviceType = serviceType
    }

    /// Topics for another entity under the same root (a child device such as a camera).
    public func topics(for entity: ThinEdgeEntity) -> ThinEdgeTopics {
        ThinEdgeTopics(root: service.root, entity: entity)
    }

    /// Retained `{"@parent":"device/main//","@type":"service","name":…,"type":…}`.
    public func serviceRegistration() -> MQTTMessage {
        let payload: LuaValue = .record([
            "@type": .string("service"),
            "@parent": .string(service.entity.deviceEntity.topicID),
            "name": .string(service.entity.service ?? ""),
            "type": .string(serviceType),
        ])
        return Self.message(service.registration, payload, retain: true)
    }

    /// Retained `{"@type":"child-device","name":…,"type":…}` for a camera or other child device.
    public func childDeviceRegistration(_ device: String, type: String) -> MQTTMessage {
        let child = topics(for: ThinEdgeEntity(device: device))
        let payload: LuaValue = .record([
            "@type": .string("child-device"),
            "@parent": .string(service.entity.deviceEntity.topicID),
            "name": .string(device),
            "type": .string(type),
        ])
        return Self.message(child.registration, payload, retain: true)
    }

    /// One JSON message at QoS 1.
    static func message(_ topic: String, _ payload: LuaValue, retain: Bool = false) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: FlowJSON.encode(payload), qos: .atLeastOnce, retain: retain)
    }

    /// `time` as thin-edge takes it: Unix seconds, whole when whole.
    static func time(_ seconds: Double) -> LuaValue {
        if seconds == seconds.rounded(), let whole = Int64(exactly: seconds) { return .integer(whole) }
        return .number(seconds)
    }

    /// Throws ``ConnectorError/Code/oversize`` unless the message fits thin-edge's limit.
    public static func checkSize(_ message: MQTTMessage) throws(ConnectorError) {
        let size = message.topic.utf8.count + message.payload.count
        guard size <= maximumMessageBytes else {
            throw ConnectorError(
                code: .oversize,
                message:
                    "message of \(size) bytes exceeds thin-edge's \(maximumMessageBytes)-byte limit (send images with tedge upload, not MQTT)",
                topic: message.topic
            )
        }
    }
}
