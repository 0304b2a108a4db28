import CEdgeBridge
import Testing

@testable import EdgeFlows

@Suite("Lua sandbox: hostile code is stopped with a clear error")
struct LuaSandboxTests {
    static let limits = LuaLimits(memoryBytes: 4 << 20, instructions: 2_000_000, wallTimeMicroseconds: 2_000_000)

    @Test("an infinite loop stops at the instruction budget and the state stays usable")
    func infiniteLoop() throws {
        let lua = try LuaState(limits: Self.limits)
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local n = 0\nwhile true do n = n + 1 end", chunkName: "flows/loop.lua")
        }
        #expect(error.code == .instructionLimit)
        #expect(error.message.contains("flow exceeded 2000000 instructions"))
        #expect(error.line == 2)
        #expect(try lua.execute("return 40 + 2", chunkName: "after.lua") == [.integer(42)])
    }

    @Test("the wall-time budget stops a loop when the instruction budget is off")
    func wallTime() throws {
        let lua = try LuaState(limits: LuaLimits(wallTimeMicroseconds: 20_000))
        let error = try #require(throws: LuaError.self) {
            try lua.execute("while true do end", chunkName: "flows/spin.lua")
        }
        #expect(error.code == .timeLimit)
        #expect(error.message.contains("flow exceeded 20 ms"))
    }

    @Test("pcall cannot swallow the budget error", arguments: ["pcall", "xpcall"])
    func pcallCannotSwallow(wrapper: String) throws {
        let lua = try LuaState(limits: Self.limits)
        let handler = wrapper == "xpcall" ? ", function(e) return e end" : ""
        let source = "while true do \(wrapper)(function() while true do end end\(handler)) end"
        let error = try #require(throws: LuaError.self) { try lua.execute(source, chunkName: "flows/swallow.lua") }
        #expect(error.code == .instructionLimit)
    }

    @Test("pcall still catches ordinary errors")
    func pcallStillWorks() throws {
        let lua = try LuaState(limits: Self.limits)
        let result = try lua.execute("local ok, e = pcall(error, 'x', 0) return ok, e", chunkName: "p.lua")
        #expect(result == [false, "x"])
    }

    @Test("unbounded recursion ends with a stack overflow error")
    func recursion() throws {
        let lua = try LuaState(limits: Self.limits)
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local function f(n) return 1 + f(n + 1) end\nreturn f(1)", chunkName: "flows/rec.lua")
        }
        // Whichever comes first: Lua's C-stack guard or the memory cap on the growing Lua stack.
        #expect(error.message.contains("stack overflow") || error.code == .memory)
        #expect(try lua.execute("return 1", chunkName: "after.lua") == [.integer(1)])
    }

    @Test(
        "memory bombs stop at the cap",
        arguments: [
            "local s = 'x' for i = 1, 40 do s = s .. s end",
            "local t = {} for i = 1, 1e9 do t[i] = {i} end",
            "return string.rep('a', 64 << 20)",
            "local t = {} for i = 1, 1e9 do t[#t + 1] = tostring(i) .. ('y'):rep(100) end",
        ]
    )
    func memoryBomb(source: String) throws {
        let lua = try LuaState(limits: Self.limits)
        let error = try #require(throws: LuaError.self) { try lua.execute(source, chunkName: "flows/bomb.lua") }
        #expect(error.code == .memory)
        #expect(error.message.contains("not enough memory"))
        #expect(error.message.contains("flow memory limit 4194304 bytes"))
        #expect(lua.memoryInUse <= 4 << 20)
        #expect(try lua.execute("return 'alive'", chunkName: "after.lua") == ["alive"])
    }

    @Test(
        "catastrophic patterns are refused before they run",
        arguments: [
            "return string.rep('a', 100):find(('a*'):rep(5) .. 'b')",
            "return string.rep('a', 300):match(('a-'):rep(4) .. 'b')",
            "return string.rep('a', 100000):gsub('a*a*b', '')",
            "for w in string.rep('x', 20000):gmatch('x*y') do end",
            "return ('a'):rep(2000000):find('a', 1, false)",
            "return ('a'):find(('a'):rep(300))",
        ]
    )
    func catastrophicPattern(source: String) throws {
        let lua = try LuaState(limits: Self.limits)
        let error = try #require(throws: LuaError.self) { try lua.execute(source, chunkName: "flows/re.lua") }
        #expect(error.code == .runtime)
        #expect(error.message.contains("string."))
        #expect(error.message.contains("limit") || error.message.contains("backtrack"))
    }

    @Test(
        "ordinary patterns still work",
        arguments: [
            ("return ('key=value'):match('^(%w+)=(%w+)$')", [LuaValue.string("key"), .string("value")]),
            ("return (('a b  c'):gsub('%s+', '_'))", [LuaValue.string("a_b_c")]),
            ("local n = 0 for _ in ('1,2,3'):gmatch('%d+') do n = n + 1 end return n", [LuaValue.integer(3)]),
            ("return ('x.y'):find('.', 1, true)", [LuaValue.integer(2), .integer(2)]),
            ("return string.rep('a', 100000):find('b')", [LuaValue.nil]),
        ]
    )
    func ordinaryPatterns(source: String, expected: [LuaValue]) throws {
        let lua = try LuaState(limits: Self.limits)
        #expect(try lua.execute(source, chunkName: "ok.lua") == expected)
    }

    @Test("the cost estimate of the reference example exceeds the limit and a simple one does not")
    func patternCost() {
        let catastrophic = "a*a*a*a*a*b"
        let cost = catastrophic.withCString { edge_lua_pattern_cost($0, catastrophic.utf8.count, 100, 1) }
        #expect(cost > 1e7)
        let simple = "^(%d+)"
        #expect(simple.withCString { edge_lua_pattern_cost($0, simple.utf8.count, 100_000, 1) } < 10)
    }

    @Test("the string metatable is hidden and cannot be tampered with")
    func stringMetatable() throws {
        let lua = try LuaState(limits: Self.limits)
        #expect(try lua.execute("return getmetatable('')", chunkName: "m.lua") == [false])
        let error = try #require(throws: LuaError.self) {
            try lua.execute("getmetatable('').__index.upper = function() return 'pwned' end", chunkName: "m.lua")
        }
        #expect(error.message.contains("boolean"))
        #expect(try lua.execute("return ('ok'):upper()", chunkName: "m.lua") == ["OK"])
    }

    @Test(
        "dangerous globals are absent or refused",
        arguments: ["io", "os", "debug", "package", "load", "loadfile", "dofile", "require", "print"]
    )
    func absentGlobals(name: String) throws {
        let lua = try LuaState(limits: Self.limits)
        #expect(try lua.global(name) == .nil)
        let error = try #require(throws: LuaError.self) {
            try lua.execute("return \(name).x", chunkName: "flows/escape.lua")
        }
        #expect(error.message.contains("global '\(name)'"))
    }

    @Test("string.dump is gone and collectgarbage only counts")
    func dumpAndCollectGarbage() throws {
        let lua = try LuaState(limits: Self.limits)
        #expect(try lua.execute("return string.dump", chunkName: "d.lua") == [.nil])
        let count = try lua.execute("return collectgarbage('count')", chunkName: "gc.lua")
        #expect((count.first?.numberValue ?? 0) > 0)
        for option in ["stop", "collect", "incremental", "generational", "step", "setpause"] {
            let error = try #require(throws: LuaError.self) {
                try lua.execute("collectgarbage('\(option)')", chunkName: "gc.lua")
            }
            #expect(error.message.contains("not allowed"))
        }
    }

    @Test("each state is isolated: changes in one do not reach another")
    func isolation() throws {
        let a = try LuaState(limits: Self.limits)
        let b = try LuaState(limits: Self.limits)
        try a.execute("string.upper = function() return 'pwned' end; shared = 1", chunkName: "a.lua")
        #expect(try b.execute("return ('x'):upper(), shared", chunkName: "b.lua") == ["X", .nil])
    }

    @Test("the allocator gives freed memory back: many short-lived 1 MiB strings fit in a 4 MiB cap")
    func allocatorAccounting() throws {
        let lua = try LuaState(limits: Self.limits)
        // 64 MiB allocated in total: only possible under a 4 MiB cap if frees are subtracted.
        let result = try lua.execute(
            "local n = 0 for i = 1, 64 do local s = string.rep('x', 1 << 20) n = n + #s end return n",
            chunkName: "churn.lua"
        )
        #expect(result == [.integer(64 << 20)])
        #expect(lua.memoryInUse <= 4 << 20)
    }

    @Test("a budget exceeded inside a Swift callback still stops the outer call")
    func budgetAcrossSwift() throws {
        let lua = try LuaState(limits: Self.limits)
        try lua.execute("function spin() while true do end end", chunkName: "spin.lua")
        try lua.register("callback") { _ in try lua.call("spin") }
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local ok = pcall(callback)\nreturn 'swallowed'", chunkName: "outer.lua")
        }
        #expect(error.code == .instructionLimit)
        #expect(lua.instructionsUsed > 2_000_000)
    }

    @Test("finalizers are refused, so no endless __gc can run outside a budgeted call")
    func noFinalizers() throws {
        let lua = try LuaState(limits: Self.limits)
        let error = try #require(throws: LuaError.self) {
            try lua.execute("setmetatable({}, { __gc = function() while true do end end })", chunkName: "gc.lua")
        }
        #expect(error.message.contains("__gc finalizers are not allowed"))
        let weak = try lua.execute("return getmetatable(setmetatable({}, { __mode = 'k' })).__mode", chunkName: "w.lua")
        #expect(weak == ["k"])
    }
}
