/// JSON for flow messages, context files and test fixtures, mapped onto ``LuaValue``.
///
/// Arrays become Lua sequences (keys 1...n), objects become tables with string keys.
/// Encoding sorts object keys so output diffs cleanly; a table whose keys are exactly 1...n
/// is an array; an empty table is `{}`.
public enum FlowJSON {
    /// Parses one JSON document.
    ///
    /// - Throws: ``FlowError`` with code `.json` naming the line and column.
    public static func decode(_ text: String, file: String? = nil, line: Int? = nil) throws(FlowError) -> LuaValue {
        var parser = FlowJSONParser(text: text)
        do throws(FlowJSONParser.Failure) {
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.atEnd else { throw parser.failure("unexpected text after the JSON value") }
            return value
        } catch {
            throw FlowError(
                code: .json,
                message: "invalid JSON at column \(error.column): \(error.message)",
                file: file,
                line: line ?? error.line
            )
        }
    }

    /// Encodes a value on one line. Functions and other opaque values become their type name.
    public static func encode(_ value: LuaValue) -> String {
        var out = ""
        write(value, into: &out, depth: 0)
        return out
    }

    static func write(_ value: LuaValue, into out: inout String, depth: Int) {
        switch value {
        case .nil: out += "null"
        case .boolean(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d):
            if d.isNaN || d.isInfinite {
                out += "null"
            } else if d == d.rounded(), abs(d) < 1e15 {
                out += String(Int64(d))
            } else {
                out += "\(d)"
            }
        case .string(let s): writeString(s, into: &out)
        case .opaque(let name): writeString("<\(name)>", into: &out)
        case .table(let entries):
            guard depth < 64 else {
                out += "null"
                return
            }
            if !entries.isEmpty, let array = sequence(entries) {
                out += "["
                for (index, element) in array.enumerated() {
                    if index > 0 { out += "," }
                    write(element, into: &out, depth: depth + 1)
                }
                out += "]"
                return
            }
            out += "{"
            let keyed = entries.map { (key: keyText($0.key), value: $0.value) }.sorted { $0.key < $1.key }
            for (index, entry) in keyed.enumerated() {
                if index > 0 { out += "," }
                writeString(entry.key, into: &out)
                out += ":"
                write(entry.value, into: &out, depth: depth + 1)
            }
            out += "}"
        }
    }

    static func sequence(_ entries: [LuaValue: LuaValue]) -> [LuaValue]? {
        var array: [LuaValue] = []
        array.reserveCapacity(entries.count)
        for index in 1...entries.count {
            guard let element = entries[.integer(Int64(index))] else { return nil }
            array.append(element)
        }
        return array
    }

    static func keyText(_ key: LuaValue) -> String {
        switch key {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number(let d): "\(d)"
        case .boolean(let b): b ? "true" : "false"
        default: key.typeName
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
