import CEdgeBridge
import CLua

extension LuaState {
    /// Runs a text chunk in the environment held by the global `environment`, then calls the
    /// global function `handler` with the chunk's first result followed by `arguments`.
    ///
    /// The chunk's result never leaves Lua (it may hold functions), which is what the flow
    /// runtime needs: the flow file returns nodes with Lua callbacks, the runtime keeps them.
    func runChunk(
        _ source: String,
        chunkName: String,
        environment: String,
        handler: String,
        arguments: [LuaValue] = []
    ) throws(LuaError) -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        program.reset()
        program.getGlobal(handler)
        try runProgram()
        try load(source, chunkName: chunkName)
        let envStatus = edge_lua_set_env(L, environment)
        if envStatus != LUA_OK { throw popError(status: envStatus, chunkName: chunkName) }
        let status = edge_lua_pcall(L, 0, 1)
        if status != LUA_OK { throw popError(status: status, chunkName: chunkName) }
        program.reset()
        for argument in arguments { try program.push(argument) }
        try runProgram()
        let callStatus = edge_lua_pcall(L, Int32(1 + arguments.count), LUA_MULTRET)
        if callStatus != LUA_OK { throw popError(status: callStatus, chunkName: nil) }
        var results: [LuaValue] = []
        let newTop = lua_gettop(L)
        if newTop > top {
            for index in (top + 1)...newTop { results.append(try LuaStackReader.value(L, at: index)) }
        }
        return results
    }

    /// Registers the C helpers the flow runtime uses (`__flow_where`).
    func openFlowHelpers() throws(LuaError) {
        let status = edge_lua_open_flow_helpers(L)
        if status != LUA_OK { throw popError(status: status, chunkName: nil) }
    }
}
