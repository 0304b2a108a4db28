/// A Lua value copied out of (or into) a Lua state.
///
/// Tables are copied by value; functions, userdata and threads cannot leave their state
/// and appear as ``opaque(_:)`` with their Lua type name.
public enum LuaValue: Hashable, Sendable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    /// Lua strings are byte strings; invalid UTF-8 is replaced when read.
    case string(String)
    case table([LuaValue: LuaValue])
    case opaque(String)
}

extension LuaValue {
    /// The Lua type name, as `type(v)` would print it.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .opaque(let name): name
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Integers, and floats with an exact integer value, as Lua's `math.tointeger` would.
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }

    public var tableValue: [LuaValue: LuaValue]? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// `t[key]` for a table with string keys; nil otherwise.
    public subscript(key: String) -> LuaValue? {
        tableValue?[.string(key)]
    }

    /// Builds a table from an array (keys 1...n, as Lua sequences are).
    public static func array(_ values: [LuaValue]) -> LuaValue {
        var table: [LuaValue: LuaValue] = [:]
        for (index, value) in values.enumerated() { table[.integer(Int64(index + 1))] = value }
        return .table(table)
    }

    /// Builds a table with string keys.
    public static func record(_ fields: [String: LuaValue]) -> LuaValue {
        .table(Dictionary(uniqueKeysWithValues: fields.map { (LuaValue.string($0.key), $0.value) }))
    }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}
