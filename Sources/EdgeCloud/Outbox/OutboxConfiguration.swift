/// Where the outbox lives, how hard it syncs, and how much it may hold.
public struct OutboxConfiguration: Sendable, Hashable {
    /// When SQLite calls fsync. The database is always in WAL mode.
    public enum FsyncPolicy: String, Sendable, Hashable, CaseIterable {
        /// `synchronous=FULL`: fsync on every commit. Survives power loss with nothing lost.
        case always
        /// `synchronous=NORMAL`: fsync at checkpoints only. Survives a process crash (SIGKILL)
        /// intact; power loss may lose the last commits but never corrupts the file.
        case normal
        /// `synchronous=OFF`: never fsync. Survives a process crash; power loss may corrupt it.
        case off

        var pragma: String {
            switch self {
            case .always: "FULL"
            case .normal: "NORMAL"
            case .off: "OFF"
            }
        }
    }

    /// The database file; `:memory:` keeps nothing across restarts (tests, or the fallback).
    public var path: String
    public var fsync: FsyncPolicy
    /// Bounds on what waits to be sent. Telemetry is evicted oldest first to stay within
    /// them; state (alarms, health, twin, registrations) is never evicted.
    public var maximumMessages: Int
    public var maximumBytes: Int

    public init(
        path: String,
        fsync: FsyncPolicy = .normal,
        maximumMessages: Int = 100_000,
        maximumBytes: Int = 64 << 20
    ) {
        self.path = path
        self.fsync = fsync
        self.maximumMessages = maximumMessages
        self.maximumBytes = maximumBytes
    }
}
