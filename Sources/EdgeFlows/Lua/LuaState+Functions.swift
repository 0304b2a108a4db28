import CEdgeBridge
import CLua

/// A Swift function callable from Lua. Return its results; throw to raise a Lua error.
public typealias LuaFunction = (LuaArguments) throws -> [LuaValue]

extension LuaState {
    /// Makes `function` callable from Lua as the global `name`.
    ///
    /// Errors thrown by `function` become Lua errors (catchable with `pcall`), raised by the
    /// C trampoline after this Swift frame has returned.
    public func register(_ name: String, _ function: @escaping LuaFunction) throws(LuaError) {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        let box = LuaFunctionBox(name: name, body: function)
        let context = Unmanaged.passRetained(box).toOpaque()
        program.reset()
        program.pushFunction(
            { L, context, ops, count in
                Unmanaged<LuaFunctionBox>.fromOpaque(context!).takeUnretainedValue().invoke(L!, ops!, count!)
            },
            release: { context in
                Unmanaged<LuaFunctionBox>.fromOpaque(context!).release()
            },
            context: context
        )
        program.setGlobal(name)
        let (ops, count) = program.finish()
        var pushed: Int32 = 0
        let status = edge_lua_run_ops(L, ops, count, &pushed)
        if status != LUA_OK {
            // The userdata may or may not have been created; if it was, Lua owns the context and
            // will release it; if not, nobody does. Only allocation failures get here, and leaking one
            // small box is safer than a double release.
            throw popError(status: status, chunkName: nil)
        }
    }
}

/// Holds a registered Swift function. Lua owns one retain through the closure's userdata.
final class LuaFunctionBox {
    let name: String
    let body: LuaFunction
    /// One result program per nesting level: Lua may call back into this function while it runs.
    private var programs: [LuaPushProgram] = []
    private var depth = 0

    init(name: String, body: @escaping LuaFunction) {
        self.name = name
        self.body = body
    }

    /// Runs the Swift body and describes its results (or its error) as a push program for C.
    func invoke(
        _ L: OpaquePointer,
        _ opsOut: UnsafeMutablePointer<UnsafePointer<edge_lua_op>?>,
        _ countOut: UnsafeMutablePointer<Int>
    ) -> Int32 {
        if programs.count == depth { programs.append(LuaPushProgram()) }
        let program = programs[depth]
        depth += 1
        defer { depth -= 1 }
        program.reset()
        var resultCount: Int32 = -1
        do {
            let results = try body(LuaArguments(L: L, functionName: name))
            for result in results { try program.push(result) }
            resultCount = Int32(results.count)
        } catch let error as LuaError {
            program.reset()
            try? program.push(.string(error.message))
        } catch {
            program.reset()
            try? program.push(.string("\(name): \(error)"))
        }
        let (ops, count) = program.finish()
        opsOut.pointee = ops
        countOut.pointee = count
        return resultCount
    }
}
