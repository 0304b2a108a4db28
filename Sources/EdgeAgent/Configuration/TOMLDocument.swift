/// The parsed configuration file: its plain tables by dotted name and its arrays of tables.
public struct TOMLDocument: Sendable, Hashable {
    /// Shown in error messages.
    public var file: String
    /// `[name]` tables and the root table (`""`).
    public var tables: [String: TOMLTable]
    /// `[[name]]` arrays of tables, in file order.
    public var tableArrays: [String: [TOMLTable]]
    /// Every table name in the order its header appeared, to report unknown ones.
    public var order: [String]

    public init(file: String) {
        self.file = file
        self.tables = ["": TOMLTable(name: "", line: 0)]
        self.tableArrays = [:]
        self.order = []
    }
}
