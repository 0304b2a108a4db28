import EdgeFlows

extension ThinEdgeModel {
    /// `te/<id>/m/<type>` ← `{"<series>": number, …, "time": t}`; never retained.
    ///
    /// Values are numbers or one level of groups of numbers (`{"current":{"L1":9.5}}`), as
    /// thin-edge accepts nothing else.
    public func measurement(_ type: String, values: [String: LuaValue], time: Double, on entity: ThinEdgeEntity? = nil)
        throws(ConnectorError) -> MQTTMessage
    {
        let topic = topics(for: entity ?? service.entity).measurement(type)
        guard !values.isEmpty else {
            throw ConnectorError(code: .invalidValue, message: "a measurement needs at least one value", topic: topic)
        }
        var payload: [String: LuaValue] = ["time": Self.time(time)]
        for (name, value) in values {
            guard name != "time" else {
                throw ConnectorError(
                    code: .invalidValue,
                    message: "'time' is reserved in a measurement",
                    topic: topic,
                    field: name
                )
            }
            payload[name] = try Self.measurementValue(value, topic: topic, field: name, nested: true)
        }
        return Self.message(topic, .record(payload))
    }

    static func measurementValue(_ value: LuaValue, topic: String, field: String, nested: Bool) throws(ConnectorError)
        -> LuaValue
    {
        switch value {
        case .integer, .number:
            if let d = value.numberValue, !d.isFinite {
                throw ConnectorError(
                    code: .invalidValue,
                    message: "measurement value \(d) is not finite",
                    topic: topic,
                    field: field
                )
            }
            return value
        case .table(let group) where nested && !group.isEmpty:
            var out: [LuaValue: LuaValue] = [:]
            for (key, inner) in group {
                guard case .string(let name) = key else {
                    throw ConnectorError(
                        code: .invalidValue,
                        message: "measurement group keys must be names",
                        topic: topic,
                        field: field
                    )
                }
                out[key] = try measurementValue(inner, topic: topic, field: "\(field).\(name)", nested: false)
            }
            return .table(out)
        default:
            throw ConnectorError(
                code: .invalidValue,
                message: "measurement values must be numbers, got \(value.typeName)",
                topic: topic,
                field: field
            )
        }
    }

    /// Retained `te/<id>/m/<type>/meta` ← `{"<series>":{"unit":"°C"}}`.
    public func measurementUnits(_ type: String, units: [String: String], on entity: ThinEdgeEntity? = nil)
        -> MQTTMessage
    {
        let topic = topics(for: entity ?? service.entity).measurementMetadata(type)
        var payload: [String: LuaValue] = [:]
        for (series, unit) in units { payload[series] = .record(["unit": .string(unit)]) }
        return Self.message(topic, .record(payload), retain: true)
    }

    /// `te/<id>/e/<type>` ← `{"text":…,"time":t, <fragments>}`; never retained.
    public func event(
        _ type: String,
        text: String,
        time: Double,
        fragments: [String: LuaValue] = [:],
        on entity: ThinEdgeEntity? = nil
    ) -> MQTTMessage {
        var payload = fragments
        payload["text"] = .string(text)
        payload["time"] = Self.time(time)
        return Self.message(topics(for: entity ?? service.entity).event(type), .record(payload))
    }

    /// Retained `te/<id>/twin/<fragment>` ← any JSON value; `nil` deletes the fragment (empty payload).
    public func twin(_ fragment: String, value: LuaValue?, on entity: ThinEdgeEntity? = nil) -> MQTTMessage {
        let topic = topics(for: entity ?? service.entity).twin(fragment)
        guard let value, value != .nil else {
            return MQTTMessage(topic: topic, payload: [UInt8](), qos: .atLeastOnce, retain: true)
        }
        return Self.message(topic, value, retain: true)
    }
}
