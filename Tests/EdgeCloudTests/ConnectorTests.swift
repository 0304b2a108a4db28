import EdgeFlows
import EdgeTestSupport
import Foundation
import Logging
import Testing

@testable import EdgeCloud

@Suite("Connector against a real mosquitto", .serialized, .timeLimit(.minutes(1)))
struct ConnectorTests {
    typealias F = ConnectorFixture
    let service = "te/device/main/service/edgemlops"

    func output(_ kind: FlowOutput.Kind, _ fields: [String: LuaValue]) -> FlowOutput {
        FlowOutput(kind: kind, flow: "line", node: "n", time: 0, fields: .record(fields))
    }

    @Test("every message kind arrives with the exact topic and payload; state is retained, telemetry is not")
    func roundTrip() async throws {
        let broker = try MosquittoBroker()
        let watcher = try await F.client(broker, id: "watcher")
        let live = Collector(try await watcher.subscribe("te/#"))
        let connector = try F.connector(broker)
        let running = Task { await connector.run() }
        defer { running.cancel() }
        await live.wait { $0.contains { $0.topic == "\(service)/status/health" } }

        connector.deliver(
            output(.measurement, ["series": "parts", "values": .record(["good": 3, "bad": 1]), "unit": "count"])
        )
        connector.deliver(output(.event, ["type": "line_stopped", "text": "stopped by flow"]))
        connector.deliver(
            output(.alarm, ["type": "defect_rate", "action": "raise", "severity": "minor", "text": "too many defects"])
        )
        connector.deliver(
            output(.twin, ["fragment": "edgemlops_model", "value": .record(["name": "solder", "version": "3"])])
        )
        try connector.publish(connector.model.childDeviceRegistration("cam1", type: "Camera"), priority: .state)

        let expected: [(String, String)] = [
            (service, #"{"@parent":"device/main//","@type":"service","name":"edgemlops","type":"service"}"#),
            ("\(service)/m/parts/meta", #"{"bad":{"unit":"count"},"good":{"unit":"count"}}"#),
            ("\(service)/m/parts", #"{"bad":1,"good":3,"time":1700000000}"#),
            ("\(service)/a/defect_rate", #"{"severity":"minor","text":"too many defects","time":1700000000}"#),
            ("\(service)/twin/edgemlops_model", #"{"name":"solder","version":"3"}"#),
            ("te/device/cam1//", #"{"@parent":"device/main//","@type":"child-device","name":"cam1","type":"Camera"}"#),
        ]
        let got = await live.wait { got in got.contains { $0.topic == "te/device/cam1//" } }
        for (topic, payload) in expected {
            #expect(
                got.contains { $0.topic == topic && $0.payloadString == payload },
                "missing \(topic) \(payload) in \(got.map { "\($0.topic) \($0.payloadString)" })"
            )
        }
        let health = try #require(got.first { $0.topic == "\(service)/status/health" })
        #expect(health.payloadString == #"{"pid":\#(getpid()),"status":"up","time":1700000000}"#)
        let event = try #require(got.first { $0.topic == "\(service)/e/line_stopped" })
        #expect(event.payloadString.hasPrefix(#"{"seq":"#))
        #expect(event.payloadString.hasSuffix(#","text":"stopped by flow","time":1700000000}"#))

        let retained = try await F.retained(broker, filter: "te/#", marker: "test/marker")
        let retainedTopics = Set(retained.map(\.topic))
        #expect(retainedTopics.contains("\(service)/status/health"))
        for (topic, _) in expected where !topic.hasSuffix("/m/parts") {
            #expect(retainedTopics.contains(topic), "\(topic) not retained")
        }
        #expect(!retainedTopics.contains("\(service)/m/parts"))
        #expect(!retainedTopics.contains("\(service)/e/line_stopped"))
        #expect(connector.outbox.statistics.pendingMessages == 0)
    }

    @Test("an alarm is raised retained and cleared with an empty retained message")
    func alarmRaiseClear() async throws {
        let broker = try MosquittoBroker()
        let connector = try F.connector(broker)
        let running = Task { await connector.run() }
        defer { running.cancel() }
        let topic = "\(service)/a/lens_dirty"
        connector.deliver(
            output(.alarm, ["type": "lens_dirty", "action": "raise", "severity": "critical", "text": "clean the lens"])
        )
        try await Task.sleep(for: .milliseconds(50))
        let raised = await waitRetained(broker, topic) { !$0.isEmpty }
        #expect(raised.map(\.payloadString) == [#"{"severity":"critical","text":"clean the lens","time":1700000000}"#])
        connector.deliver(output(.alarm, ["type": "lens_dirty", "action": "clear"]))
        let cleared = await waitRetained(broker, topic) { $0.isEmpty }
        #expect(cleared.isEmpty, "the alarm is still retained after the clear")
    }

    func waitRetained(_ broker: MosquittoBroker, _ topic: String, until done: ([MQTTMessage]) -> Bool) async
        -> [MQTTMessage]
    {
        var last: [MQTTMessage] = []
        for attempt in 0..<50 {
            last = (try? await F.retained(broker, filter: topic, marker: "test/marker/\(attempt)")) ?? []
            if done(last) { return last }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return last
    }

    @Test("the will says down when the connection dies; health comes back up after the reconnect")
    func lastWillAndHealth() async throws {
        let broker = try MosquittoBroker()
        let watcher = try await F.client(broker, id: "health-watcher")
        let health = Collector(try await watcher.subscribe("\(service)/status/health"))
        let connector = try F.connector(broker)
        let running = Task { await connector.run() }
        defer { running.cancel() }
        await health.wait { $0.contains { $0.payloadString.contains("\"up\"") } }
        #expect(connector.health.connected)
        connector.client.simulateConnectionLoss()
        let seen = await health.wait(timeout: .seconds(15)) { got in
            guard let down = got.firstIndex(where: { $0.payloadString == #"{"status":"down"}"# }) else { return false }
            return got[down...].contains { $0.payloadString.contains("\"up\"") }
        }
        #expect(seen.contains { $0.payloadString == #"{"status":"down"}"# })
        #expect(seen.last?.payloadString.contains("\"up\"") == true)
        #expect(connector.health.connections >= 2)
    }

    @Test(
        "commands: init → executing → successful/failed, fields kept; bad input fails with a reason; health checks answered"
    )
    func commands() async throws {
        let broker = try MosquittoBroker()
        let connector = try F.connector(broker)
        connector.register(operation: "activate_model") { command in
            guard command.fields["name"]?.stringValue == "solder" else {
                throw CommandFailure(text: "no model named \(command.fields["name"]?.stringValue ?? "?")")
            }
            return ["activated": "solder@3"]
        }
        let requester = try await F.client(broker, id: "requester")
        let statuses = Collector(try await requester.subscribe("\(service)/cmd/+/+"))
        let health = Collector(try await requester.subscribe("\(service)/status/health"))
        let running = Task { await connector.run() }
        defer { running.cancel() }
        await health.wait { !$0.isEmpty }

        let capability = try await F.retained(broker, filter: "\(service)/cmd/activate_model", marker: "test/m1")
        #expect(capability.map(\.payloadString) == ["{}"])

        func send(_ id: String, _ op: String, _ payload: String) async throws {
            try await requester.publish(
                MQTTMessage(topic: "\(service)/cmd/\(op)/\(id)", payload: payload, retain: true),
                timeout: .seconds(5)
            )
        }
        try await send(
            "c1",
            "activate_model",
            #"{"status":"init","name":"solder","c8y-mapper":{"on_fragment":"c8y_ActivateModel"}}"#
        )
        try await send("c2", "activate_model", #"{"status":"init","name":"nope"}"#)
        try await send("c3", "activate_model", "this is not json")
        try await send("c4", "reboot", #"{"status":"init"}"#)
        try await send("c5", "activate_model", #"{"status":"downloading","name":"solder"}"#)
        try await send("c6", "activate_model", #"{"name":"solder"}"#)

        func final(_ id: String, _ got: [MQTTMessage]) -> String? {
            got.last {
                $0.topic.hasSuffix("/\(id)")
                    && ($0.payloadString.contains("successful") || $0.payloadString.contains("failed"))
            }?.payloadString
        }
        let got = await statuses.wait { got in ["c1", "c2", "c3", "c4", "c6"].allSatisfy { final($0, got) != nil } }
        #expect(got.contains { $0.topic.hasSuffix("/c1") && $0.payloadString.contains(#""status":"executing""#) })
        #expect(
            final("c1", got)
                == #"{"activated":"solder@3","c8y-mapper":{"on_fragment":"c8y_ActivateModel"},"name":"solder","status":"successful"}"#
        )
        #expect(final("c2", got) == #"{"name":"nope","reason":"no model named nope","status":"failed"}"#)
        #expect(final("c3", got)?.hasPrefix(#"{"reason":"payload is not JSON"#) == true)
        #expect(final("c4", got) == #"{"reason":"unknown operation 'reboot'","status":"failed"}"#)
        #expect(final("c6", got) == #"{"reason":"field 'status' is missing","status":"failed"}"#)
        // An unknown status is left alone: only the requester's own message is there.
        #expect(
            got.filter { $0.topic.hasSuffix("/c5") }.map(\.payloadString) == [
                #"{"status":"downloading","name":"solder"}"#
            ]
        )

        let before = health.all.count
        try await requester.publish(
            MQTTMessage(topic: "te/device/main///cmd/health/check", payload: "{}"),
            timeout: .seconds(5)
        )
        try await requester.publish(
            MQTTMessage(topic: "\(service)/cmd/health/check", payload: "{}"),
            timeout: .seconds(5)
        )
        let answered = await health.wait { $0.count >= before + 2 }
        #expect(answered.count >= before + 2)
    }

    @Test("an unreachable broker is reported in health and the outbox keeps the messages")
    func unreachable() async throws {
        let port = try MosquittoBroker.freePort()
        let connector = try Connector(
            configuration: ConnectorConfiguration(
                mqtt: MQTTConfiguration(port: port, clientID: "lonely", reconnectJitter: false),
                outbox: OutboxConfiguration(path: ":memory:")
            ),
            logger: F.logger
        )
        let running = Task { await connector.run() }
        defer { running.cancel() }
        connector.deliver(output(.event, ["type": "defect", "text": "scratch"]))
        let deadline = ContinuousClock.now + .seconds(10)
        while connector.health.lastError == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!connector.health.connected)
        #expect(connector.health.lastError?.contains("127.0.0.1:\(port)") == true)
        #expect(connector.outbox.statistics.pendingMessages >= 2)
    }

    @Test("a broker that comes up after the agent: the first connect is retried and the outbox drains")
    func brokerLate() async throws {
        let broker = try MosquittoBroker()
        broker.stop()
        let connector = try F.connector(broker)
        let running = Task { await connector.run() }
        defer { running.cancel() }
        connector.deliver(output(.event, ["type": "defect", "text": "while the broker was down"]))
        try await Task.sleep(for: .milliseconds(300))
        #expect(!connector.health.connected)
        #expect(connector.health.lastError != nil)
        try broker.start()
        let deadline = ContinuousClock.now + .seconds(15)
        while connector.outbox.statistics.pendingMessages > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(connector.health.connected)
        #expect(connector.outbox.statistics.pendingMessages == 0)
    }

    @Test("refused credentials: a clear reason in health, retried with backoff")
    func refused() async throws {
        let broker = try MosquittoBroker(configuration: "allow_anonymous false")
        let connector = try F.connector(broker)
        let running = Task { await connector.run() }
        defer { running.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while connector.health.lastError?.contains("refused") != true && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let error = try #require(connector.health.lastError)
        #expect(error.contains("broker refused the connection"))
        #expect(error.lowercased().contains("not authori"))
        #expect(!connector.health.connected)
        #expect(connector.outbox.statistics.pendingMessages >= 1)
        // libmosquitto keeps trying (delay 1 s here): a second refusal arrives.
        let retryDeadline = ContinuousClock.now + .seconds(8)
        while connector.health.refusals < 2 && ContinuousClock.now < retryDeadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(connector.health.refusals >= 2)
    }

    @Test("drops are reported as a measurement and an alarm, both kept as state")
    func dropReport() async throws {
        let port = try MosquittoBroker.freePort()
        let connector = try Connector(
            configuration: ConnectorConfiguration(
                mqtt: MQTTConfiguration(port: port, clientID: "full", reconnectJitter: false),
                outbox: OutboxConfiguration(path: ":memory:", maximumMessages: 5)
            ),
            logger: F.logger,
            clock: { F.time }
        )
        let running = Task { await connector.run() }
        defer { running.cancel() }
        for n in 0..<10 { connector.deliver(output(.event, ["type": "defect", "text": .string("d\(n)")])) }
        // Reports follow the drops once per pump pass; wait for the one that counts them all.
        let dropped = connector.outbox.statistics.dropped
        #expect(dropped >= 5)
        let final = #""dropped":\#(dropped),"#
        let deadline = ContinuousClock.now + .seconds(5)
        var stored: [OutboxEntry] = []
        while ContinuousClock.now < deadline {
            stored = connector.outbox.pending(after: 0, limit: 100)
            if stored.contains(where: { $0.message.payloadString.hasPrefix("{" + final) }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let measurement = try #require(stored.last { $0.message.topic == "\(service)/m/edgemlops_outbox" })
        #expect(measurement.priority == .state)
        #expect(measurement.message.payloadString.hasPrefix("{" + final))
        let alarm = try #require(stored.first { $0.message.topic == "\(service)/a/edgemlops_outbox_overflow" })
        #expect(alarm.message.retain && alarm.priority == .state)
        #expect(alarm.message.payloadString.contains(#""severity":"major""#))
    }

    @Test("an oversize message is refused before it reaches the outbox")
    func oversize() throws {
        let broker = try MosquittoBroker()
        let connector = try F.connector(broker)
        let big = connector.model.event("image", text: String(repeating: "x", count: 20_000), time: 0)
        let error = #expect(throws: ConnectorError.self) { try connector.publish(big, priority: .telemetry) }
        #expect(error?.code == .oversize)
        #expect(connector.outbox.statistics.pendingMessages == 0)
    }
}

struct CommandFailure: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
