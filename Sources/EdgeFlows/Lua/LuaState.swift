import CEdgeBridge
import CLua

/// One Lua 5.4 interpreter with a memory cap and the safe standard libraries.
///
/// A state has exactly one owner and is not thread-safe: drive it from one task or thread.
/// Every call into Lua is protected, and Swift never calls a Lua API that can raise,
/// so a Lua error always comes back as a thrown ``LuaError``.
public final class LuaState {
    let L: OpaquePointer
    let program = LuaPushProgram()

    /// Creates a state.
    ///
    /// - Parameter memoryLimit: bytes the state may allocate; 0 means no limit.
    /// - Throws: ``LuaError/Code/state`` when the state cannot be created.
    public convenience init(memoryLimit: Int = 0) throws(LuaError) {
        try self.init(limits: LuaLimits(memoryBytes: memoryLimit))
    }

    /// Creates a state with a memory cap and per-call instruction and wall-time budgets.
    ///
    /// - Throws: ``LuaError/Code/state`` when the state cannot be created.
    public init(limits: LuaLimits) throws(LuaError) {
        guard let L = edge_lua_newstate(max(0, limits.memoryBytes)) else {
            throw LuaError(code: .state, message: "cannot create a Lua state within \(limits.memoryBytes) bytes")
        }
        self.L = L
        self.limits = limits
        edge_lua_set_budget(L, Int64(max(0, limits.instructions)), Int64(max(0, limits.wallTimeMicroseconds)))
        let status = edge_lua_open_safe_libraries(L)
        if status != LUA_OK {
            let error = popError(status: status, chunkName: nil)
            edge_lua_close(L)
            throw error
        }
    }

    deinit {
        edge_lua_close(L)
    }

    /// Bytes the state currently holds.
    public var memoryInUse: Int { edge_lua_memory_in_use(L) }

    /// Bytes the state may hold (0: unlimited). Lowering it never frees memory in use.
    public var memoryLimit: Int {
        get { limits.memoryBytes }
        set { limits.memoryBytes = newValue }
    }

    /// The memory cap and per-call budgets; changes apply from the next call.
    public var limits: LuaLimits {
        didSet {
            edge_lua_set_memory_limit(L, max(0, limits.memoryBytes))
            edge_lua_set_budget(L, Int64(max(0, limits.instructions)), Int64(max(0, limits.wallTimeMicroseconds)))
        }
    }

    /// Instructions (to the nearest thousand) the last call ran; 0 when no budget is set.
    public var instructionsUsed: Int { Int(edge_lua_instructions_used(L)) }

    /// Compiles and runs a text chunk and returns what it returns.
    ///
    /// - Parameters:
    ///   - source: Lua source text; binary chunks are refused.
    ///   - chunkName: the name used in messages, usually the file path (`flows/line.lua`).
    @discardableResult
    public func execute(_ source: String, chunkName: String) throws(LuaError) -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try load(source, chunkName: chunkName)
        return try call(arguments: 0, from: top, chunkName: chunkName)
    }

    /// Calls the global function `name` with `arguments` and returns its results.
    @discardableResult
    public func call(_ name: String, _ arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        program.reset()
        program.getGlobal(name)
        for argument in arguments { try program.push(argument) }
        try runProgram()
        guard lua_type(L, top + 1) == LUA_TFUNCTION else {
            let type = String(cString: lua_typename(L, lua_type(L, top + 1)))
            throw LuaError(code: .runtime, message: "global '\(name)' is not a function (a \(type) value)")
        }
        return try call(arguments: Int32(arguments.count), from: top, chunkName: nil)
    }

    /// Sets a global variable (raw: no metamethods run).
    public func setGlobal(_ name: String, _ value: LuaValue) throws(LuaError) {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        program.reset()
        try program.push(value)
        program.setGlobal(name)
        try runProgram()
    }

    /// Reads a global variable (raw: no metamethods run).
    public func global(_ name: String) throws(LuaError) -> LuaValue {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        program.reset()
        program.getGlobal(name)
        try runProgram()
        return try LuaStackReader.value(L, at: -1)
    }

    // MARK: - Internals

    /// Loads a text chunk and leaves the compiled function on the stack.
    func load(_ source: String, chunkName: String) throws(LuaError) {
        let name = chunkName.hasPrefix("=") || chunkName.hasPrefix("@") ? chunkName : "@" + chunkName
        var source = source
        let status = source.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                edge_lua_load_text(L, chars.baseAddress, chars.count, name)
            }
        }
        if status != LUA_OK { throw popError(status: status, chunkName: chunkName) }
    }

    /// Calls the function at `base + 1` with the `arguments` above it; collects every result.
    private func call(arguments: Int32, from base: Int32, chunkName: String?) throws(LuaError) -> [LuaValue] {
        let status = edge_lua_pcall(L, arguments, LUA_MULTRET)
        if status != LUA_OK { throw popError(status: status, chunkName: chunkName) }
        let top = lua_gettop(L)
        guard top > base else { return [] }
        var results: [LuaValue] = []
        results.reserveCapacity(Int(top - base))
        for index in (base + 1)...top { results.append(try LuaStackReader.value(L, at: index)) }
        return results
    }

    /// Runs the push program under protection.
    func runProgram() throws(LuaError) {
        let (ops, count) = program.finish()
        var pushed: Int32 = 0
        let status = edge_lua_run_ops(L, ops, count, &pushed)
        if status != LUA_OK { throw popError(status: status, chunkName: nil) }
    }

    /// Turns the error object on top of the stack into a ``LuaError`` and pops it.
    func popError(status: Int32, chunkName: String?) -> LuaError {
        defer { clua_pop(L, 1) }
        var code: LuaError.Code =
            switch status {
            case LUA_ERRSYNTAX: .syntax
            case LUA_ERRMEM: .memory
            case LUA_ERRERR: .handler
            default: .runtime
            }
        switch edge_lua_budget_tripped(L) {
        case Int32(EDGE_LUA_BUDGET_INSTRUCTIONS.rawValue): code = .instructionLimit
        case Int32(EDGE_LUA_BUDGET_TIME.rawValue): code = .timeLimit
        default: break
        }
        // The message handler built a table; memory and syntax errors arrive as plain strings.
        let object = (try? LuaStackReader.value(L, at: -1)) ?? .nil
        if case .table = object {
            return LuaError(
                code: code,
                message: object["message"]?.stringValue ?? "unknown error",
                source: object["source"]?.stringValue,
                line: object["line"]?.integerValue.map { Int($0) },
                traceback: object["traceback"]?.stringValue
            )
        }
        var message = object.stringValue ?? "(error object is a \(object.typeName) value)"
        if code == .memory, limits.memoryBytes > 0 {
            message += " (flow memory limit \(limits.memoryBytes) bytes)"
        }
        var error = LuaError(code: code, message: message)
        if let chunkName, let line = Self.line(in: message, chunkName: chunkName) {
            error.source = chunkName
            error.line = line
        }
        return error
    }

    /// Finds `chunk:LINE:` at the start of a message (syntax errors carry their position only there).
    static func line(in message: String, chunkName: String) -> Int? {
        let display = chunkName.hasPrefix("@") || chunkName.hasPrefix("=") ? String(chunkName.dropFirst()) : chunkName
        guard message.hasPrefix(display + ":") else { return nil }
        let rest = message.dropFirst(display.count + 1)
        return Int(rest.prefix { $0.isNumber })
    }
}
