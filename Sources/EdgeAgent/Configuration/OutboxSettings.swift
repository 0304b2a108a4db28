/// `[outbox]`: the SQLite store-and-forward queue in front of the broker.
public struct OutboxSettings: Sendable, Hashable {
    /// Mirrors `OutboxConfiguration.FsyncPolicy` without making configuration depend on EdgeCloud.
    public enum Fsync: String, Sendable, Hashable, CaseIterable {
        case always, normal, off
    }

    /// `path`: default `<state>/outbox.sqlite`.
    public var path: String
    public var fsync: Fsync
    public var maximumMessages: Int
    public var maximumBytes: Int

    public init(path: String, fsync: Fsync = .normal, maximumMessages: Int = 100_000, maximumBytes: Int = 64 << 20) {
        self.path = path
        self.fsync = fsync
        self.maximumMessages = maximumMessages
        self.maximumBytes = maximumBytes
    }
}
