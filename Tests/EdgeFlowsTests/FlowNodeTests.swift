import Foundation
import Testing

@testable import EdgeFlows

/// One flow per node type: a source, the node under test, and debug sinks on its outputs.
@Suite("Flow nodes")
struct FlowNodeTests {
    static func flow(_ node: String, wires: String = "\"src -> n -> out\"", source: String = "verdict {}") -> String {
        """
        return {
          nodes = {
            src = \(source),
            n = \(node),
            out = debug {},
            out2 = debug {},
          },
          wires = { \(wires) },
        }
        """
    }

    func payloads(_ h: FlowHarness, node: String = "out") -> [LuaValue] {
        h.outputs.filter { $0.node == node }.map { $0.fields["value"] ?? .nil }
    }

    @Test("switch routes by numeric, string and label rules and stops at the first match")
    func switchNode() throws {
        let h = try FlowHarness(
            Self.flow(
                """
                switch { property = "verdict.score", rules = {
                  { "label", { "scratch", "dent" }, "bad" },
                  { ">=", 0.8, "sure" },
                  { "else", "other" } } }
                """,
                wires: "\"src -> n\", \"n.bad -> out\", \"n.sure -> out2\", \"n.other -> out2\""
            )
        )
        try h.verdict("scratch", score: 0.99)
        try h.verdict("ok", score: 0.95)
        try h.verdict("ok", score: 0.1)
        #expect(payloads(h) == ["scratch"])
        #expect(payloads(h, node: "out2") == ["ok", "ok"])
    }

    @Test("switch with all = true sends to every matching rule, copying the message")
    func switchAll() throws {
        let h = try FlowHarness(
            Self.flow(
                "switch { rules = { { \"type\", \"string\", \"a\" }, { \"contains\", \"o\", \"b\" } }, all = true }",
                wires: "\"src -> n.a -> out\", \"n.b -> out2\""
            )
        )
        try h.verdict("ok")
        #expect(payloads(h) == ["ok"])
        #expect(payloads(h, node: "out2") == ["ok"])
    }

    @Test("change sets, copies, moves and deletes properties")
    func change() throws {
        let h = try FlowHarness(
            Self.flow(
                """
                change { rules = {
                  { "set", "payload", { line = "L1" } },
                  { "copy", "verdict.score", "payload.score" },
                  { "move", "verdict.label", "payload.label" },
                  { "delete", "frame" } } }
                """
            )
        )
        try h.verdict("ng", score: 0.5)
        #expect(payloads(h) == [.record(["line": "L1", "score": 0.5, "label": "ng"])])
        #expect(h.outputs.first?.message["frame"] == nil)
    }

    @Test("range scales, clamps and rounds", arguments: [("scale", 150.0), ("clamp", 100.0)])
    func range(mode: String, expected: Double) throws {
        let h = try FlowHarness(
            Self.flow("range { property = \"verdict.score\", from = { 0, 1 }, to = { 0, 100 }, mode = \"\(mode)\" }")
                .replacingOccurrences(of: "out = debug {}", with: "out = debug { property = \"verdict.score\" }")
        )
        try h.verdict("x", score: 1.5)
        #expect(payloads(h).first?.numberValue == expected)
    }

    @Test("threshold goes high above `above`, low only below `below` (hysteresis)")
    func threshold() throws {
        let h = try FlowHarness(
            Self.flow(
                "threshold { property = \"verdict.score\", above = 0.5, below = 0.2 }",
                wires: "\"src -> n.high -> out\", \"n.low -> out2\""
            )
        )
        for score in [0.1, 0.6, 0.7, 0.4, 0.3, 0.1, 0.15, 0.55] { try h.verdict("x", score: score) }
        #expect(h.outputs.filter { $0.node == "out" }.count == 2)
        #expect(h.outputs.filter { $0.node == "out2" }.count == 1)
        #expect(h.outputs.map(\.message["state"]) == ["high", "low", "high"])
    }

    @Test("filter passes changes only (rbe) and respects a deadband")
    func filter() throws {
        let rbe = try FlowHarness(Self.flow("filter {}"))
        for label in ["a", "a", "b", "b", "a"] { try rbe.verdict(label) }
        #expect(payloads(rbe) == ["a", "b", "a"])

        let band = try FlowHarness(
            Self.flow("filter { property = \"verdict.score\", mode = \"deadband\", gap = 0.1 }")
                .replacingOccurrences(of: "out = debug {}", with: "out = debug { property = \"verdict.score\" }")
        )
        for score in [0.5, 0.55, 0.62, 0.65, 0.4] { try band.verdict("x", score: score) }
        #expect(payloads(band) == [0.5, 0.62, 0.4])
    }

    @Test("filter keeps state per topic")
    func filterPerTopic() throws {
        let h = try FlowHarness(Self.flow("filter {}"))
        try h.verdict("a", topic: "cam1")
        try h.verdict("a", topic: "cam2")
        try h.verdict("a", topic: "cam1")
        #expect(payloads(h) == ["a", "a"])
    }

    @Test("debounce sends the last message after a quiet period")
    func debounce() throws {
        let h = try FlowHarness(Self.flow("debounce { time = 2 }"))
        try h.verdict("a", at: 0)
        try h.verdict("b", at: 1)
        try h.verdict("c", at: 2.5)
        #expect(payloads(h).isEmpty)
        #expect(h.deadline == 4.5)
        try h.advance(to: 10)
        #expect(payloads(h) == ["c"])
        #expect(h.outputs.first?.time == 4.5)
    }

    @Test("rate_limit drops or queues the excess")
    func rateLimit() throws {
        let drop = try FlowHarness(Self.flow("rate_limit { rate = 2, per = 10 }"))
        for (i, label) in ["a", "b", "c", "d"].enumerated() { try drop.verdict(label, at: Double(i)) }
        try drop.verdict("e", at: 11)
        #expect(payloads(drop) == ["a", "b", "e"])

        let queue = try FlowHarness(Self.flow("rate_limit { rate = 1, per = 5, drop = false }"))
        for label in ["a", "b", "c"] { try queue.verdict(label, at: 0) }
        try queue.advance(to: 20)
        #expect(payloads(queue) == ["a", "b", "c"])
        #expect(queue.outputs.map(\.time) == [0, 5, 10])
    }

    @Test("delay holds each message for its time")
    func delay() throws {
        let h = try FlowHarness(Self.flow("delay { time = 3 }"))
        try h.verdict("a", at: 1)
        try h.verdict("b", at: 2)
        try h.advance(to: 4)
        #expect(payloads(h) == ["a"])
        try h.advance(to: 5)
        #expect(payloads(h) == ["a", "b"])
    }

    @Test("trigger sends, then sends `then` after the time; extend restarts it; reset cancels it")
    func trigger() throws {
        let h = try FlowHarness(Self.flow("trigger { send = \"on\", [\"then\"] = \"off\", after = 5, extend = true }"))
        try h.verdict("x", at: 0)
        try h.verdict("x", at: 3)
        try h.advance(to: 7)
        #expect(payloads(h) == ["on"])
        try h.advance(to: 8)
        #expect(payloads(h) == ["on", "off"])
        #expect(h.outputs.last?.time == 8)

        let reset = try FlowHarness(
            Self.flow("trigger { send = \"on\", [\"then\"] = \"off\", after = 5 }", source: "command {}")
        )
        try reset.send(.command("go"), at: 0)
        try reset.send(FlowInput(source: .command, message: .record(["topic": "go", "reset": true])), at: 1)
        try reset.advance(to: 10)
        #expect(payloads(reset) == ["on"])
    }

    @Test(
        "window computes statistics over the last N messages",
        arguments: [("count", 3.0), ("sum", 1.5), ("mean", 0.5), ("min", 0.3), ("max", 0.7)]
    )
    func windowCount(op: String, expected: Double) throws {
        let h = try FlowHarness(Self.flow("window { size = 3, op = \"\(op)\", property = \"verdict.score\" }"))
        for score in [0.9, 0.3, 0.5, 0.7] { try h.verdict("x", score: score) }
        let last = try #require(payloads(h).last?.numberValue)
        #expect(abs(last - expected) < 1e-9)
    }

    @Test("window defect_ratio counts bad labels; tumbling emits once per full window")
    func windowDefects() throws {
        let h = try FlowHarness(
            Self.flow("window { size = 4, op = \"defect_ratio\", bad = { \"ng\" }, emit = \"tumbling\" }")
        )
        for label in ["ok", "ng", "ok", "ng", "ng", "ng", "ng", "ok"] { try h.verdict(label) }
        #expect(payloads(h) == [0.5, 0.75])
    }

    @Test("a time window forgets old messages and reports a rate")
    func windowTime() throws {
        let h = try FlowHarness(Self.flow("window { mode = \"time\", size = 10, op = \"rate\" }"))
        for t in [0.0, 1, 2, 3, 15] { try h.verdict("x", at: t) }
        #expect(payloads(h).last == 0.1)
        #expect(h.outputs.last?.message["window"]?["n"] == 1)
    }

    @Test("smooth averages and low-passes", arguments: [("mean", 0.5), ("max", 0.9), ("low", 0.5)])
    func smooth(op: String, expected: Double) throws {
        let h = try FlowHarness(
            Self.flow("smooth { property = \"verdict.score\", op = \"\(op)\", count = 2 }")
                .replacingOccurrences(of: "out = debug {}", with: "out = debug { property = \"verdict.score\" }")
        )
        for score in [0.9, 0.1] { try h.verdict("x", score: score) }
        let last = try #require(payloads(h).last?.numberValue)
        #expect(abs(last - expected) < 1e-9)
    }

    @Test("function nodes: several outputs, send, context, log, done(err) to catch")
    func functionNode() throws {
        let h = try FlowHarness(
            """
            return {
              nodes = {
                src = verdict {},
                fn = func { outputs = 2, on_message = function(msg, ctx)
                  ctx.context.n = (ctx.context.n or 0) + 1
                  ctx.flow.total = (ctx.flow.total or 0) + 1
                  ctx.log("seen", ctx.context.n)
                  if msg.payload == "bad" then ctx.done("refused " .. msg.payload) return end
                  if ctx.context.n == 2 then ctx.send({ payload = "extra" }, 2) end
                  return msg, nil
                end },
                out = debug {}, out2 = debug {},
                errors = catch { scope = { "fn" } },
                err_out = debug { property = "error.message" },
              },
              wires = { "src -> fn -> out", "fn.2 -> out2", "errors -> err_out" },
            }
            """
        )
        try h.verdict("a")
        try h.verdict("b")
        try h.verdict("bad")
        #expect(payloads(h) == ["a", "b"])
        #expect(payloads(h, node: "out2") == ["extra"])
        #expect(payloads(h, node: "err_out") == ["refused bad"])
        #expect(h.values(.log, "text") == ["seen 1", "seen 2", "seen 3"])
        #expect(h.outputs.filter { $0.kind == .error }.count == 1)
        #expect(try h.flow.exportContext()["total"] == 3)
    }

    @Test("a function node's later outputs are reached past nil returns", arguments: [2, 3, 5])
    func functionHoles(outputs: Int) throws {
        let nils = Array(repeating: "nil", count: outputs - 1).joined(separator: ", ")
        let h = try FlowHarness(
            """
            return {
              nodes = { src = verdict {}, fn = func { outputs = \(outputs), on_message = function(msg)
                return \(nils), msg end }, out = debug {} },
              wires = { "src -> fn.\(outputs) -> out" },
            }
            """
        )
        try h.verdict("last")
        #expect(payloads(h) == ["last"])
    }

    @Test("a Lua error in a function node goes to catch with file and line")
    func catchRuntimeError() throws {
        let h = try FlowHarness(
            """
            return {
              nodes = {
                src = verdict {},
                fn = func(function(msg)
                  return msg.nothing.here
                end),
                out = debug {},
                errors = catch {},
                err_out = debug { property = "error" },
              },
              wires = { "src -> fn -> out", "errors -> err_out" },
            }
            """
        )
        try h.verdict("a")
        let error = try #require(payloads(h, node: "err_out").first)
        #expect(error["message"]?.stringValue?.hasPrefix("flows/test.lua:5:") == true)
        #expect(error["source"]?["id"] == "fn")
    }

    @Test("status forwards node status changes")
    func status() throws {
        let h = try FlowHarness(
            """
            return {
              nodes = {
                src = verdict {},
                th = threshold { property = "verdict.score", above = 0.5, below = 0.4 },
                watch = status {},
                out = debug { property = "status.text" },
                sink = debug {},
              },
              wires = { "src -> th -> sink", "watch -> out" },
            }
            """
        )
        try h.verdict("x", score: 0.9)
        #expect(payloads(h) == ["high"])
    }

    @Test("interval, inject and startup sources fire in virtual time")
    func sources() throws {
        let h = try FlowHarness(
            """
            return {
              nodes = {
                boot = startup { payload = "up" },
                every = interval { every = 10, payload = "tick" },
                once = inject { once = true, payload = "once" },
                out = debug {},
              },
              wires = { "boot -> out", "every -> out", "once -> out" },
            }
            """,
            start: 100
        )
        #expect(payloads(h).sorted { $0.stringValue! < $1.stringValue! } == ["once", "up"])
        try h.advance(to: 135)
        #expect(payloads(h).filter { $0 == "tick" }.count == 3)
        #expect(h.outputs.filter { $0.fields["value"] == "tick" }.map(\.time) == [110, 120, 130])
    }

    @Test("command sources filter by name")
    func command() throws {
        let h = try FlowHarness(Self.flow("change { rules = {} }", source: "command { name = \"reset\" }"))
        try h.send(.command("reset", payload: 1))
        try h.send(.command("other", payload: 2))
        #expect(payloads(h) == [1])
    }

    @Test("sinks produce the documented fields")
    func sinks() throws {
        let h = try FlowHarness(
            """
            return {
              nodes = {
                src = verdict {},
                m = measurement { series = "quality", values = { score = "verdict.score" }, unit = "ratio" },
                e = event { type = "seen", text = "saw {payload} at {verdict.score}" },
                a = alarm { type = "bad", severity = "minor", text = "bad {payload}" },
                t = twin { fragment = "last_label" },
                s = sample { reason = "low_confidence" },
                c = capture { reason = "again", pipeline = "detail" },
                g = signal { name = "line_stop", property = "verdict.label" },
                l = log { text = "label {payload}" },
              },
              wires = { "src -> m", "src -> e", "src -> a", "src -> t", "src -> s", "src -> c", "src -> g", "src -> l" },
            }
            """
        )
        try h.verdict("ng", score: 0.25)
        try h.verdict("ng", score: 0.5)
        #expect(h.outputs.filter { $0.kind == .alarm }.count == 1, "a repeated raise is sent once")
        let byKind = Dictionary(grouping: h.outputs, by: \.kind).mapValues { $0[0].fields }
        #expect(
            byKind[.measurement] == .record(["series": "quality", "values": .record(["score": 0.25]), "unit": "ratio"])
        )
        #expect(byKind[.event] == .record(["type": "seen", "text": "saw ng at 0.25"]))
        #expect(byKind[.alarm] == .record(["type": "bad", "action": "raise", "severity": "minor", "text": "bad ng"]))
        #expect(byKind[.twin] == .record(["fragment": "last_label", "value": "ng"]))
        #expect(
            byKind[.sample]
                == .record(["reason": "low_confidence", "frame": 7, "label": "ng", "score": 0.25, "model": "m"])
        )
        // The capture's id names the frame that caused it (this harness's frames have no pipeline).
        #expect(byKind[.capture] == .record(["reason": "again", "pipeline": "detail", "id": "frame-7"]))
        #expect(byKind[.signal] == .record(["name": "line_stop", "value": "ng"]))
        #expect(byKind[.log] == .record(["level": "info", "text": "label ng"]))
    }

    @Test("fan-out copies the message so one branch cannot change another")
    func fanOutCopies() throws {
        let h = try FlowHarness(
            """
            return {
              nodes = {
                src = verdict {},
                a = func(function(msg) msg.payload = "changed" return msg end),
                b = func(function(msg) return msg end),
                out = debug {}, out2 = debug {},
              },
              wires = { "src -> a -> out", "src -> b -> out2" },
            }
            """
        )
        try h.verdict("orig")
        #expect(payloads(h) == ["changed"])
        #expect(payloads(h, node: "out2") == ["orig"])
        #expect(h.outputs[0].message["_msgid"] == h.outputs[1].message["_msgid"])
    }
}
