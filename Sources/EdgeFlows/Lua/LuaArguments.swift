import CLua

/// The arguments of a Swift function called from Lua, valid only during that call.
public struct LuaArguments {
    let L: OpaquePointer
    /// The function's name, used in argument errors.
    public let functionName: String
    /// How many arguments Lua passed.
    public let count: Int

    init(L: OpaquePointer, functionName: String) {
        self.L = L
        self.functionName = functionName
        self.count = Int(lua_gettop(L))
    }

    /// Argument `position` (1-based, as in Lua); `.nil` past the end.
    public func value(_ position: Int) throws(LuaError) -> LuaValue {
        guard position >= 1, position <= count else { return .nil }
        return try LuaStackReader.value(L, at: Int32(position))
    }

    /// Every argument, in order.
    public func values() throws(LuaError) -> [LuaValue] {
        var values: [LuaValue] = []
        for position in stride(from: 1, through: count, by: 1) { values.append(try value(position)) }
        return values
    }

    /// Argument `position` as a string, or a Lua-style "bad argument" error.
    public func string(_ position: Int) throws(LuaError) -> String {
        let value = try value(position)
        guard case .string(let s) = value else { throw badArgument(position, expected: "string", got: value) }
        return s
    }

    /// Argument `position` as a number, or a Lua-style "bad argument" error.
    public func number(_ position: Int) throws(LuaError) -> Double {
        let value = try value(position)
        guard let number = value.numberValue else { throw badArgument(position, expected: "number", got: value) }
        return number
    }

    /// Argument `position` as an integer, or a Lua-style "bad argument" error.
    public func integer(_ position: Int) throws(LuaError) -> Int64 {
        let value = try value(position)
        guard let integer = value.integerValue else {
            throw badArgument(position, expected: "integer", got: value)
        }
        return integer
    }

    /// The error `luaL_argerror` would raise.
    public func badArgument(_ position: Int, expected: String, got value: LuaValue) -> LuaError {
        LuaError(
            code: .runtime,
            message: "bad argument #\(position) to '\(functionName)' (\(expected) expected, got \(value.typeName))"
        )
    }
}
