import CSQLite

/// A minimal SQLite connection: exec, prepared statements, and errors that name the file.
///
/// Not thread-safe (opened with NOMUTEX); ``Outbox`` serialises all use behind its lock.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    init(path: String) throws(OutboxError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let text = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close(db)
            throw Self.error(rc, "cannot open: \(text)", path: path)
        }
        self.handle = db
        self.path = path
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws(OutboxError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw failure(rc, sql) }
    }

    func prepare(_ sql: String) throws(OutboxError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc, sql) }
        return SQLiteStatement(handle: statement, database: self)
    }

    /// The first column of the first row of a query, as an integer (0 when there is no row).
    func scalar(_ sql: String) throws(OutboxError) -> Int64 {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(0) : 0
    }

    func failure(_ rc: Int32, _ doing: String) -> OutboxError {
        Self.error(rc, "\(doing): \(String(cString: sqlite3_errmsg(handle)))", path: path)
    }

    static func error(_ rc: Int32, _ message: String, path: String) -> OutboxError {
        let code: OutboxError.Code
        switch rc & 0xFF {
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
        case SQLITE_FULL: code = .full
        default: code = .database
        }
        return OutboxError(code: code, message: message, path: path, sqliteCode: rc)
    }
}

/// A prepared statement, reset after every use.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let database: SQLiteDatabase

    init(handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: String) { sqlite3_bind_text(handle, index, value, -1, csqlite_transient()) }
    func bind(_ index: Int32, _ bytes: [UInt8]) {
        // An empty payload (alarm clear) must stay an empty blob, not NULL.
        guard !bytes.isEmpty else {
            sqlite3_bind_zeroblob(handle, index, 0)
            return
        }
        bytes.withUnsafeBytes { raw in
            _ = sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count), csqlite_transient())
        }
    }

    /// Steps once: true when a row is ready, false when done.
    func step() throws(OutboxError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else { throw database.failure(rc, "executing \(String(cString: sqlite3_sql(handle)))") }
        return false
    }

    /// Runs a statement that returns no rows, then clears its bindings.
    func run() throws(OutboxError) {
        defer { sqlite3_clear_bindings(handle) }
        _ = try step()
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func text(_ column: Int32) -> String {
        guard let raw = sqlite3_column_text(handle, column) else { return "" }
        return String(cString: raw)
    }
    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let raw = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: count))
    }
}
