import EdgeCloud
import EdgeFlows
import Logging
import ServiceLifecycle

/// Publishes each pipeline's measurements every interval: frames/s, latency p50/p99 (frame
/// timestamp → verdict), model time, drops and queue depth of the frame mailbox, failures.
/// The lifecycle work's drift monitor hooks in through `extraMeasurements`.
public final class MonitoringService: Service, CustomStringConvertible {
    /// The running pipelines (they change on reload).
    let pipelines: @Sendable () -> [PipelineService]
    let connector: Connector
    let interval: Duration
    let logger: Logger
    /// Additional measurement producers (model drift, sample spool) called each interval.
    let extraMeasurements: [@Sendable () -> [MQTTMessage]]

    public var description: String { "monitoring" }

    public init(
        pipelines: @escaping @Sendable () -> [PipelineService], connector: Connector, interval: Duration, logger: Logger,
        extraMeasurements: [@Sendable () -> [MQTTMessage]] = []
    ) {
        self.pipelines = pipelines
        self.connector = connector
        self.interval = interval
        self.logger = logger
        self.extraMeasurements = extraMeasurements
    }

    public func run() async throws {
        var previous: [ObjectIdentifier: UInt64] = [:]
        let clock = ContinuousClock()
        var last = clock.now
        while (try? await Task.sleep(for: interval)) != nil, !Task.isShuttingDownGracefully {
            let now = clock.now
            let seconds = Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds)
            last = now
            for pipeline in pipelines() {
                let statistics = pipeline.statistics
                let before = previous[ObjectIdentifier(pipeline)] ?? 0
                let message = Self.measurement(statistics, framesSince: statistics.inferred - before, seconds: seconds, model: connector.model, time: Connector.wallClock())
                previous[ObjectIdentifier(pipeline)] = statistics.inferred
                if let message { _ = try? connector.publish(message, priority: .telemetry) }
            }
            for producer in extraMeasurements {
                for message in producer() { _ = try? connector.publish(message, priority: .telemetry) }
            }
        }
    }

    /// The `edgemlops_pipeline` measurement of one pipeline.
    public static func measurement(
        _ statistics: PipelineStatistics, framesSince: UInt64, seconds: Double, model: ThinEdgeModel, time: Double
    ) -> MQTTMessage? {
        var values: [String: LuaValue] = [
            "fps": .number(seconds > 0 ? Double(framesSince) / seconds : 0),
            "inferred": .integer(Int64(statistics.inferred)),
            "captured": .integer(Int64(statistics.captured)),
            "dropped": .integer(Int64(statistics.dropped)),
            "queue_depth": .integer(Int64(statistics.queueDepth)),
            "failures": .integer(Int64(statistics.failures)),
        ]
        if statistics.triggers > 0 || statistics.rejectedTriggers > 0 {
            values["triggers"] = .integer(Int64(statistics.triggers))
            values["missed_triggers"] = .integer(Int64(statistics.missedTriggers))
            values["rejected_triggers"] = .integer(Int64(statistics.rejectedTriggers))
        }
        if let p50 = statistics.latency.percentile(50) { values["latency_p50_ms"] = .number(p50) }
        if let p99 = statistics.latency.percentile(99) { values["latency_p99_ms"] = .number(p99) }
        if let model50 = statistics.modelLatency.percentile(50) { values["model_p50_ms"] = .number(model50) }
        return try? model.measurement("edgemlops_pipeline_\(statistics.name)", values: values, time: time)
    }
}
