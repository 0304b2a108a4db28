/// Reads the TOML subset the agent's configuration uses, keeping the line of every value.
///
/// Why our own parser rather than TOMLKit: semantic errors ("port must be 1...65535") must name
/// the line of the offending value, which TOMLKit's decoded tree does not keep; and it would add
/// a C++ toml++ build to every CI run for ~300 lines of need. Supported: comments, `[table]` and
/// `[[array.of.tables]]` headers (dotted names), bare and quoted keys, basic and literal strings,
/// integers (sign, `_`, 0x), floats, booleans and arrays (across lines, trailing comma). Not
/// supported, with a clear error: dotted keys, inline tables, multi-line strings, dates.
public struct TOMLParser {
    private var bytes: [UInt8]
    private var index = 0
    private var line = 1
    private let file: String

    public init(text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> TOMLDocument {
        var parser = TOMLParser(text: text, file: file)
        return try parser.parseDocument()
    }

    // MARK: Document

    mutating func parseDocument() throws(ConfigurationError) -> TOMLDocument {
        var document = TOMLDocument(file: file)
        // Where `key = value` lines go: a plain table name, or an array name + index.
        var current: (name: String, arrayIndex: Int?) = ("", nil)
        while true {
            skipWhitespaceAndComments(newlines: true)
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "[") {
                let headerLine = line
                index += 1
                let isArray = peek() == UInt8(ascii: "[")
                if isArray { index += 1 }
                skipWhitespaceAndComments(newlines: false)
                let name = try parseDottedName()
                skipWhitespaceAndComments(newlines: false)
                try expect("]")
                if isArray { try expect("]") }
                try endOfLine()
                if isArray {
                    if document.tables[name] != nil {
                        throw error(.duplicateKey, key: name, "[[\(name)]] redefines the table [\(name)]", at: headerLine)
                    }
                    document.tableArrays[name, default: []].append(TOMLTable(name: name, line: headerLine))
                    current = (name, document.tableArrays[name]!.count - 1)
                } else {
                    if document.tables[name] != nil || document.tableArrays[name] != nil {
                        throw error(.duplicateKey, key: name, "table [\(name)] is defined twice", at: headerLine)
                    }
                    document.tables[name] = TOMLTable(name: name, line: headerLine)
                    current = (name, nil)
                }
                document.order.append(name)
                continue
            }
            let keyLine = line
            let key = try parseKey()
            skipWhitespaceAndComments(newlines: false)
            if peek() == UInt8(ascii: ".") {
                throw error(.syntax, key: key, "dotted keys are not supported; use a [table] header", at: keyLine)
            }
            try expect("=")
            skipWhitespaceAndComments(newlines: false)
            let value = try parseValue()
            try endOfLine()
            let inserted: Bool
            if let arrayIndex = current.arrayIndex {
                inserted = document.tableArrays[current.name]![arrayIndex].insert(key, value)
            } else {
                inserted = document.tables[current.name]!.insert(key, value)
            }
            if !inserted {
                let path = current.name.isEmpty ? key : "\(current.name).\(key)"
                throw error(.duplicateKey, key: path, "key is defined twice", at: keyLine)
            }
        }
        return document
    }

    // MARK: Keys

    private mutating func parseDottedName() throws(ConfigurationError) -> String {
        var parts = [try parseKey()]
        while true {
            skipWhitespaceAndComments(newlines: false)
            guard peek() == UInt8(ascii: ".") else { break }
            index += 1
            skipWhitespaceAndComments(newlines: false)
            parts.append(try parseKey())
        }
        return parts.joined(separator: ".")
    }

    private mutating func parseKey() throws(ConfigurationError) -> String {
        if peek() == UInt8(ascii: "\"") { return try parseBasicString() }
        if peek() == UInt8(ascii: "'") { return try parseLiteralString() }
        let start = index
        while let byte = peek(), Self.isBareKey(byte) { index += 1 }
        guard index > start else {
            throw error(.syntax, "expected a key", found: currentToken())
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    // MARK: Values

    private mutating func parseValue() throws(ConfigurationError) -> TOMLValue {
        let valueLine = line
        guard let byte = peek() else { throw error(.syntax, "expected a value", found: "end of file") }
        switch byte {
        case UInt8(ascii: "\""):
            if match("\"\"\"") { throw error(.syntax, "multi-line strings are not supported", found: "\"\"\"") }
            return TOMLValue(.string(try parseBasicString()), line: valueLine)
        case UInt8(ascii: "'"):
            if match("'''") { throw error(.syntax, "multi-line strings are not supported", found: "'''") }
            return TOMLValue(.string(try parseLiteralString()), line: valueLine)
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "{"):
            throw error(.syntax, "inline tables are not supported; use a [table] header", found: "{")
        default:
            let start = index
            while let byte = peek(), !Self.endsScalar(byte) { index += 1 }
            let token = String(decoding: bytes[start..<index], as: UTF8.self)
            guard let kind = Self.scalar(token) else {
                throw error(.syntax, "expected a string, number, boolean or array", found: token.isEmpty ? currentToken() : token, at: valueLine)
            }
            return TOMLValue(kind, line: valueLine)
        }
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "]")
    }

    static func scalar(_ token: String) -> TOMLValue.Kind? {
        switch token {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        guard !token.isEmpty, !token.hasPrefix("_"), !token.hasSuffix("_"), !token.contains("__") else { return nil }
        let plain = token.filter { $0 != "_" }
        if plain.hasPrefix("0x"), let value = Int(plain.dropFirst(2), radix: 16) { return .integer(value) }
        if plain.hasPrefix("0o"), let value = Int(plain.dropFirst(2), radix: 8) { return .integer(value) }
        if plain.hasPrefix("0b"), let value = Int(plain.dropFirst(2), radix: 2) { return .integer(value) }
        let digits = plain.drop { $0 == "+" || $0 == "-" }
        // TOML forbids leading zeros on decimal integers (they read like octal).
        if digits.count > 1, digits.first == "0", digits.allSatisfy(\.isNumber) { return nil }
        if let value = Int(plain) { return .integer(value) }
        let isFloatShape = plain.contains(".") || plain.contains("e") || plain.contains("E")
        if isFloatShape, !plain.hasSuffix("."), !plain.hasPrefix("."), let value = Double(plain), value.isFinite {
            return .float(value)
        }
        return nil
    }

    private mutating func parseArray() throws(ConfigurationError) -> TOMLValue {
        let arrayLine = line
        index += 1
        var elements: [TOMLValue] = []
        while true {
            skipWhitespaceAndComments(newlines: true)
            if peek() == UInt8(ascii: "]") {
                index += 1
                return TOMLValue(.array(elements), line: arrayLine)
            }
            elements.append(try parseValue())
            skipWhitespaceAndComments(newlines: true)
            if peek() == UInt8(ascii: ",") {
                index += 1
            } else if peek() != UInt8(ascii: "]") {
                throw error(.syntax, "expected ',' or ']' in the array opened on line \(arrayLine)", found: currentToken())
            }
        }
    }

    private mutating func parseBasicString() throws(ConfigurationError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else {
                throw error(.syntax, "unterminated string", found: "end of line")
            }
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            guard let escape = peek() else { throw error(.syntax, "unterminated string", found: "end of file") }
            index += 1
            switch escape {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "\""): out.append(escape)
            case UInt8(ascii: "\\"): out.append(escape)
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = escape == UInt8(ascii: "u") ? 4 : 8
                guard index + count <= bytes.count,
                    let scalarValue = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(scalarValue)
                else { throw error(.syntax, "invalid unicode escape in string", found: "\\" + String(UnicodeScalar(escape))) }
                index += count
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error(.syntax, "invalid escape in string", found: "\\" + String(UnicodeScalar(escape)))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func parseLiteralString() throws(ConfigurationError) -> String {
        index += 1
        let start = index
        while let byte = peek(), byte != UInt8(ascii: "'") {
            if byte == UInt8(ascii: "\n") { throw error(.syntax, "unterminated string", found: "end of line") }
            index += 1
        }
        guard peek() != nil else { throw error(.syntax, "unterminated string", found: "end of file") }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return text
    }

    // MARK: Lexing helpers

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func match(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<index + utf8.count]) == utf8
    }

    private mutating func expect(_ text: String) throws(ConfigurationError) {
        guard match(text) else { throw error(.syntax, "expected '\(text)'", found: currentToken()) }
        index += text.utf8.count
    }

    private mutating func skipWhitespaceAndComments(newlines: Bool) {
        while let byte = peek() {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                while let next = peek(), next != UInt8(ascii: "\n") { index += 1 }
            } else if byte == UInt8(ascii: "\n") && newlines {
                index += 1
                line += 1
            } else {
                return
            }
        }
    }

    /// After a key/value or header only a comment may follow on the same line.
    private mutating func endOfLine() throws(ConfigurationError) {
        skipWhitespaceAndComments(newlines: false)
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") else {
            throw error(.syntax, "expected the end of the line", found: currentToken())
        }
        index += 1
        line += 1
    }

    private func currentToken() -> String {
        guard index < bytes.count else { return "end of file" }
        var end = index
        while end < bytes.count, end - index < 20, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        return end == index ? "end of line" : String(decoding: bytes[index..<end], as: UTF8.self)
    }

    private func error(
        _ code: ConfigurationError.Code, key: String? = nil, _ message: String, found: String? = nil, at line: Int? = nil
    ) -> ConfigurationError {
        ConfigurationError(code: code, file: file, line: line ?? self.line, key: key, value: found, message: message)
    }
}
