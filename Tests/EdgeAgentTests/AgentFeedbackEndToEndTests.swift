import EdgeAgent
import EdgeCloud
import EdgeOps
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Synchronization
import Testing

/// The agent's model feedback end to end: the `edgemlops_model` twin and measurement on a real
/// mosquitto, and samples — the built-in low-confidence rule and the example flow's `sample`
/// node — spooled as JPEG and uploaded through a stand-in for thin-edge's c8y proxy (identity
/// lookup, event, binary).
@Suite("Agent feedback end to end", .serialized)
struct AgentFeedbackEndToEndTests {
    static var repositoryRoot: String { String(#filePath.split(separator: "/Tests/")[0]) }

    @Test("Twin and model measurement published; low-confidence and flow samples uploaded as event + JPEG")
    func feedback() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let proxy = try CumulocityProxyStub()
        defer { proxy.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let flows = directory.path + "/flows"
        try FileManager.default.createDirectory(atPath: flows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.repositoryRoot + "/flows/low_confidence_sample.lua", toPath: flows + "/low_confidence_sample.lua")
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(directory.path)"
            [broker]
            host = "\(broker.host)"
            port = \(broker.port)
            [monitoring]
            interval_s = 1
            drift_window = 10
            [samples]
            external_id = "\(CumulocityProxyStub.knownExternalID)"
            proxy_port = \(proxy.port)
            interval_s = 1
            low_confidence = 0.5
            [[pipelines]]
            name = "line1"
            width = 64
            height = 48
            fps = 20
            model = "unsure"
            flows = "\(flows)"
            [[pipelines]]
            name = "line2"
            width = 64
            height = 48
            fps = 20
            model = "unsure"
            """, file: "feedback.toml")
        let logger = Logger(label: "test.feedback")
        let line = try SyntheticInspectionLine(configuration: .init(width: 64, height: 48))
        let runtime = try AgentRuntime(
            configuration: configuration, configurationPath: nil, environment: [:],
            sources: [
                "line1": SyntheticFrameSource.make(line: line, fps: 20, logger: logger),
                "line2": SyntheticFrameSource.make(line: line, fps: 20, logger: logger),
            ],
            backendFactory: { pipeline, _ in
                // line1 (with the flow) is unsure, but not below the rule's 50 %; line2 (no flows) is.
                FixedBackend(
                    label: "scratch", score: pipeline.name == "line1" ? 0.55 : 0.45,
                    model: ModelInfo(name: "unsure", version: "2.0.0", sha256: "ab12"))
            }, logger: logger)
        let inbox = try await BrokerObserver.start(broker, logger: logger)
        defer { inbox.stop() }
        let running = Task { try await runtime.run() }
        let service = "te/device/main/service/edgemlops"
        let deadline = ContinuousClock.now + .seconds(20)
        func binaries() -> [CumulocityProxyStub.Request] { proxy.requests.filter { $0.path.hasSuffix("/binaries") } }
        func texts() -> [String] { proxy.events.compactMap { $0["text"] as? String } }
        while ContinuousClock.now < deadline {
            let uploaded = texts()
            if uploaded.filter({ $0.hasPrefix("low_confidence:") }).count >= 2, uploaded.contains(where: { $0.hasPrefix("low confidence:") }),
                binaries().count >= uploaded.count, !inbox.payloads(service + "/m/edgemlops_model").isEmpty
            {
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        // A rule sample may still be on its way: let it land, event and image both.
        while ContinuousClock.now < deadline + .seconds(5), binaries().count < texts().count {
            try await Task.sleep(for: .milliseconds(100))
        }
        await runtime.shutdown()
        try await running.value

        let twin = try #require(inbox.payloads(service + "/twin/edgemlops_model").first)
        #expect(twin.contains(#""version":"2.0.0""#) && twin.contains(#""sha256":"ab12""#), "\(twin)")
        let measurement = try #require(inbox.payloads(service + "/m/edgemlops_model").last)
        #expect(measurement.contains("\"confidence\"") && measurement.contains("\"drift\""), "\(measurement)")

        let requests = proxy.requests
        #expect(requests.first?.method == "GET")
        #expect(requests.first?.path == "/c8y/identity/externalIds/c8y_Serial/\(CumulocityProxyStub.knownExternalID)")
        let events = proxy.events
        #expect(events.allSatisfy { ($0["source"] as? [String: Any])?["id"] as? String == CumulocityProxyStub.managedObjectID })
        let texts = texts()
        // The example flow on line1 asks for its first two frames below 60 %, at most two a minute;
        // the built-in rule takes one frame below 50 % per second — only line2's qualify.
        let fromFlow = texts.filter { $0.hasPrefix("low_confidence: scratch") }
        #expect(fromFlow == ["low_confidence: scratch (55 %) on line1", "low_confidence: scratch (55 %) on line1"], "\(texts)")
        let fromRule = texts.filter { $0.hasPrefix("low confidence: scratch") }
        #expect(!fromRule.isEmpty && fromRule.allSatisfy { $0 == "low confidence: scratch (45 %) on line2" }, "\(texts)")
        #expect(fromFlow.count + fromRule.count == texts.count, "\(texts)")
        let images = binaries()
        #expect(images.count == events.count && images.count >= 3)
        #expect(images.allSatisfy { request in
            // multipart body with the JPEG inside: SOI marker present
            request.body.indices.dropLast().contains { request.body[$0] == 0xFF && request.body[$0 + 1] == 0xD8 }
        })
        #expect(events.allSatisfy { $0["type"] as? String == "edgemlops_sample" })
    }
}
