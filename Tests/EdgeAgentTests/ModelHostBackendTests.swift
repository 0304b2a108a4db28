import EdgeAgent
import EdgeCloud
import EdgeInference
import EdgeOps
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Synchronization
import Testing

/// Pipelines whose model is installed in the store run through ModelHost: the default backend
/// factory picks it, a frame is classified with the store's labels, and an activation swaps the
/// model between two frames.
@Suite struct ModelHostBackendTests {
    /// `GlobalAveragePool → Flatten → MatMul(W)`: logits are weighted channel means, so a red
    /// frame scores `red` with `W = [[1,0],[0,1],[0,0]]` and `green` with the columns swapped.
    static func model(swapped: Bool) throws -> [UInt8] {
        let w: [Float] = swapped ? [0, 1, 1, 0, 0, 0] : [1, 0, 0, 1, 0, 0]
        let graph = Graph(
            name: "channel-means",
            nodes: [
                Node(name: "gap", opType: "GlobalAveragePool", inputs: ["input"], outputs: ["pooled"]),
                Node(name: "flat", opType: "Flatten", inputs: ["pooled"], outputs: ["features"]),
                Node(name: "head", opType: "MatMul", inputs: ["features", "w"], outputs: ["logits"]),
            ],
            initializers: ["w": Tensor(floats: w, shape: [3, 2])],
            inputs: [ValueInfo(name: "input", elementType: .float32, shape: [1, 3, 8, 8])],
            outputs: [ValueInfo(name: "logits", elementType: .float32, shape: [1, 2])]
        )
        let metadata = [
            StringStringEntryProto(key: "edgemlops.input.size", value: "8x8"),
            StringStringEntryProto(key: "edgemlops.labels", value: "red,green"),
        ]
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/model.onnx"
        try Model(metadata: metadata, graph: graph).save(to: path)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func install(_ store: ArtifactStore, version: String, swapped: Bool) throws {
        let bytes = try model(swapped: swapped)
        let manifest = ModelManifest(
            name: "colour", version: version, input: .init(name: "input", shape: [1, 3, 8, 8]),
            labels: ["red", "green"], files: ["model.onnx": SHA256.hex(bytes)])
        let staging = try store.makeStaging(name: "colour", version: version)
        try Data(try JSONEncoder().encode(manifest)).write(to: URL(fileURLWithPath: staging + "/manifest.json"))
        try Data(bytes).write(to: URL(fileURLWithPath: staging + "/model.onnx"))
        try store.commit(staging: staging, name: "colour", version: version)
    }

    static let redFrame = CameraFrame(
        fourcc: .rgb24, width: 16, height: 16, bytesPerLine: 48,
        data: (0..<256).flatMap { _ in [UInt8(220), 30, 30] }, timestampNs: 1, sequence: 0)

    @Test func storeModelIsServedByTheHostAndSwapsOnActivation() throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let store = ArtifactStore(root: state.path + "/models", kind: .model)
        try Self.install(store, version: "1", swapped: false)
        try Self.install(store, version: "2", swapped: true)
        try store.activate(name: "colour", version: "1")
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(state.path)"
            [[pipelines]]
            name = "line1"
            model = "colour"
            flows = "\(state.path)/flows"
            """, file: "host.toml")
        let factory = AgentRuntime.defaultBackend(executablePath: nil, logger: Logger(label: "test.host"))
        let backend = try factory(configuration.pipelines[0], configuration)
        let hosted = try #require(backend as? ModelHostBackend, "an installed model must be served by ModelHost")

        let first = try hosted.infer(Self.redFrame)
        #expect(first.label == "red")
        #expect(hosted.host.current?.info.version == "1")

        _ = try hosted.host.activate(version: "2")
        let second = try hosted.infer(Self.redFrame)
        #expect(second.label == "green", "the frame after activation must run version 2")
        #expect(try store.active("colour") == "2")
    }

    @Test func modelNotInTheStoreIsLoadedFromItsFile() throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let path = state.path + "/colour.onnx"
        try Data(try Self.model(swapped: false)).write(to: URL(fileURLWithPath: path))
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(state.path)"
            [[pipelines]]
            name = "line1"
            model = "\(path)"
            flows = "\(state.path)/flows"
            """, file: "file.toml")
        let backend = try AgentRuntime.defaultBackend(executablePath: nil, logger: Logger(label: "test.host"))(
            configuration.pipelines[0], configuration)
        #expect(backend is CompiledModelBackend)
        #expect(try backend.infer(Self.redFrame).label == "red")
    }
    /// An agent on `broker` serving the store model `colour` (versions 1 and 2 installed, 1
    /// active) to one 16×16 synthetic pipeline; `extra` adds configuration sections.
    static func colourAgent(broker: MosquittoBroker, state: TemporaryDirectory, label: String, extra: String = "")
        throws -> (AgentRuntime, ArtifactStore)
    {
        let store = ArtifactStore(root: state.path + "/models", kind: .model)
        try install(store, version: "1", swapped: false)
        try install(store, version: "2", swapped: true)
        try store.activate(name: "colour", version: "1")
        try FileManager.default.createDirectory(atPath: state.path + "/flows", withIntermediateDirectories: true)
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(state.path)"
            [broker]
            host = "\(broker.host)"
            port = \(broker.port)
            \(extra)
            [[pipelines]]
            name = "line1"
            width = 16
            height = 16
            fps = 30
            model = "colour"
            flows = "\(state.path)/flows"
            """, file: "\(label).toml")
        let logger = Logger(label: label)
        let line = try SyntheticInspectionLine(configuration: .init(width: 16, height: 16))
        let runtime = try AgentRuntime(
            configuration: configuration, configurationPath: nil, environment: [:],
            sources: ["line1": SyntheticFrameSource.make(line: line, fps: 30, logger: logger)], logger: logger)
        return (runtime, store)
    }

    /// The agent end to end with a store model: a `model_activate` command published on the
    /// broker switches the serving version (status `successful`) and the next frames are answered
    /// by version 2 without a failed frame.
    @Test func modelActivateRoundTripsThroughTheRunningAgent() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let (runtime, store) = try Self.colourAgent(broker: broker, state: state, label: "test.activate")
        let logger = Logger(label: "test.activate")
        let inbox = try await BrokerObserver.start(broker, clientID: "requester", logger: logger)
        defer { inbox.stop() }
        let observer = inbox.client
        let running = Task { try await runtime.run() }
        let topic = "te/device/main/service/edgemlops/cmd/model_activate/e2e-1"
        func statuses() -> [String] {
            inbox.messages.withLock { $0.filter { $0.topic == topic }.map { String(decoding: $0.payload, as: UTF8.self) } }
        }
        let pipeline = try #require(runtime.pipelines.first)
        var deadline = ContinuousClock.now + .seconds(10)
        while pipeline.statistics.inferred < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await observer.publish(
            MQTTMessage(topic: topic, payload: Array(#"{"status":"init","version":"2"}"#.utf8), retain: true), timeout: .seconds(5))
        deadline = ContinuousClock.now + .seconds(15)
        while !statuses().contains(where: { $0.contains(#""status":"successful""#) || $0.contains(#""status":"failed""#) }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        let inferredAtSwitch = pipeline.statistics.inferred
        deadline = ContinuousClock.now + .seconds(10)
        while pipeline.statistics.inferred < inferredAtSwitch + 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        await runtime.shutdown()
        try await running.value

        #expect(statuses().contains { $0.contains(#""status":"executing""#) }, "\(statuses())")
        #expect(statuses().contains { $0.contains(#""status":"successful""#) }, "\(statuses())")
        #expect(try store.active("colour") == "2")
        #expect(pipeline.statistics.inferred >= inferredAtSwitch + 10, "frames keep flowing after the swap")
        #expect(pipeline.statistics.failures == 0, "no frame failed across the swap")
        let events = inbox.messages.withLock { $0.filter { $0.topic.hasSuffix("/e/edgemlops_model") }.map { String(decoding: $0.payload, as: UTF8.self) } }
        #expect(events.contains { $0.contains("colour 2 activated") }, "\(events)")
    }

    /// An over-the-air install: the sm-plugin (another process) makes version 2 active in the
    /// store while the agent runs. The agent notices within `store_poll_ms`, swaps it in on
    /// probation, announces it, and the next frames are answered by version 2.
    @Test func storeActivationByTheSMPluginReachesTheRunningAgent() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let state = TemporaryDirectory()
        defer { state.remove() }
        let (runtime, store) = try Self.colourAgent(
            broker: broker, state: state, label: "test.follow", extra: "[lifecycle]\nstore_poll_ms = 100\n")
        let logger = Logger(label: "test.follow")
        let inbox = try await BrokerObserver.start(broker, clientID: "cloud", logger: logger)
        defer { inbox.stop() }
        let running = Task { try await runtime.run() }
        let pipeline = try #require(runtime.pipelines.first)
        func events() -> [String] {
            inbox.messages.withLock { $0.filter { $0.topic.hasSuffix("/e/edgemlops_model") }.map { String(decoding: $0.payload, as: UTF8.self) } }
        }
        var deadline = ContinuousClock.now + .seconds(30)
        while pipeline.statistics.inferred < 5, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let before = pipeline.statistics.verdicts
        try store.activate(name: "colour", version: "2")
        deadline = ContinuousClock.now + .seconds(30)
        while !events().contains(where: { $0.contains("colour 2 activated") }) || (pipeline.statistics.verdicts.values.reduce(0, +) < before.values.reduce(0, +) + 10),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        await runtime.shutdown()
        try await running.value

        #expect(events().contains { $0.contains("colour 2 activated") }, "\(events())")
        let after = pipeline.statistics.verdicts
        #expect(before.count == 1, "version 1 answers one label for every frame: \(before)")
        #expect(after.count == 2, "version 2 answers the other label: \(after)")
        #expect(pipeline.statistics.failures == 0)
        #expect(try store.active("colour") == "2")
    }
}
