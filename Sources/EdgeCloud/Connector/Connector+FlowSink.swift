import EdgeFlows
import Logging
import Synchronization

/// The flow engine's outputs become thin-edge messages; see docs/connector.md for the table.
///
/// `deliver` runs on a flow's executor: it only checks and stores (one SQLite insert), the pump
/// sends. Outputs that cannot be published are logged, never thrown back into the flow.
extension Connector: FlowSink {
    public func deliver(_ output: FlowOutput) {
        do {
            try deliverThrowing(output)
        } catch {
            logger.warning(
                "flow output not published",
                metadata: [
                    "flow": "\(output.flow)", "flow.node": "\(output.node)", "flow.kind": "\(output.kind)",
                    "connector.error": "\(error)",
                ]
            )
        }
    }

    func deliverThrowing(_ output: FlowOutput) throws(ConnectorError) {
        let fields = output.fields
        let time = clock()
        switch output.kind {
        case .measurement:
            let series = try Self.string(fields, "series", output)
            var values: [String: LuaValue] = [:]
            for (key, value) in fields["values"]?.tableValue ?? [:] {
                if case .string(let name) = key { values[name] = value }
            }
            if let unit = fields["unit"]?.stringValue, !unit.isEmpty {
                let first = state.withLock { $0.unitsPublished.insert(series).inserted }
                if first {
                    let units = Dictionary(uniqueKeysWithValues: values.keys.map { ($0, unit) })
                    try publish(model.measurementUnits(series, units: units), priority: .state)
                }
            }
            try publish(model.measurement(series, values: values, time: time), priority: .telemetry)
        case .event:
            let type = try Self.string(fields, "type", output)
            try publish(
                model.event(type, text: fields["text"]?.stringValue ?? type, time: time),
                priority: .telemetry,
                sequenced: true
            )
        case .alarm:
            let type = try Self.string(fields, "type", output)
            if fields["action"]?.stringValue == "clear" {
                try publish(model.clearAlarm(type), priority: .state)
            } else {
                let raw = fields["severity"]?.stringValue ?? "major"
                guard let severity = AlarmSeverity(rawValue: raw) else {
                    throw ConnectorError(
                        code: .invalidValue,
                        message: "unknown alarm severity '\(raw)' from \(output.flow)/\(output.node)",
                        field: "severity"
                    )
                }
                try publish(
                    model.raiseAlarm(type, severity: severity, text: fields["text"]?.stringValue ?? type, time: time),
                    priority: .state
                )
            }
        case .twin:
            let fragment = try Self.string(fields, "fragment", output)
            try publish(model.twin(fragment, value: fields["value"] ?? .nil), priority: .state)
        case .error:
            let text = "\(output.flow)/\(output.node): \(fields["message"]?.stringValue ?? "error")"
            try publish(
                model.event("edgemlops_flow_error", text: text, time: time),
                priority: .telemetry,
                sequenced: true
            )
        default:
            // sample, capture, signal, log, debug: local to the device (images never go over MQTT).
            localOutputs?(output)
        }
    }

    static func string(_ fields: LuaValue, _ name: String, _ output: FlowOutput) throws(ConnectorError) -> String {
        guard let value = fields[name]?.stringValue, !value.isEmpty else {
            throw ConnectorError(
                code: .invalidValue,
                message: "\(output.kind) output from \(output.flow)/\(output.node) has no '\(name)'",
                field: name
            )
        }
        return value
    }
}
