/// A running flow as the engine sees it.
public struct FlowStatus: Sendable, Hashable {
    public var name: String
    public var path: String
    /// Disabled after repeated failures; a fixed file (hot reload) enables it again.
    public var disabled: Bool
    public var consecutiveFailures: Int
    /// Messages and timer ticks handled.
    public var processed: Int
    public var memoryBytes: Int
}
