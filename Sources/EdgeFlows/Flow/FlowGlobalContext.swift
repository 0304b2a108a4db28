import Synchronization

/// Context shared by every flow of an agent (`ctx.global.get/set` in function nodes).
///
/// Values are copied in and out, so flows running on different executors never share Lua objects.
public final class FlowGlobalContext: Sendable {
    private let values: Mutex<[String: LuaValue]>

    public init(_ initial: [String: LuaValue] = [:]) {
        values = Mutex(initial)
    }

    public func get(_ key: String) -> LuaValue { values.withLock { $0[key] ?? .nil } }

    public func set(_ key: String, _ value: LuaValue) {
        values.withLock { $0[key] = value == .nil ? nil : value }
    }

    /// Everything, for persistence.
    public var snapshot: [String: LuaValue] { values.withLock { $0 } }

    /// Replaces the contents, for restoring from disk.
    public func restore(_ snapshot: [String: LuaValue]) { values.withLock { $0 = snapshot } }
}
