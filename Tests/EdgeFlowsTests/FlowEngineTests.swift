import Foundation
import Logging
import Testing

@testable import EdgeFlows

@Suite("Flow engine")
struct FlowEngineTests {
    static let counting = """
        return {
          name = "counting",
          nodes = { src = verdict {}, out = debug {} },
          wires = { "src -> out" },
        }
        """

    static func failing(_ body: String) -> String {
        """
        return {
          name = "failing",
          nodes = { src = verdict {}, fn = func(function(msg) \(body) end), out = debug {} },
          wires = { "src -> fn -> out" },
        }
        """
    }

    func directory(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flows-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    /// Waits (bounded) until `condition` holds; the engine processes messages asynchronously.
    func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<500 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func engine(_ dir: String, sink: RecordingFlowSink, policy: FlowPolicy = FlowPolicy()) -> FlowEngine {
        FlowEngine(
            directory: dir,
            sink: sink,
            clock: ManualFlowClock(now: 1000),
            policy: policy,
            logger: Logger(label: "test")
        )
    }

    @Test(
        "a flow failing repeatedly is disabled with an alarm while another keeps running",
        arguments: ["while true do end", "error('always')", "local s = 'x' while true do s = s .. s end"]
    )
    func disableOnRepeatedFailure(body: String) async throws {
        let dir = try directory(["a.lua": Self.counting, "b.lua": Self.failing(body)])
        let sink = RecordingFlowSink()
        let policy = FlowPolicy(
            limits: LuaLimits(memoryBytes: 4 << 20, instructions: 500_000, wallTimeMicroseconds: 1_000_000),
            maxConsecutiveFailures: 3
        )
        let engine = engine(dir, sink: sink, policy: policy)
        #expect(await engine.loadAll().isEmpty)
        for _ in 0..<6 { engine.deliver(.verdict(label: "ng", score: 0.9)) }
        #expect(await eventually { await engine.status().allSatisfy { $0.processed >= ($0.disabled ? 4 : 7) } })
        let status = await engine.status()
        #expect(status.map(\.disabled) == [false, true])
        #expect(sink.outputs(.debug).count == 6, "the healthy flow saw every message")
        let alarms = sink.outputs(.alarm)
        #expect(alarms.count == 1)
        #expect(alarms.first?.fields["type"] == "flow_disabled")
        #expect(alarms.first?.fields["text"]?.stringValue?.contains("3 consecutive failures") == true)
        #expect(sink.outputs(.error).count == 3)
        await engine.stopAll()
    }

    @Test("a broken reload keeps the running version and reports file:line; a fixed one swaps in")
    func hotReload() async throws {
        let dir = try directory(["a.lua": Self.counting])
        let sink = RecordingFlowSink()
        let engine = engine(dir, sink: sink)
        try await engine.load(dir + "/a.lua")

        try "return {\n  nodes = { src = verdict {}, out = debug {},\n  wires = {}\n".write(
            toFile: dir + "/a.lua",
            atomically: true,
            encoding: .utf8
        )
        let error = await #expect(throws: FlowError.self) { try await engine.load(dir + "/a.lua") }
        #expect(error?.code == .syntax)
        let event = try #require(sink.outputs(.event).first)
        #expect(event.fields["type"] == "flow_load_error")
        #expect(event.fields["text"]?.stringValue?.contains("a.lua:") == true)
        #expect(event.fields["line"] != nil)

        engine.deliver(.verdict(label: "still", score: 1))
        #expect(await eventually { sink.outputs(.debug).count == 1 })

        let changed = Self.counting.replacingOccurrences(
            of: "out = debug {}",
            with: "out = debug { property = \"verdict.score\" }"
        )
        try changed.write(toFile: dir + "/a.lua", atomically: true, encoding: .utf8)
        try await engine.load(dir + "/a.lua")
        engine.deliver(.verdict(label: "new", score: 0.5))
        #expect(await eventually { sink.outputs(.debug).count == 2 })
        #expect(sink.outputs(.debug).map { $0.fields["value"] } == ["still", 0.5])
        await engine.stopAll()
    }

    @Test("watch() loads new files, reloads changed ones and unloads deleted ones")
    func watch() async throws {
        let dir = try directory([:])
        let sink = RecordingFlowSink()
        let engine = engine(dir, sink: sink)
        let watching = Task { try await engine.watch() }
        defer { watching.cancel() }
        // The watch is armed once the task runs; writing repeatedly until seen avoids racing it.
        let appeared = await eventually {
            try? Self.counting.write(toFile: dir + "/w.lua", atomically: true, encoding: .utf8)
            return await engine.status().count == 1
        }
        #expect(appeared)
        try FileManager.default.removeItem(atPath: dir + "/w.lua")
        #expect(await eventually { await engine.status().isEmpty })
    }

    @Test("timers fire from the engine clock")
    func timers() async throws {
        let source = """
            return { nodes = { tick = interval { every = 5, payload = "t" }, out = debug {} }, wires = { "tick -> out" } }
            """
        let dir = try directory(["t.lua": source])
        let sink = RecordingFlowSink()
        let clock = ManualFlowClock(now: 1000)
        let engine = FlowEngine(directory: dir, sink: sink, clock: clock, logger: Logger(label: "test"))
        await engine.loadAll()
        #expect(
            await eventually {
                clock.advance(to: clock.now() + 5)
                return sink.outputs(.debug).count >= 2
            }
        )
        #expect(sink.outputs(.debug).first?.time == 1005)
        await engine.stopAll()
    }

    @Test("flow context is persisted to a JSON file and restored")
    func contextPersistence() async throws {
        let source = """
            return { name = "ctx", nodes = { src = verdict {},
              fn = func(function(msg, ctx) ctx.flow.count = (ctx.flow.count or 0) + 1 return msg end), out = debug {} },
              wires = { "src -> fn -> out" } }
            """
        let dir = try directory(["c.lua": source])
        let policy = FlowPolicy(contextDirectory: dir, flushInterval: 0)
        let first = engine(dir, sink: RecordingFlowSink(), policy: policy)
        await first.loadAll()
        first.deliver(.verdict(label: "a", score: 1))
        first.deliver(.verdict(label: "b", score: 1))
        #expect(await eventually { await first.status().first?.processed == 3 })
        await first.stopAll()
        let saved = try String(contentsOfFile: dir + "/ctx.context.json", encoding: .utf8)
        #expect(saved == "{\"count\":2}")

        let sink = RecordingFlowSink()
        let second = engine(dir, sink: sink, policy: policy)
        await second.loadAll()
        second.deliver(.verdict(label: "c", score: 1))
        #expect(await eventually { sink.outputs(.debug).count == 1 })
        await second.stopAll()
        #expect(try String(contentsOfFile: dir + "/ctx.context.json", encoding: .utf8) == "{\"count\":3}")
    }
}

@Suite("Flow engine: global context")
struct FlowGlobalContextTests {
    @Test("flows share global context by value, and it is persisted")
    func shared() async throws {
        let writer = """
            return { name = "writer", nodes = { src = verdict {},
              fn = func { outputs = 0, on_message = function(msg, ctx) ctx.global.set("last", { label = msg.payload }) end } },
              wires = { "src -> fn" } }
            """
        let reader = """
            return { name = "reader", nodes = { src = command {},
              fn = func(function(msg, ctx) msg.payload = ctx.global.get("last") return msg end), out = debug {} },
              wires = { "src -> fn -> out" } }
            """
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flows-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try writer.write(toFile: dir + "/w.lua", atomically: true, encoding: .utf8)
        try reader.write(toFile: dir + "/r.lua", atomically: true, encoding: .utf8)
        let sink = RecordingFlowSink()
        let engine = FlowEngine(
            directory: dir,
            sink: sink,
            clock: ManualFlowClock(),
            policy: FlowPolicy(contextDirectory: dir),
            logger: Logger(label: "test")
        )
        await engine.loadAll()
        engine.deliver(.verdict(label: "ng", score: 1))
        var seen = false
        for _ in 0..<500 where !seen {
            if engine.global.get("last") != .nil { seen = true } else { try await Task.sleep(for: .milliseconds(10)) }
        }
        engine.deliver(.command("read"))
        for _ in 0..<500 where sink.outputs(.debug).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sink.outputs(.debug).first?.fields["value"] == .record(["label": "ng"]))
        await engine.stopAll()
        #expect(
            try String(contentsOfFile: dir + "/global-context.json", encoding: .utf8) == "{\"last\":{\"label\":\"ng\"}}"
        )
    }
}
