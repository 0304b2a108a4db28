/// Typed, checked access to one table's keys; remembers which keys were read so that
/// `finish()` can reject the rest as unknown (a typo must not silently fall back to a default).
struct TableReader {
    let file: String
    let table: TOMLTable
    /// How keys are named in messages: `broker`, `pipelines[2]`.
    let path: String
    private var used: Set<String> = []

    init(file: String, table: TOMLTable, path: String) {
        self.file = file
        self.table = table
        self.path = path
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func value(_ key: String) -> TOMLValue? {
        used.insert(key)
        return table[key]
    }

    func invalid(_ key: String, _ value: TOMLValue, expected: String, _ message: String) -> ConfigurationError {
        ConfigurationError(
            code: .invalidValue, file: file, line: value.line, key: keyPath(key), value: Self.render(value),
            expected: expected, message: message)
    }

    func missing(_ key: String, expected: String) -> ConfigurationError {
        ConfigurationError(
            code: .missingKey, file: file, line: table.line, key: keyPath(key), expected: expected,
            message: "required key is missing")
    }

    static func render(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let text): "\"\(text)\""
        case .integer(let number): String(number)
        case .float(let number): String(number)
        case .boolean(let flag): String(flag)
        case .array(let elements): "[" + elements.map(render).joined(separator: ", ") + "]"
        }
    }

    mutating func string(_ key: String, default fallback: String? = nil, nonEmpty: Bool = true) throws(ConfigurationError) -> String {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw missing(key, expected: "a string")
        }
        guard case .string(let text) = value.kind else {
            throw invalid(key, value, expected: "a string", "wrong type \(value.typeName)")
        }
        if nonEmpty && text.isEmpty { throw invalid(key, value, expected: "a non-empty string", "empty string") }
        return text
    }

    mutating func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        guard table[key] != nil else {
            used.insert(key)
            return nil
        }
        return try string(key)
    }

    mutating func integer(_ key: String, default fallback: Int? = nil, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let expected = "an integer in \(range.lowerBound)...\(range.upperBound)"
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw missing(key, expected: expected)
        }
        guard case .integer(let number) = value.kind else {
            throw invalid(key, value, expected: expected, "wrong type \(value.typeName)")
        }
        guard range.contains(number) else { throw invalid(key, value, expected: expected, "out of range") }
        return number
    }

    mutating func double(_ key: String, default fallback: Double, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        let expected = "a number in \(range.lowerBound)...\(range.upperBound)"
        guard let value = value(key) else { return fallback }
        let number: Double
        switch value.kind {
        case .integer(let integer): number = Double(integer)
        case .float(let float): number = float
        default: throw invalid(key, value, expected: expected, "wrong type \(value.typeName)")
        }
        guard range.contains(number) else { throw invalid(key, value, expected: expected, "out of range") }
        return number
    }

    mutating func boolean(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .boolean(let flag) = value.kind else {
            throw invalid(key, value, expected: "true or false", "wrong type \(value.typeName)")
        }
        return flag
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws(ConfigurationError) -> T
    where T.RawValue == String {
        let expected = "one of " + T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let value = value(key) else { return fallback }
        guard case .string(let text) = value.kind else {
            throw invalid(key, value, expected: expected, "wrong type \(value.typeName)")
        }
        guard let result = T(rawValue: text) else { throw invalid(key, value, expected: expected, "unknown value") }
        return result
    }

    /// An array of integers of a fixed count, each in `range`.
    mutating func integers(_ key: String, count: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> [Int]? {
        let expected = "an array of \(count) integers in \(range.lowerBound)...\(range.upperBound)"
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value.kind, elements.count == count else {
            throw invalid(key, value, expected: expected, "wrong shape")
        }
        var numbers: [Int] = []
        for element in elements {
            guard case .integer(let number) = element.kind, range.contains(number) else {
                throw invalid(key, value, expected: expected, "element \(Self.render(element)) is not allowed")
            }
            numbers.append(number)
        }
        return numbers
    }

    /// Rejects keys the schema did not read.
    func finish() throws(ConfigurationError) {
        for key in table.keys where !used.contains(key) {
            let value = table[key]!
            throw ConfigurationError(
                code: .unknownKey, file: file, line: value.line, key: keyPath(key), value: Self.render(value),
                message: "unknown key (see docs/configuration.md)")
        }
    }
}
