import CSQLite
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A durable queue of outgoing MQTT messages in SQLite (WAL mode).
///
/// Every message is stored before it is sent and removed only after the broker acknowledged
/// it, so a crash, a broker restart or a WAN outage loses nothing: whatever is still here is
/// sent again, in sequence order, after reconnection or restart. Receivers may then see a
/// message twice and de-duplicate it by its sequence number.
///
/// A corrupt or unopenable file never stops the agent: it is moved aside, a fresh file is
/// created, and if even that fails the outbox runs in memory (``recovery`` says what happened).
public final class Outbox: @unchecked Sendable {
    // @unchecked: the database and statements are used only under `lock`.
    public let configuration: OutboxConfiguration
    /// What happened at open when the file could not be used as it was; nil when it could.
    public let recovery: String?
    let logger: Logger
    private let lock = Mutex<Counters>(Counters())
    private let database: SQLiteDatabase
    private let insert: SQLiteStatement
    private let selectAfter: SQLiteStatement
    private let delete: SQLiteStatement
    private let oldestTelemetry: SQLiteStatement
    private let deleteReturning: SQLiteStatement

    struct Counters {
        var messages = 0
        var bytes = 0
        var dropped = 0
        var lastSequence: Int64 = 0
    }

    /// Opens (or creates) the outbox; never fails, see ``recovery``.
    public init(configuration: OutboxConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var recovery: String?
        let database: SQLiteDatabase
        do {
            database = try Self.open(configuration)
        } catch {
            let aside = Self.moveAside(configuration.path)
            var note = "outbox \(error.description); moved aside to \(aside ?? "nowhere (could not rename)")"
            do {
                database = try Self.open(configuration)
            } catch {
                note += "; a fresh file failed too (\(error.message)), keeping messages in memory only"
                var memory = configuration
                memory.path = ":memory:"
                // An in-memory database with this schema cannot fail to open short of OOM.
                database = try! Self.open(memory)
            }
            logger.error("outbox unusable at start", metadata: ["outbox.recovery": "\(note)"])
            recovery = note
        }
        self.database = database
        self.recovery = recovery
        // The statements are fixed SQL against the schema just created.
        self.insert = try! database.prepare(
            "INSERT INTO outbox(seq, topic, payload, qos, retain, priority, size) VALUES(?,?,?,?,?,?,?)"
        )
        self.selectAfter = try! database.prepare(
            "SELECT seq, topic, payload, qos, retain, priority FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?"
        )
        self.delete = try! database.prepare("DELETE FROM outbox WHERE seq = ?")
        self.deleteReturning = try! database.prepare("DELETE FROM outbox WHERE seq = ? RETURNING size")
        self.oldestTelemetry = try! database.prepare(
            "SELECT seq, size FROM outbox WHERE priority = 0 ORDER BY seq LIMIT 1"
        )
        let messages = Int((try? database.scalar("SELECT count(*) FROM outbox")) ?? 0)
        let bytes = Int((try? database.scalar("SELECT coalesce(sum(size),0) FROM outbox")) ?? 0)
        let last = max(
            (try? database.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")) ?? 0,
            (try? database.scalar("SELECT coalesce(max(seq),0) FROM outbox")) ?? 0
        )
        lock.withLock {
            $0.messages = messages
            $0.bytes = bytes
            $0.lastSequence = last
        }
    }

    static func open(_ configuration: OutboxConfiguration) throws(OutboxError) -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: configuration.path)
        // journal_mode is the first read of the file: a non-database fails here with NOTADB.
        try database.execute("PRAGMA journal_mode=WAL")
        try database.execute("PRAGMA synchronous=\(configuration.fsync.pragma)")
        // A queue touches few pages: 512 KiB of page cache instead of SQLite's 2 MB default
        // keeps the agent's resident memory flat on a Pi; the WAL is truncated after each
        // checkpoint so a burst does not leave a large file behind.
        try database.execute("PRAGMA cache_size=-512")
        try database.execute("PRAGMA journal_size_limit=1048576")
        let check = try database.prepare("PRAGMA quick_check")
        guard try check.step(), check.text(0) == "ok" else {
            let text = check.text(0)
            check.reset()
            throw OutboxError(code: .corrupt, message: "integrity check failed: \(text)", path: configuration.path)
        }
        check.reset()
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS outbox(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,
                qos INTEGER NOT NULL,
                retain INTEGER NOT NULL,
                priority INTEGER NOT NULL,
                size INTEGER NOT NULL
            )
            """
        )
        return database
    }

    /// Renames the file (and its WAL and shared-memory files) to `<path>.corrupt-<unix time>`.
    static func moveAside(_ path: String) -> String? {
        guard path != ":memory:" else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let aside = "\(path).corrupt-\(now.tv_sec)"
        let moved = rename(path, aside) == 0
        for suffix in ["-wal", "-shm"] { _ = rename(path + suffix, aside + suffix) }
        return moved ? aside : nil
    }

    /// Stores a message and returns its sequence number.
    ///
    /// With `sequenceField`, a JSON-object payload gets `"<field>":<sequence>` as its first
    /// member, so receivers can de-duplicate. Telemetry that does not fit the bounds evicts
    /// older telemetry; if it still does not fit it is dropped (counted) and this throws.
    @discardableResult
    public func enqueue(_ message: MQTTMessage, priority: OutboxPriority, sequenceField: String? = nil)
        throws(OutboxError) -> OutboxEntry
    {
        let result: Result<OutboxEntry, OutboxError> = lock.withLock { counters in
            let sequence = counters.lastSequence + 1
            var stored = message
            if let sequenceField, stored.payload.first == UInt8(ascii: "{") {
                let member = "\"\(sequenceField)\":\(sequence)" + (stored.payload.count > 2 ? "," : "")
                stored.payload.insert(contentsOf: member.utf8, at: 1)
            }
            let size = stored.topic.utf8.count + stored.payload.count
            do throws(OutboxError) {
                if priority == .telemetry {
                    try makeRoom(for: size, counters: &counters)
                }
                insert.bind(1, sequence)
                insert.bind(2, stored.topic)
                insert.bind(3, stored.payload)
                insert.bind(4, Int64(stored.qos.rawValue))
                insert.bind(5, stored.retain ? 1 : 0)
                insert.bind(6, Int64(priority.rawValue))
                insert.bind(7, Int64(size))
                try insert.run()
            } catch {
                insert.reset()
                if priority == .telemetry { counters.dropped += 1 }
                return .failure(error)
            }
            counters.lastSequence = sequence
            counters.messages += 1
            counters.bytes += size
            return .success(OutboxEntry(sequence: sequence, message: stored, priority: priority))
        }
        return try result.get()
    }

    /// Evicts the oldest telemetry until `size` more bytes and one more message fit.
    private func makeRoom(for size: Int, counters: inout Counters) throws(OutboxError) {
        while counters.messages + 1 > configuration.maximumMessages
            || counters.bytes + size > configuration.maximumBytes
        {
            guard try oldestTelemetry.step() else {
                throw OutboxError(
                    code: .overflow,
                    message:
                        "outbox full (\(counters.messages) messages, \(counters.bytes) bytes, bounds \(configuration.maximumMessages)/\(configuration.maximumBytes)) and no telemetry left to evict",
                    path: configuration.path
                )
            }
            let victim = oldestTelemetry.int64(0)
            let victimSize = Int(oldestTelemetry.int64(1))
            oldestTelemetry.reset()
            delete.bind(1, victim)
            try delete.run()
            counters.messages -= 1
            counters.bytes -= victimSize
            counters.dropped += 1
        }
    }

    /// Up to `limit` stored messages with sequence numbers above `sequence`, oldest first.
    public func pending(after sequence: Int64, limit: Int) -> [OutboxEntry] {
        lock.withLock { _ in
            var entries: [OutboxEntry] = []
            selectAfter.bind(1, sequence)
            selectAfter.bind(2, Int64(limit))
            defer { selectAfter.reset() }
            while (try? selectAfter.step()) == true {
                let message = MQTTMessage(
                    topic: selectAfter.text(1),
                    payload: selectAfter.blob(2),
                    qos: MQTTQoS(rawValue: Int32(selectAfter.int64(3))) ?? .atLeastOnce,
                    retain: selectAfter.int64(4) != 0
                )
                entries.append(
                    OutboxEntry(
                        sequence: selectAfter.int64(0),
                        message: message,
                        priority: OutboxPriority(rawValue: Int(selectAfter.int64(5))) ?? .telemetry
                    )
                )
            }
            return entries
        }
    }

    /// Removes acknowledged messages, in one transaction (one fsync under ``OutboxConfiguration/FsyncPolicy/always``).
    public func remove(_ sequences: [Int64]) {
        guard !sequences.isEmpty else { return }
        lock.withLock { counters in
            do throws(OutboxError) {
                try database.execute("BEGIN")
                for sequence in sequences {
                    deleteReturning.bind(1, sequence)
                    // An evicted message may still be acknowledged: then there is no row.
                    if try deleteReturning.step() {
                        counters.messages -= 1
                        counters.bytes -= Int(deleteReturning.int64(0))
                        _ = try deleteReturning.step()
                    }
                    deleteReturning.reset()
                }
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                logger.error("outbox could not remove acknowledged messages", metadata: ["outbox.error": "\(error)"])
            }
        }
    }

    public var statistics: OutboxStatistics {
        lock.withLock {
            OutboxStatistics(
                pendingMessages: $0.messages,
                pendingBytes: $0.bytes,
                dropped: $0.dropped,
                lastSequence: $0.lastSequence
            )
        }
    }
}
