import EdgeFlows

extension ThinEdgeModel {
    /// Retained, QoS 2 `te/<id>/a/<type>` ← `{"severity":…,"text":…,"time":t}`.
    ///
    /// QoS 2 as in thin-edge's own examples: the retained alarm must arrive exactly once.
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
        var message = Self.message(topics(for: entity ?? service.entity).alarm(type), .record(payload), retain: true)
        message.qos = .exactlyOnce
        return message
    }

    /// Retained, QoS 2, **empty** payload on `te/<id>/a/<type>`: clears the alarm.
    /// (`{}` would raise an alarm with default values instead.)
    public func clearAlarm(_ type: String, on entity: ThinEdgeEntity? = nil) -> MQTTMessage {
        MQTTMessage(topic: topics(for: entity ?? service.entity).alarm(type), payload: [UInt8](), qos: .exactlyOnce, retain: true)
    }
}
