/// How the engine treats failing flows and where it keeps their context.
public struct FlowPolicy: Sendable, Hashable {
    /// Limits of each flow's Lua state.
    public var limits: LuaLimits
    /// Consecutive failed messages after which a flow is disabled and an alarm raised.
    public var maxConsecutiveFailures: Int
    /// Messages waiting per flow; beyond this the oldest are dropped (a stuck flow must not
    /// make the agent run out of memory).
    public var queueLimit: Int
    /// Directory for persisted flow and global context (`<flow>.context.json`); nil keeps it in memory.
    public var contextDirectory: String?
    /// How often context is written to disk, in seconds (Node-RED's default is 30 s, to spare SD cards).
    public var flushInterval: Double

    public init(
        limits: LuaLimits = .flow,
        maxConsecutiveFailures: Int = 5,
        queueLimit: Int = 1000,
        contextDirectory: String? = nil,
        flushInterval: Double = 30
    ) {
        self.limits = limits
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.queueLimit = queueLimit
        self.contextDirectory = contextDirectory
        self.flushInterval = flushInterval
    }
}
