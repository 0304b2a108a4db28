import EdgeAgent
import EdgeCloud
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Synchronization
import Testing

/// `trigger = "mqtt"` through the whole agent against a real mosquitto: the camera free-runs,
/// only messages on the trigger topic cause inferences, the payload's id reaches the flows
/// (and from there the `te/` event), and a malformed payload triggers nothing.
@Suite("Agent MQTT trigger end to end", .serialized)
struct AgentTriggerEndToEndTests {
    @Test("Messages on the trigger topic → one inspection each, id in the event; bad payload ignored")
    func mqttTriggeredInspections() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let flows = directory.path + "/flows"
        try FileManager.default.createDirectory(atPath: flows, withIntermediateDirectories: true)
        try """
            return flow {
              name = "trigger-echo",
              nodes = {
                parts = verdict {},
                out = event { type = "inspected", text = "{frame.trigger_id} via {frame.trigger}" },
              },
              wires = { "parts -> out" },
            }
            """.write(toFile: flows + "/echo.lua", atomically: true, encoding: .utf8)
        let triggerTopic = "factory/line1/part_present"
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
            name = "line1"
            width = 32
            height = 32
            fps = 30
            trigger = "mqtt"
            mqtt_topic = "\(triggerTopic)"
            trigger_delay_ms = 20
            model = "always-ok"
            flows = "\(flows)"
            """, file: "trigger.toml")
        let logger = Logger(label: "test.trigger-e2e")
        let line = try SyntheticInspectionLine(configuration: .init(width: 32, height: 32))
        let runtime = try AgentRuntime(
            configuration: configuration, configurationPath: nil, environment: [:],
            sources: ["line1": SyntheticFrameSource.make(line: line, fps: 30, logger: logger)],
            backendFactory: { _, _ in FixedBackend() }, logger: logger)
        let inbox = try await BrokerObserver.start(broker, clientID: "plc", logger: logger)
        defer { inbox.stop() }
        let observer = inbox.client
        let running = Task { try await runtime.run() }
        let events = "te/device/main/service/edgemlops/e/inspected"

        func texts() -> [String] {
            inbox.payloads(events).compactMap { payload -> String? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return nil }
                return object["text"] as? String
            }
        }
        // Probe until the agent's trigger subscription is live (it subscribes once connected).
        // Generous deadlines: in the full test run other suites can starve the cooperative pool.
        var probes = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while texts().isEmpty, ContinuousClock.now < deadline {
            probes += 1
            try await observer.publish(MQTTMessage(topic: triggerTopic, payload: #"{"id":"probe"}"#), timeout: .seconds(2))
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(!texts().isEmpty, "no inspection after \(probes) trigger probes")

        // Idle: the camera runs, nothing but (late) probes is inspected.
        try await Task.sleep(for: .milliseconds(1000))
        #expect(texts().allSatisfy { $0 == "probe via mqtt" }, "\(texts())")

        for payload in [#"{"id":"P-1001"}"#, "not json", #"{"id": 1002, "station": 3}"#, ""] {
            try await observer.publish(MQTTMessage(topic: triggerTopic, payload: payload), timeout: .seconds(2))
            try await Task.sleep(for: .milliseconds(150))
        }
        func scripted() -> [String] { texts().filter { $0 != "probe via mqtt" } }
        let until = ContinuousClock.now + .seconds(60)
        while scripted().count < 3, ContinuousClock.now < until {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(500))
        await runtime.shutdown()
        try await running.value

        let parts = scripted()
        #expect(parts.count == 3, "events after the probes: \(parts)")
        #expect(parts.first == "P-1001 via mqtt")
        #expect(parts.dropFirst().first == "1002 via mqtt")
        #expect(parts.last?.hasPrefix("mqtt-") == true && parts.last?.hasSuffix(" via mqtt") == true)
        let statistics = try #require(runtime.pipelines.first?.statistics)
        #expect(statistics.triggers == statistics.inferred)
        #expect(statistics.missedTriggers == 0)
        #expect(statistics.rejectedTriggers == 1, "\"not json\" is rejected")
        #expect(statistics.captured > statistics.inferred * 2, "camera free-runs: \(statistics.captured) frames")
    }
}
