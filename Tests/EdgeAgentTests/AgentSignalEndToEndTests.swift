import EdgeAgent
import EdgeCloud
import EdgeFlows
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Testing

/// A flow's `signal` reaches the line's controller: the example `line_stop` flow, fed only
/// defective verdicts, sends `line_stop` once after three in a row, on
/// `edgemlops/<device>/signal/line_stop` of a real mosquitto, together with its alarm.
@Suite("Agent signals end to end", .serialized)
struct AgentSignalEndToEndTests {
    static var repositoryRoot: String { String(#filePath.split(separator: "/Tests/")[0]) }

    @Test("line_stop flow: one signal with the streak length on the signal topic, and the critical alarm")
    func lineStop() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let flows = directory.path + "/flows"
        try FileManager.default.createDirectory(atPath: flows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.repositoryRoot + "/flows/line_stop.lua", toPath: flows + "/line_stop.lua")
        let configuration = try AgentConfiguration.parse(
            """
            [device]
            id = "press-7"
            [state]
            directory = "\(directory.path)"
            [broker]
            host = "\(broker.host)"
            port = \(broker.port)
            [[pipelines]]
            name = "line1"
            width = 32
            height = 32
            fps = 20
            model = "always-dented"
            flows = "\(flows)"
            """, file: "signal.toml")
        let logger = Logger(label: "test.signal")
        let line = try SyntheticInspectionLine(configuration: .init(width: 32, height: 32))
        let signals = try await BrokerObserver.start(broker, clientID: "plc", filter: "edgemlops/#", logger: logger)
        defer { signals.stop() }
        let cloud = try await BrokerObserver.start(broker, clientID: "cloud", logger: logger)
        defer { cloud.stop() }
        let runtime = try AgentRuntime(
            configuration: configuration, configurationPath: nil, environment: [:],
            sources: ["line1": SyntheticFrameSource.make(line: line, fps: 20, logger: logger)],
            backendFactory: { _, _ in FixedBackend(label: "dent", score: 0.9) }, logger: logger)
        let running = Task { try await runtime.run() }
        let topic = SignalPublisher.topic(device: "press-7", name: "line_stop")
        let deadline = ContinuousClock.now + .seconds(30)
        while signals.payloads(topic).isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        // More defective frames: the flow stays stopped until line_resume, so no second signal.
        let inferred = runtime.pipelines.first?.statistics.inferred ?? 0
        while (runtime.pipelines.first?.statistics.inferred ?? 0) < inferred + 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        await runtime.shutdown()
        try await running.value

        let sent = signals.payloads(topic)
        #expect(sent.count == 1, "\(sent)")
        let payload = try #require(try JSONSerialization.jsonObject(with: Data((sent.first ?? "").utf8)) as? [String: Any])
        #expect(payload["name"] as? String == "line_stop")
        #expect(payload["value"] as? Int == 3)
        #expect(payload["flow"] as? String == "line-stop")
        #expect((payload["time"] as? Double ?? 0) > 1_700_000_000)
        let alarm = cloud.payloads("te/device/press-7/service/edgemlops/a/line_stopped")
        #expect(alarm.first?.contains("3 defective parts in a row") == true, "\(alarm)")
    }

    @Test("Signal names that are not one topic level are refused", arguments: ["a/b", "#", "", "x+"])
    func badNames(name: String) throws {
        #expect(!SignalPublisher.isValidName(name))
    }

    @Test("Good signal names", arguments: ["line_stop", "reject-2", "stack.light"])
    func goodNames(name: String) {
        #expect(SignalPublisher.isValidName(name))
    }
}
