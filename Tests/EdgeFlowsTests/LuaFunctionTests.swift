import Testing

@testable import EdgeFlows

@Suite("Swift functions called from Lua")
struct LuaFunctionTests {
    @Test("a Swift function receives arguments and returns results")
    func roundTrip() throws {
        let lua = try LuaState()
        try lua.register("scale") { args in
            let values = try args.values()
            let factor = try args.number(2)
            guard case .table(let list) = values[0] else { throw args.badArgument(1, expected: "table", got: values[0]) }
            let scaled = (1...list.count).map { LuaValue.number((list[.integer(Int64($0))]?.numberValue ?? 0) * factor) }
            return [.array(scaled), .string("n=\(list.count)")]
        }
        let results = try lua.execute(
            "local t, note = scale({1, 2, 3}, 2) return t[1] + t[2] + t[3], note",
            chunkName: "scale.lua"
        )
        #expect(results == [.number(12), .string("n=3")])
    }

    @Test("a Swift error becomes a catchable Lua error with the caller's position")
    func errorsBecomeLuaErrors() throws {
        let lua = try LuaState()
        try lua.register("fail") { args in
            throw LuaError(code: .runtime, message: "refused \(try args.string(1))")
        }
        let caught = try lua.execute(
            "local ok, err = pcall(fail, 'this')\nreturn ok, err",
            chunkName: "catch.lua"
        )
        #expect(caught.first == .boolean(false))
        #expect(caught.last?.stringValue == "refused this")

        let error = try #require(throws: LuaError.self) {
            try lua.execute("\nfail('x')", chunkName: "uncaught.lua")
        }
        #expect(error.line == 2)
        #expect(error.message == "uncaught.lua:2: refused x")
    }

    @Test("argument errors read like Lua's own")
    func argumentErrors() throws {
        let lua = try LuaState()
        try lua.register("twice") { args in [.integer(try args.integer(1) * 2)] }
        let error = try #require(throws: LuaError.self) { try lua.execute("return twice('a')", chunkName: "a.lua") }
        #expect(error.message.hasSuffix("bad argument #1 to 'twice' (integer expected, got string)"))
        #expect(try lua.execute("return twice(21)", chunkName: "b.lua") == [.integer(42)])
    }

    @Test("Lua may call back into Lua that calls the same Swift function")
    func reentrancy() throws {
        let lua = try LuaState()
        try lua.register("depth") { args in
            let n = try args.integer(1)
            if n == 0 { return [.string("bottom")] }
            let inner = try lua.call("again", [.integer(n - 1)])
            return [.string("\(n)>" + (inner.first?.stringValue ?? "?"))]
        }
        try lua.execute("function again(n) return depth(n) end", chunkName: "r.lua")
        #expect(try lua.call("again", [3]) == [.string("3>2>1>bottom")])
    }

    @Test("registered functions are released with the state")
    func releasesContext() throws {
        final class Token {}
        weak var weakToken: Token?
        do {
            let lua = try LuaState()
            let token = Token()
            weakToken = token
            try lua.register("hold") { _ in _ = token; return [] }
        }
        #expect(weakToken == nil)
    }
}
