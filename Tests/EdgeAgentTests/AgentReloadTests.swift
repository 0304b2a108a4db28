import EdgeAgent
import EdgeCloud
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Testing

/// SIGHUP's work (`AgentRuntime.reload()`): pipelines added, removed, changed and kept while the
/// agent runs against a real mosquitto; a pipeline whose new configuration cannot be built keeps
/// running on its previous one; a file that does not parse changes nothing.
@Suite("Agent reload", .serialized)
struct AgentReloadTests {
    static func configuration(broker: MosquittoBroker, state: String, flows: String, pipelines: [(name: String, fps: Int, model: String)]) -> String {
        var text = """
            [state]
            directory = "\(state)"
            [broker]
            host = "\(broker.host)"
            port = \(broker.port)
            [monitoring]
            enabled = false
            [samples]
            enabled = false

            """
        for pipeline in pipelines {
            text += """
                [[pipelines]]
                name = "\(pipeline.name)"
                width = 32
                height = 32
                fps = \(pipeline.fps)
                model = "\(pipeline.model)"
                flows = "\(flows)"

                """
        }
        return text
    }

    /// Waits until every named pipeline runs and has inferred at least `count` frames.
    static func waitForInferences(_ runtime: AgentRuntime, _ names: Set<String>, _ count: UInt64 = 3) async throws {
        // Generous: in the full test run synchronous suites can starve the cooperative pool.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let running = runtime.pipelines.filter { names.contains($0.configuration.name) && $0.statistics.inferred >= count }
            if Set(running.map(\.configuration.name)) == names { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("pipelines \(names) did not all infer: \(runtime.pipelines.map { ($0.configuration.name, $0.statistics.inferred) })")
    }

    @Test("Reload adds, keeps, restarts and removes pipelines; a broken change keeps the previous one")
    func reloadPipelines() async throws {
        let broker = try MosquittoBroker()
        try broker.start()
        defer { broker.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let flows = directory.path + "/flows"
        try FileManager.default.createDirectory(atPath: flows, withIntermediateDirectories: true)
        let path = directory.path + "/agent.toml"
        func write(_ pipelines: [(name: String, fps: Int, model: String)]) throws {
            try Self.configuration(broker: broker, state: directory.path, flows: flows, pipelines: pipelines)
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write([("a", 30, "fixed")])
        let runtime = try AgentRuntime(
            configuration: try AgentConfiguration.load(path: path), configurationPath: path, environment: [:],
            backendFactory: { pipeline, _ in
                guard pipeline.model == "fixed" else {
                    throw InferenceBackendError(code: .invalidModel, model: pipeline.model, message: "no such model")
                }
                return FixedBackend()
            },
            logger: Logger(label: "test.reload"))
        let running = Task { try await runtime.run() }
        try await Self.waitForInferences(runtime, ["a"])
        let first = try #require(runtime.pipelines.first)

        // Add b; a is untouched (same service, counters continue).
        try write([("a", 30, "fixed"), ("b", 30, "fixed")])
        var changes = await runtime.reload()
        #expect(changes.map(\.description) == ["a unchanged", "b started"])
        try await Self.waitForInferences(runtime, ["a", "b"])
        #expect(runtime.pipelines.first === first)
        #expect(runtime.pipelines.map(\.configuration.name) == ["a", "b"])

        // Change a (fps), remove b.
        try write([("a", 20, "fixed")])
        changes = await runtime.reload()
        #expect(changes.map(\.description) == ["b stopped", "a restarted"])
        let restarted = try #require(runtime.pipelines.first)
        #expect(restarted !== first && restarted.configuration.fps == 20)
        #expect(runtime.pipelines.count == 1)
        try await Self.waitForInferences(runtime, ["a"])

        // A change that cannot be built: a keeps inspecting with its previous configuration.
        try write([("a", 25, "missing-model")])
        changes = await runtime.reload()
        #expect(changes.count == 1 && changes[0].kind == .failed)
        #expect(changes.first?.detail?.contains("no such model") == true)
        #expect(changes.first?.detail?.contains("the previous configuration runs again") == true)
        #expect(runtime.pipelines.first?.configuration.fps == 20)
        try await Self.waitForInferences(runtime, ["a"])

        // A file that does not parse changes nothing.
        try "[[pipelines]\nname = ".write(toFile: path, atomically: true, encoding: .utf8)
        changes = await runtime.reload()
        #expect(changes.isEmpty)
        #expect(runtime.pipelines.map(\.configuration.name) == ["a"])

        await runtime.shutdown()
        try await running.value
        #expect(runtime.pipelines.allSatisfy { $0.statistics.inferred > 0 })
    }
}
