import Testing

@testable import EdgeFlows

@Suite("LuaState")
struct LuaStateTests {
    @Test("runs a named chunk and returns every kind of value")
    func returnsValues() throws {
        let lua = try LuaState()
        let results = try lua.execute(
            "return 42, 2.5, 'text', true, nil, {1, 2, name = 'x', nested = {ok = true}}",
            chunkName: "values.lua"
        )
        #expect(results.count == 6)
        #expect(results[0] == .integer(42))
        #expect(results[1] == .number(2.5))
        #expect(results[2] == .string("text"))
        #expect(results[3] == .boolean(true))
        #expect(results[4] == .nil)
        #expect(results[5] == .table([1: 1, 2: 2, "name": "x", "nested": .record(["ok": true])]))
    }

    @Test("a runtime error names the chunk and the line")
    func runtimeErrorHasPosition() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local msg = {}\n\nreturn msg.payload.value", chunkName: "flows/line.lua")
        }
        #expect(error.code == .runtime)
        #expect(error.source == "flows/line.lua")
        #expect(error.line == 3)
        #expect(error.message.contains("flows/line.lua:3:"))
        #expect(error.message.contains("payload"))
        #expect(error.traceback?.contains("stack traceback") == true)
    }

    @Test("a syntax error names the chunk and the line")
    func syntaxErrorHasPosition() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local a = 1\nlocal b = = 2\n", chunkName: "flows/bad.lua")
        }
        #expect(error.code == .syntax)
        #expect(error.source == "flows/bad.lua")
        #expect(error.line == 2)
    }

    @Test("error() with a table value is still reported")
    func nonStringError() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.execute("error({code = 7})", chunkName: "t.lua")
        }
        #expect(error.message == "(error object is a table value)")
    }

    @Test("binary chunks and code loaders are refused")
    func textOnly() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.execute("\u{1B}Lua\u{54}\u{00}", chunkName: "bin.lua")
        }
        #expect(error.message.contains("binary"))
        for name in ["load", "loadfile", "dofile", "io", "os", "debug", "package", "require"] {
            #expect(try lua.global(name) == .nil, "\(name) must not be reachable")
        }
    }

    @Test("globals round-trip through raw access")
    func globals() throws {
        let lua = try LuaState()
        let message: LuaValue = .record(["topic": "line/1", "payload": 3.25, "scores": .array([0.1, 0.9])])
        try lua.setGlobal("msg", message)
        #expect(try lua.global("msg") == message)
        #expect(try lua.execute("return msg.scores[2] + msg.payload", chunkName: "g.lua") == [.number(4.15)])
    }

    @Test("calls a global function with arguments")
    func callsFunction() throws {
        let lua = try LuaState()
        try lua.execute("function add(a, b) return a + b, 'sum' end", chunkName: "f.lua")
        #expect(try lua.call("add", [2, 40]) == [.integer(42), .string("sum")])
        let error = try #require(throws: LuaError.self) { try lua.call("missing") }
        #expect(error.message.contains("'missing' is not a function"))
    }

    @Test("the memory cap stops a memory bomb and the state stays usable")
    func memoryCap() throws {
        let lua = try LuaState(memoryLimit: 1 << 20)
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local s = 'x' for i = 1, 40 do s = s .. s end return #s", chunkName: "bomb.lua")
        }
        #expect(error.code == .memory)
        #expect(lua.memoryInUse < 1 << 20)
        #expect(try lua.execute("return 1 + 1", chunkName: "after.lua") == [.integer(2)])
    }

    @Test("a cyclic table is refused instead of recursing forever")
    func cyclicTable() throws {
        let lua = try LuaState()
        let error = try #require(throws: LuaError.self) {
            try lua.execute("local t = {} t.self = t return t", chunkName: "cycle.lua")
        }
        #expect(error.code == .conversion)
    }

    @Test("invalid UTF-8 from Lua is read without crashing")
    func invalidUTF8() throws {
        let lua = try LuaState()
        let result = try lua.execute("return 'ok\\255\\254'", chunkName: "bytes.lua")
        #expect(result.first?.stringValue?.hasPrefix("ok") == true)
    }
}
