import EdgeFlows

extension ThinEdgeModel {
    /// Retained `…/status/health` ← `{"pid":…,"status":"up","time":t}`.
    public func healthUp(pid: Int, time: Double) -> MQTTMessage {
        Self.message(
            service.health,
            .record(["pid": .integer(Int64(pid)), "status": .string("up"), "time": Self.time(time)]),
            retain: true
        )
    }

    /// The last will: retained `{"status":"down"}`, published by the broker if we vanish.
    public func healthDown() -> MQTTMessage {
        Self.message(service.health, .record(["status": .string("down")]), retain: true)
    }

    /// Retained `te/<id>/cmd/<operation>` ← `{}` or metadata: announces that we handle it.
    public func capability(_ operation: String, metadata: [String: LuaValue] = [:]) -> MQTTMessage {
        Self.message(service.capability(operation), .record(metadata), retain: true)
    }
}
