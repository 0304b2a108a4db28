import EdgeCloud
import EdgeFlows
import EdgeInference
import EdgeOps
import EdgeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The operations end to end: a real mosquitto, the agent's Connector, a requester client.
@Suite("thin-edge operations")
struct OperationsHandlerTests {
    let tmp = TemporaryDirectory()
    static let service = "te/device/main/service/edgemlops"
    static let logger = Logger(label: "test.operations")

    final class Received: Sendable {
        let messages = Mutex<[MQTTMessage]>([])
        var all: [MQTTMessage] { messages.withLock { $0 } }
    }

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    struct Rig {
        var broker: MosquittoBroker
        var requester: MQTTClient
        var received: Received
        var store: ArtifactStore
        var host: ModelHost
        var stub: CumulocityProxyStub
        var reloads: Counter
        var tasks: [Task<Void, Never>]

        func send(_ op: String, _ id: String, _ payload: String) async throws {
            try await requester.publish(
                MQTTMessage(topic: "\(OperationsHandlerTests.service)/cmd/\(op)/\(id)", payload: payload, retain: true),
                timeout: .seconds(5)
            )
        }

        /// Waits for the terminal status of `id` published after the `seen`-th terminal status of it.
        func final(_ op: String, _ id: String, after seen: Int = 0) async -> String? {
            let topic = "\(OperationsHandlerTests.service)/cmd/\(op)/\(id)"
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                let terminal = received.all.filter {
                    $0.topic == topic
                        && ($0.payloadString.contains(#""status":"successful""#)
                            || $0.payloadString.contains(#""status":"failed""#))
                }
                if terminal.count > seen { return terminal.last?.payloadString }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }

        func stop() {
            for task in tasks { task.cancel() }
            requester.disconnect()
        }
    }

    /// `models`: the store models served (each installed as 1.0.0 and 1.1.0, 1.0.0 active);
    /// `host` in the rig is the first.
    func rig(models: [String] = ["scratch"]) async throws -> Rig {
        let broker = try MosquittoBroker()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        var hosts: [ModelHost] = []
        for name in models {
            for version in ["1.0.0", "1.1.0"] { try ModelStoreFixture.install(store, version, name: name, scratch: tmp) }
            try store.activate(name: name, version: "1.0.0")
            let host = ModelHost(store: store, name: name, policy: ProbationPolicy(inferences: 0), logger: Self.logger)
            try host.loadActive()
            hosts.append(host)
        }
        let host = hosts[0]
        let stub = try CumulocityProxyStub()
        let uploader = SampleUploader(
            spool: try SampleSpool(directory: tmp.path + "/spool"),
            client: HTTPClient(port: stub.port),
            source: "4711",
            logger: Self.logger
        )
        let reloads = Counter()
        let handler = OperationsHandler(
            hosts: hosts,
            capture: {
                let pixels = (0..<192).map { Float($0 % 8) / 8 }
                return CapturedFrame(
                    jpeg: [0xFF, 0xD8, 0xFF, 0xD9],
                    inputs: ["images": Tensor(floats: pixels, shape: ModelStoreFixture.shape)],
                    time: 1_790_000_000
                )
            },
            reloadFlows: {
                reloads.value.add(1, ordering: .relaxed)
                return "2 flows"
            },
            uploader: uploader,
            logger: Self.logger
        )
        func mqtt(_ id: String) -> MQTTConfiguration {
            MQTTConfiguration(
                host: broker.host,
                port: broker.port,
                clientID: id,
                reconnectDelaySeconds: 1,
                reconnectDelayMaximumSeconds: 1,
                reconnectJitter: false
            )
        }
        let connector = try Connector(
            configuration: ConnectorConfiguration(mqtt: mqtt("edgemlops"), outbox: OutboxConfiguration(path: ":memory:")),
            logger: Self.logger
        )
        handler.register(on: connector)
        let requester = try MQTTClient(configuration: mqtt("requester"), logger: Self.logger)
        try await requester.connect()
        let received = Received()
        let subscription = try await requester.subscribe("\(Self.service)/#")
        let collect = Task {
            for await message in subscription { received.messages.withLock { $0.append(message) } }
        }
        let running = Task { await connector.run() }
        // Ready once the capabilities are announced.
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline && !received.all.contains(where: { $0.topic.hasSuffix("/cmd/flow_reload") }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        return Rig(
            broker: broker, requester: requester, received: received, store: store, host: host, stub: stub,
            reloads: reloads, tasks: [collect, running]
        )
    }

    @Test func capabilitiesAndTheStatusLifecycle() async throws {
        let rig = try await rig()
        defer { rig.stop() }
        let capabilities = rig.received.all.filter { $0.topic.split(separator: "/").count == 7 && $0.topic.contains("/cmd/") }
        #expect(Set(capabilities.map { String($0.topic.split(separator: "/").last!) }) == ["model_activate", "image_capture", "flow_reload"])
        #expect(capabilities.allSatisfy { $0.payloadString == "{}" })
        // Retained: a client subscribing afterwards gets them.
        let reader = try MQTTClient(
            configuration: MQTTConfiguration(host: rig.broker.host, port: rig.broker.port, clientID: "reader"),
            logger: Self.logger
        )
        try await reader.connect()
        defer { reader.disconnect() }
        let late = Received()
        let subscription = try await reader.subscribe("\(Self.service)/cmd/+")
        let reading = Task { for await message in subscription { late.messages.withLock { $0.append(message) } } }
        defer { reading.cancel() }
        for _ in 0..<500 where late.all.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(late.all.count == 3 && late.all.allSatisfy { $0.retain && $0.payloadString == "{}" })

        try await rig.send("model_activate", "a1", #"{"status":"init","version":"1.1.0"}"#)
        let a1 = try #require(await rig.final("model_activate", "a1"))
        #expect(a1.contains(#""status":"successful""#) && a1.contains(#""version":"1.1.0""#), "\(a1)")
        #expect(rig.received.all.contains { $0.topic.hasSuffix("/a1") && $0.payloadString.contains(#""status":"executing""#) })
        #expect(try rig.store.active("scratch") == "1.1.0")

        try await rig.send("model_activate", "a2", #"{"status":"init","version":3}"#)
        #expect(await rig.final("model_activate", "a2")?.contains(#""reason":"field 'version': must be a string, got number""#) == true)
        try await rig.send("model_activate", "a3", #"{"status":"init"}"#)
        #expect(await rig.final("model_activate", "a3")?.contains(#"field 'version': is missing"#) == true)
        try await rig.send("model_activate", "a4", #"{"status":"init","rollback":"yes"}"#)
        #expect(await rig.final("model_activate", "a4")?.contains(#"field 'rollback': must be a boolean"#) == true)
        try await rig.send("model_activate", "a5", #"{"status":"init","version":"9.9.9"}"#)
        #expect(await rig.final("model_activate", "a5")?.contains(#""status":"failed""#) == true)
        #expect(try rig.store.active("scratch") == "1.1.0")

        try await rig.send("model_activate", "a6", #"{"status":"init","rollback":true}"#)
        #expect(await rig.final("model_activate", "a6")?.contains(#""version":"1.0.0""#) == true)
        #expect(try rig.store.active("scratch") == "1.0.0")

        try await rig.send("image_capture", "c1", #"{"status":"init"}"#)
        let c1 = try #require(await rig.final("image_capture", "c1"))
        #expect(c1.contains(#""status":"successful""#) && c1.contains(#""eventId":"101""#), "\(c1)")
        #expect(rig.stub.requests.map(\.path) == ["/c8y/event/events", "/c8y/event/events/101/binaries"])
        #expect(rig.stub.requests.last?.body == [0xFF, 0xD8, 0xFF, 0xD9])
        #expect(rig.stub.events.first?["type"] as? String == "edgemlops_capture")

        try await rig.send("flow_reload", "f1", #"{"status":"init"}"#)
        #expect(await rig.final("flow_reload", "f1")?.contains(#""flows":"2 flows""#) == true)
    }

    @Test func replayedCommandsDoNotRunTwice() async throws {
        let rig = try await rig()
        defer { rig.stop() }
        try await rig.send("flow_reload", "f1", #"{"status":"init"}"#)
        #expect(await rig.final("flow_reload", "f1")?.contains("successful") == true)
        // The same retained instance again, as after a reconnect.
        try await rig.send("flow_reload", "f1", #"{"status":"init"}"#)
        #expect(await rig.final("flow_reload", "f1", after: 1)?.contains("successful") == true)
        #expect(rig.reloads.value.load(ordering: .relaxed) == 1)

        try await rig.send("image_capture", "c1", #"{"status":"init"}"#)
        #expect(await rig.final("image_capture", "c1")?.contains("successful") == true)
        try await rig.send("image_capture", "c1", #"{"status":"init"}"#)
        #expect(await rig.final("image_capture", "c1", after: 1)?.contains(#""eventId":"101""#) == true)
        #expect(rig.stub.events.count == 1)
    }

    @Test func modelActivateDispatchesByNameWhenSeveralModelsAreServed() async throws {
        let rig = try await rig(models: ["scratch", "other"])
        defer { rig.stop() }
        try await rig.send("model_activate", "m1", #"{"status":"init","version":"1.1.0"}"#)
        let m1 = try #require(await rig.final("model_activate", "m1"))
        #expect(m1.contains(#"field 'name': is required: this agent serves models 'scratch', 'other'"#), "\(m1)")

        try await rig.send("model_activate", "m2", #"{"status":"init","name":"other","version":"1.1.0"}"#)
        let m2 = try #require(await rig.final("model_activate", "m2"))
        #expect(m2.contains(#""status":"successful""#) && m2.contains(#""model":"other""#), "\(m2)")
        #expect(try rig.store.active("other") == "1.1.0")
        #expect(try rig.store.active("scratch") == "1.0.0")

        try await rig.send("model_activate", "m3", #"{"status":"init","name":"nope","version":"1.1.0"}"#)
        let m3 = try #require(await rig.final("model_activate", "m3"))
        #expect(m3.contains(#"serves models 'scratch', 'other', not 'nope'"#), "\(m3)")
    }
}
