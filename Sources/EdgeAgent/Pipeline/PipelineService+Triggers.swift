import Dispatch
import EdgeFlows
import EdgeVision
import Logging
import Synchronization

extension PipelineService {
    /// Event-triggered pipelines (`mqtt`, `gpio`): for each event, the first frame exposed at or
    /// after event time + `trigger_delay_ms` is taken from the camera ring (the camera free-runs,
    /// so the ring is the pre/post-trigger window) and offered for inference. Events are taken
    /// in order and queued (`trigger_queue`); a trigger whose frame does not arrive within
    /// `trigger_timeout_ms` is counted as missed and logged.
    func relayTriggers(_ trigger: any TriggerSource) async {
        let selector = FrameSelector(
            delayNs: UInt64(configuration.triggerDelayMilliseconds) * 1_000_000,
            timeoutNs: UInt64(configuration.triggerTimeoutMilliseconds) * 1_000_000)
        // The ring wait blocks a thread: keep it off the cooperative pool.
        let queue = DispatchQueue(label: "trigger-\(configuration.name)")
        let ring = source.ring
        for await event in trigger.events {
            statisticsBox.withLock { $0.triggers += 1 }
            let selection = await withCheckedContinuation { continuation in
                queue.async { continuation.resume(returning: Result { () throws(PreprocessError) in try selector.select(for: event, from: ring) }) }
            }
            switch selection {
            case .success(.frame(let frame, _)), .success(.blurred(let frame, _)):
                if slot.offer(PipelineFrame(frame: frame, trigger: event)) {
                    logger.warning(
                        "trigger backlog full: the oldest triggered frame was dropped",
                        metadata: ["pipeline": "\(configuration.name)", "trigger_queue": "\(slot.capacity)"])
                }
            case .success(.missed):
                statisticsBox.withLock { $0.missedTriggers += 1 }
                logger.warning(
                    "trigger missed: no frame within the timeout",
                    metadata: [
                        "pipeline": "\(configuration.name)", "trigger": "\(Self.describe(event.origin))",
                        "trigger_timeout_ms": "\(configuration.triggerTimeoutMilliseconds)",
                    ])
            case .failure(let error):
                statisticsBox.withLock { $0.missedTriggers += 1 }
                logger.warning("trigger frame not usable", metadata: ["pipeline": "\(configuration.name)", "error": "\(error)"])
            }
        }
    }

    /// The `frame` fields a trigger adds for the flows: `trigger` (kind), `trigger_id` (MQTT
    /// payload id, or the flow's capture id), `gpio_line`, `trigger_delay_ms` (event → chosen
    /// frame's exposure).
    static func triggerFields(_ event: TriggerEvent?, frame: CameraFrame, kind: PipelineConfiguration.Trigger) -> [String: LuaValue] {
        guard let event else { return [:] }
        var fields: [String: LuaValue] = [
            "trigger_delay_ms": .number(Double(frame.timestampNs &- event.timestampNs) / 1e6)
        ]
        switch event.origin {
        case .continuous, .interval:
            fields["trigger"] = .string("periodic")
        case .external(let id):
            fields["trigger"] = .string(kind == .flow ? "flow" : "mqtt")
            fields["trigger_id"] = .string(id)
        case .gpio(let line, _, _):
            fields["trigger"] = .string("gpio")
            fields["gpio_line"] = .number(Double(line))
        }
        return fields
    }

    static func describe(_ origin: TriggerEvent.Origin) -> String {
        switch origin {
        case .continuous: "continuous"
        case .interval: "interval"
        case .external(let id): "id \(id)"
        case .gpio(let line, let sequence, _): "gpio line \(line) edge \(sequence)"
        }
    }
}
