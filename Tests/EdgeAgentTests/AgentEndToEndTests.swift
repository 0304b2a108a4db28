import EdgeAgent
import EdgeCloud
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Synchronization
import Testing

/// The whole agent in-process against a real mosquitto: a scripted line of good and defective
/// parts must produce the registration, health, measurements, the defect-rate alarm raised
/// and cleared, and on shutdown an empty outbox and health `down`.
///
/// The backend answers from the script (the part the line put in front of the camera) instead of
/// a trained model: this test is about the agent's plumbing; model accuracy is the training's.
@Suite("Agent end to end", .serialized)
struct AgentEndToEndTests {
    /// Labels by frame sequence number.
    final class ScriptedBackend: InferenceBackend {
        let script: [String]
        /// Indexed by inference, not by frame sequence: the newest-frame slot may drop frames
        /// under load, and a dropped frame must not drop a scripted verdict.
        let calls = Mutex(0)
        var modelName: String { "scripted" }
        init(script: [String]) { self.script = script }
        func infer(_ frame: CameraFrame) throws(InferenceBackendError) -> InferenceResult {
            let index = calls.withLock { count in
                defer { count += 1 }
                return count
            }
            let label = script[min(index, script.count - 1)]
            return InferenceResult(label: label, score: 0.95, scores: [label: 0.95], latencyMilliseconds: 1)
        }
    }

    static var repositoryRoot: String { String(#filePath.split(separator: "/Tests/")[0]) }

    @Test("Scripted parts → registration, health, measurements, alarm raised and cleared; shutdown drains")
    func scriptedLine() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }

        // 12 good parts, 6 dented (defect rate over the last 10 rises above 20%), then good ones
        // until the rate is back under 10%; the last label repeats for any later frame.
        let script = Array(repeating: "ok", count: 12) + Array(repeating: "dent", count: 6) + Array(repeating: "ok", count: 20)
        let text = """
            [state]
            directory = "\(directory.path)"
            [broker]
            host = "\(broker.host)"
            port = \(broker.port)
            [monitoring]
            interval_s = 1
            [[pipelines]]
            name = "line1"
            width = 32
            height = 32
            fps = 40
            model = "scripted"
            flows = "\(directory.path)/flows"
            """
        try FileManager.default.createDirectory(atPath: directory.path + "/flows", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.repositoryRoot + "/flows/defect_rate_alarm.lua", toPath: directory.path + "/flows/defect_rate_alarm.lua")
        let configuration = try AgentConfiguration.parse(text, file: "e2e.toml")
        let line = try SyntheticInspectionLine(configuration: .init(width: 32, height: 32))
        let logger = Logger(label: "test.agent")
        let source = SyntheticFrameSource.make(line: line, fps: 40, logger: logger)
        let runtime = try AgentRuntime(
            configuration: configuration, configurationPath: nil, environment: [:], sources: ["line1": source],
            backendFactory: { _, _ in ScriptedBackend(script: script) }, logger: logger)

        let inbox = try await BrokerObserver.start(broker, logger: logger)
        defer { inbox.stop() }

        let running = Task { try await runtime.run() }
        let service = "te/device/main/service/edgemlops"
        let alarmTopic = service + "/a/defect_rate"
        func payloads(_ topic: String) -> [String] { inbox.payloads(topic) }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let alarms = payloads(alarmTopic)
            let measured = !payloads(service + "/m/edgemlops_pipeline_line1").isEmpty
            if measured, alarms.contains(where: { !$0.isEmpty }), alarms.last == "" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        await runtime.shutdown()
        try await running.value
        try await Task.sleep(for: .milliseconds(300))

        let registration = try #require(payloads(service).first)
        #expect(registration.contains("\"@type\":\"service\""))
        #expect(payloads(service + "/status/health").first?.contains("\"status\":\"up\"") == true)
        #expect(payloads(service + "/status/health").last == "{\"status\":\"down\"}")
        let measurement = try #require(payloads(service + "/m/edgemlops_pipeline_line1").last)
        for field in ["\"fps\"", "\"dropped\"", "\"queue_depth\"", "\"latency_p50_ms\"", "\"latency_p99_ms\""] {
            #expect(measurement.contains(field), "measurement \(measurement) lacks \(field)")
        }
        let alarms = payloads(alarmTopic)
        let raised = try #require(alarms.firstIndex { !$0.isEmpty }, "alarm never raised: \(alarms)")
        #expect(alarms[raised].contains("\"severity\":\"major\""))
        #expect(alarms[(raised + 1)...].contains(""), "alarm never cleared: \(alarms)")
        #expect(runtime.connector.outbox.statistics.pendingMessages == 0)
        let statistics = try #require(runtime.pipelines.first?.statistics)
        #expect(statistics.inferred >= UInt64(18))
        #expect(statistics.verdicts["dent"] == 6)
    }
}
