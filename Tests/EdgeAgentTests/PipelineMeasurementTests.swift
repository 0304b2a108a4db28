import EdgeAgent
import EdgeCloud
import Foundation
import Testing

/// The `edgemlops_pipeline_<name>` measurement: trigger counters appear for triggered
/// pipelines (rejected MQTT payloads included), not for free-running ones.
@Suite("Pipeline measurement")
struct PipelineMeasurementTests {
    static func values(_ statistics: PipelineStatistics) throws -> [String: Any] {
        let message = try #require(
            MonitoringService.measurement(statistics, framesSince: 30, seconds: 2, model: ThinEdgeModel(), time: 1_800_000_000))
        #expect(message.topic.hasSuffix("/m/edgemlops_pipeline_\(statistics.name)"), "\(message.topic)")
        return try #require(try JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any])
    }

    @Test("Free-running: frames, drops and queue depth, no trigger counters")
    func freeRunning() throws {
        var statistics = PipelineStatistics(name: "line1")
        statistics.captured = 40
        statistics.inferred = 30
        statistics.dropped = 10
        let values = try Self.values(statistics)
        #expect(values["fps"] as? Double == 15)
        #expect(values["inferred"] as? Int == 30 && values["dropped"] as? Int == 10)
        #expect(values["triggers"] == nil && values["rejected_triggers"] == nil)
    }

    @Test("Triggered: triggers, missed and rejected triggers, even when every message so far was rejected",
          arguments: [(UInt64(0), UInt64(2)), (UInt64(5), UInt64(0))])
    func triggered(triggers: UInt64, rejected: UInt64) throws {
        var statistics = PipelineStatistics(name: "line2")
        statistics.triggers = triggers
        statistics.missedTriggers = triggers > 0 ? 1 : 0
        statistics.rejectedTriggers = rejected
        let values = try Self.values(statistics)
        #expect(values["triggers"] as? Int == Int(triggers))
        #expect(values["missed_triggers"] as? Int == (triggers > 0 ? 1 : 0))
        #expect(values["rejected_triggers"] as? Int == Int(rejected))
    }
}
