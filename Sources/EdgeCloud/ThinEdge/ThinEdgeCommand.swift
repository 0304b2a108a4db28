import EdgeFlows

/// One command instance received on `te/<id>/cmd/<operation>/<id>`.
///
/// The whole payload is kept in ``fields`` so status updates carry every field the requester
/// (or a workflow) put there: thin-edge requires unknown fields to be preserved.
public struct ThinEdgeCommand: Sendable, Hashable {
    public var operation: String
    public var id: String
    public var topic: String
    public var status: CommandStatus
    /// Every field of the payload, `status` included.
    public var fields: [String: LuaValue]

    public init(operation: String, id: String, topic: String, status: CommandStatus, fields: [String: LuaValue]) {
        self.operation = operation
        self.id = id
        self.topic = topic
        self.status = status
        self.fields = fields
    }

    /// What a received command-topic payload means.
    public enum Parsed: Sendable, Hashable {
        /// An empty payload: the requester cleared the command; nothing to do.
        case cleared
        /// A well-formed command in some status.
        case command(ThinEdgeCommand)
        /// Not a usable command; answer `failed` with this reason.
        case malformed(reason: String)
    }

    /// Reads a command payload; never throws, as bad input becomes ``Parsed/malformed(reason:)``.
    public static func parse(operation: String, id: String, topic: String, payload: [UInt8]) -> Parsed {
        if payload.isEmpty { return .cleared }
        let text = String(decoding: payload, as: UTF8.self)
        let value: LuaValue
        do {
            value = try FlowJSON.decode(text)
        } catch {
            return .malformed(reason: "payload is not JSON: \(error.message)")
        }
        guard case .table(let table) = value, value.isJSONObject else {
            return .malformed(
                reason: "payload must be a JSON object, got \(value.typeName == "table" ? "an array" : value.typeName)"
            )
        }
        var fields: [String: LuaValue] = [:]
        for (key, inner) in table {
            if case .string(let name) = key { fields[name] = inner }
        }
        guard let rawStatus = fields["status"] else {
            return .malformed(reason: "field 'status' is missing")
        }
        guard case .string(let status) = rawStatus else {
            return .malformed(reason: "field 'status' must be a string, got \(rawStatus.typeName)")
        }
        return .command(
            ThinEdgeCommand(
                operation: operation,
                id: id,
                topic: topic,
                status: CommandStatus(rawValue: status),
                fields: fields
            )
        )
    }

    /// The retained status update: every received field, the new status, `reason` when failed,
    /// and `results` merged in (results never overwrite `status`).
    public func update(_ status: CommandStatus, reason: String? = nil, results: [String: LuaValue] = [:]) -> MQTTMessage
    {
        var payload = fields
        for (key, value) in results where key != "status" { payload[key] = value }
        payload["status"] = .string(status.rawValue)
        if let reason { payload["reason"] = .string(reason) }
        return ThinEdgeModel.message(topic, .record(payload), retain: true)
    }

    /// The answer to a payload that is not a command at all: `{"status":"failed","reason":…}`.
    public static func failure(topic: String, reason: String) -> MQTTMessage {
        ThinEdgeModel.message(topic, .record(["status": .string("failed"), "reason": .string(reason)]), retain: true)
    }
}

extension LuaValue {
    /// True for a table that FlowJSON would write as an object (string keys, or empty).
    var isJSONObject: Bool {
        guard case .table(let table) = self else { return false }
        return table.isEmpty || table.keys.allSatisfy { if case .string = $0 { true } else { false } }
    }
}
