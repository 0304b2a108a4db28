import EdgeFlows

extension ThinEdgeModel {
    /// Retained, QoS 1 `te/<id>/a/<type>` ← `{"severity":…,"text":…,"time":t}`.
    ///
    /// thin-edge asks for QoS ≥ 1. Not 2: the broker forwards a QoS 2 message only after the
    /// PUBREL, so a later QoS 1 message (the clear, or telemetry) could overtake it. One QoS
    /// for everything keeps the outbox's order on the wire.
    public func raiseAlarm(
        _ type: String,
        severity: AlarmSeverity,
        text: String,
        time: Double,
        fragments: [String: LuaValue] = [:],
        on entity: ThinEdgeEntity? = nil
    ) -> MQTTMessage {
        var payload = fragments
        payload["severity"] = .string(severity.rawValue)
        payload["text"] = .string(text)
        payload["time"] = Self.time(time)
        return Self.message(topics(for: entity ?? service.entity).alarm(type), .record(payload), retain: true)
    }

    /// Retained, QoS 1, **empty** payload on `te/<id>/a/<type>`: clears the alarm.
    /// (`{}` would raise an alarm with default values instead.)
    public func clearAlarm(_ type: String, on entity: ThinEdgeEntity? = nil) -> MQTTMessage {
        MQTTMessage(
            topic: topics(for: entity ?? service.entity).alarm(type),
            payload: [UInt8](),
            qos: .atLeastOnce,
            retain: true
        )
    }
}
