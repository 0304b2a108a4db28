/// One table of a TOML document: keys in file order, each with its value and line.
///
/// Sub-tables are kept flat by their dotted path in `TOMLDocument`, which is all the
/// agent's schema needs and keeps the line of every header at hand.
public struct TOMLTable: Sendable, Hashable {
    /// Dotted name of the table (`""` for the root, `pipelines` for each `[[pipelines]]`).
    public var name: String
    /// Line of the `[header]` (0 for the root table).
    public var line: Int
    public private(set) var keys: [String] = []
    public private(set) var values: [String: TOMLValue] = [:]

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    public subscript(key: String) -> TOMLValue? { values[key] }

    /// Adds a key; false when it was already there (TOML forbids redefinition).
    mutating func insert(_ key: String, _ value: TOMLValue) -> Bool {
        guard values[key] == nil else { return false }
        keys.append(key)
        values[key] = value
        return true
    }
}
