import CLua

/// Copies values off a Lua stack using only accessors that never raise a Lua error
/// (no metamethods, no allocation), so it is safe inside a Swift frame.
enum LuaStackReader {
    static let maximumDepth = 64

    static func value(_ L: OpaquePointer, at index: Int32, depth: Int = 0) throws(LuaError) -> LuaValue {
        let index = lua_absindex(L, index)
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            return .string(string(L, at: index))
        case LUA_TTABLE:
            guard depth < maximumDepth else {
                throw LuaError(
                    code: .conversion,
                    message: "table nested deeper than \(maximumDepth) levels (is it cyclic?)"
                )
            }
            guard lua_checkstack(L, 3) != 0 else {
                throw LuaError(code: .memory, message: "Lua stack exhausted while reading a table")
            }
            var entries: [LuaValue: LuaValue] = [:]
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                do {
                    let key = try value(L, at: -2, depth: depth + 1)
                    entries[key] = try value(L, at: -1, depth: depth + 1)
                } catch {
                    clua_pop(L, 2)
                    throw error
                }
                clua_pop(L, 1)
            }
            return .table(entries)
        default:
            return .opaque(String(cString: lua_typename(L, lua_type(L, index))))
        }
    }

    /// Reads a string slot without conversion (the caller checked it is a string).
    static func string(_ L: OpaquePointer, at index: Int32) -> String {
        var length = 0
        guard let pointer = lua_tolstring(L, index, &length) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
