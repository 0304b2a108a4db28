import Testing

@testable import EdgeFlows

/// The "Bad input and hostile flows": each is stopped within its limit with a clear
/// error, and a healthy flow next to it keeps working.
@Suite("Hostile flows")
struct FlowHostileTests {
    static let limits = LuaLimits(memoryBytes: 4 << 20, instructions: 1_000_000, wallTimeMicroseconds: 1_000_000)

    static func flow(_ body: String) -> String {
        """
        return {
          nodes = {
            src = verdict {},
            fn = func(function(msg, ctx)
              \(body)
            end),
            out = debug {},
          },
          wires = { "src -> fn -> out" },
        }
        """
    }

    /// Runs one message through a hostile flow and returns every error it reported, thrown or caught.
    func run(_ body: String) throws -> [String] {
        let flow = try FlowInstance(source: Self.flow(body), path: "flows/hostile.lua", limits: Self.limits)
        _ = try flow.start(now: 0)
        var messages: [String] = []
        do {
            let step = try flow.input(.verdict(label: "ng", score: 0.9), now: 1)
            messages += step.errors.compactMap { $0.fields["message"]?.stringValue }
        } catch {
            messages.append(error.description)
        }
        // The same state still serves the next message (when the limit is per call).
        let healthy = try FlowInstance(source: Self.flow("return msg"), path: "flows/ok.lua", limits: Self.limits)
        let step = try healthy.input(.verdict(label: "ok", score: 0.5), now: 2)
        #expect(step.outputs.map(\.kind) == [.debug])
        return messages
    }

    @Test(
        "each hostile body is stopped with a clear error",
        arguments: [
            ("while true do end", "flow exceeded 1000000 instructions"),
            ("local function f() return f() + 1 end return f()", "stack overflow|not enough memory"),
            ("local t = {} while true do t[#t + 1] = {} end", "not enough memory"),
            ("local s = 'x' while true do s = s .. s end", "not enough memory"),
            ("return string.rep('a', 100):find(('a*'):rep(5) .. 'b')", "could backtrack"),
            ("error('boom')", "flows/hostile.lua:5: boom"),
            ("return io.open('/etc/passwd')", "unknown name 'io'"),
            ("return os.execute('true')", "unknown name 'os'"),
            ("return debug.getinfo(1)", "index a function value"),  // `debug` is the debug sink here
            ("return package.loaded", "unknown name 'package'"),
            ("return load('return 1')()", "unknown name 'load'"),
            ("return string.dump(tostring)", "field 'dump'"),
            ("getmetatable('').__index.upper = nil", "index a boolean"),
            ("for i = 1, 5000 do ctx.send({ payload = i }) end", "huge output|more than"),
            ("local t = {} t.me = t msg.payload = t return msg", "cyclic"),
            ("collectgarbage('stop')", "not allowed"),
        ]
    )
    func hostile(body: String, expected: String) throws {
        let messages = try run(body)
        let alternatives = expected.split(separator: "|").map(String.init)
        #expect(messages.contains { message in alternatives.contains { message.contains($0) } }, "\(messages)")
    }

    @Test("a flow that never calls send produces nothing and no error")
    func neverSends() throws {
        #expect(try run("local x = msg.payload").isEmpty)
    }

    @Test("non-UTF-8 strings pass through and reach the sink readable")
    func nonUTF8() throws {
        let flow = try FlowInstance(
            source: Self.flow("msg.payload = 'ok\\255\\254' .. msg.payload return msg"),
            path: "flows/bytes.lua",
            limits: Self.limits
        )
        let step = try flow.input(FlowInput(source: .verdict, message: .record(["payload": "\u{FFFD}x"])), now: 0)
        let value = try #require(step.outputs.first?.fields["value"]?.stringValue)
        #expect(value.hasPrefix("ok"))
        #expect(FlowJSON.encode(.string(value)).hasPrefix("\"ok"))
    }

    @Test("a flow cannot change the runtime's own string functions")
    func runtimeIsolation() throws {
        let source = """
            string.gsub = function() return "pwned" end
            string.find = nil
            return {
              nodes = { src = verdict {}, e = event { type = "t", text = "label {payload}" } },
              wires = { "src -> e" },
            }
            """
        let flow = try FlowInstance(source: source, path: "flows/tamper.lua", limits: Self.limits)
        let step = try flow.input(.verdict(label: "ng", score: 1), now: 0)
        #expect(step.outputs.first?.fields["text"] == "label ng")
    }

    @Test("a flow cannot reach the runtime's globals")
    func noRuntimeGlobals() throws {
        let messages = try run("return __flow_input('verdict', msg, 0)")
        #expect(messages.contains { $0.contains("unknown name '__flow_input'") })
    }
}

@Suite("Global context from flows")
struct FlowGlobalFromLuaTests {
    @Test("functions cannot be stored in global context; plain data round-trips")
    func refusesFunctions() throws {
        let global = FlowGlobalContext()
        let source = """
            return { nodes = { src = verdict {},
              fn = func(function(msg, ctx)
                ctx.global.set("data", { n = 1, list = { "a" } })
                ctx.global.set("fn", { f = function() end })
              end), out = debug {} },
              wires = { "src -> fn -> out" } }
            """
        let flow = try FlowInstance(source: source, path: "flows/g.lua", global: global)
        let step = try flow.input(.verdict(label: "x", score: 1), now: 0)
        #expect(global.get("data") == .record(["n": 1, "list": .array(["a"])]))
        #expect(global.get("fn") == .nil)
        #expect(step.errors.first?.fields["message"]?.stringValue?.contains("cannot hold a function value") == true)
    }
}
