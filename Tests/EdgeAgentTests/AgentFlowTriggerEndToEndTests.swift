import EdgeAgent
import EdgeCloud
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Testing

/// `trigger = "flow"`: a software condition in a flow triggers another pipeline. Here an
/// overview camera's defective verdicts make a flow `capture` on the `detail` pipeline, which
/// inspects only then; its flows see `frame.trigger = "flow"` and the overview frame as the id.
@Suite("Agent flow trigger end to end", .serialized)
struct AgentFlowTriggerEndToEndTests {
    @Test("Overview verdicts → capture → one detail inspection each, named after the overview frame")
    func cascade() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let overviewFlows = directory.path + "/overview", detailFlows = directory.path + "/detail"
        for path in [overviewFlows, detailFlows] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try """
            return flow {
              name = "look-closer",
              nodes = {
                parts = verdict { label = "dent" },
                budget = rate_limit { rate = 4, per = 1 },
                closer = capture { reason = "dent_seen", pipeline = "detail" },
              },
              wires = { "parts -> budget -> closer" },
            }
            """.write(toFile: overviewFlows + "/closer.lua", atomically: true, encoding: .utf8)
        try """
            return flow {
              name = "detail-echo",
              nodes = {
                parts = verdict {},
                out = event { type = "detail", text = "{frame.trigger_id} via {frame.trigger}" },
              },
              wires = { "parts -> out" },
            }
            """.write(toFile: detailFlows + "/echo.lua", atomically: true, encoding: .utf8)
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(directory.path)"
            [broker]
            host = "\(broker.host)"
            port = \(broker.port)
            [monitoring]
            enabled = false
            [[pipelines]]
            name = "overview"
            width = 32
            height = 32
            fps = 10
            model = "always-dented"
            flows = "\(overviewFlows)"
            [[pipelines]]
            name = "detail"
            width = 32
            height = 32
            fps = 30
            trigger = "flow"
            trigger_queue = 4
            model = "always-ok"
            flows = "\(detailFlows)"
            """, file: "cascade.toml")
        let logger = Logger(label: "test.flow-trigger")
        let line = try SyntheticInspectionLine(configuration: .init(width: 32, height: 32))
        let runtime = try AgentRuntime(
            configuration: configuration, configurationPath: nil, environment: [:],
            sources: [
                "overview": SyntheticFrameSource.make(line: line, fps: 10, logger: logger),
                "detail": SyntheticFrameSource.make(line: line, fps: 30, logger: logger),
            ],
            backendFactory: { pipeline, _ in FixedBackend(label: pipeline.name == "overview" ? "dent" : "ok", score: 0.9) },
            logger: logger)
        let inbox = try await BrokerObserver.start(broker, logger: logger)
        defer { inbox.stop() }
        let running = Task { try await runtime.run() }
        let topic = "te/device/main/service/edgemlops/e/detail"
        func texts() -> [String] {
            inbox.payloads(topic).compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while texts().count < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        await runtime.shutdown()
        try await running.value

        let detail = try #require(runtime.pipelines.first { $0.configuration.name == "detail" }?.statistics)
        let overview = try #require(runtime.pipelines.first { $0.configuration.name == "overview" }?.statistics)
        #expect(texts().count >= 3, "\(texts())")
        #expect(texts().allSatisfy { $0.hasPrefix("overview-") && $0.hasSuffix(" via flow") }, "\(texts())")
        // A capture still selecting its frame at shutdown is counted as a trigger only.
        #expect(detail.inferred >= 3 && detail.inferred <= detail.triggers && detail.missedTriggers == 0)
        #expect(detail.captured > detail.inferred, "the detail camera free-runs; only captures are inspected")
        #expect(overview.inferred >= detail.triggers, "at most one capture per overview verdict")
    }
}
