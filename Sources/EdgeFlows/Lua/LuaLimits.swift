/// What one Lua state may use: memory for its whole life, instructions and wall time per call.
///
/// The instruction and time budgets apply to each outermost call from Swift (a chunk, a
/// function call); a Swift function that calls back into Lua spends from the same budget.
/// Zero means unlimited.
public struct LuaLimits: Sendable, Hashable {
    /// Bytes the state may hold.
    public var memoryBytes: Int
    /// Lua VM instructions per call (checked every 1000 instructions).
    public var instructions: Int
    /// Wall time per call, in microseconds (checked every 1000 instructions).
    public var wallTimeMicroseconds: Int

    public init(memoryBytes: Int = 0, instructions: Int = 0, wallTimeMicroseconds: Int = 0) {
        self.memoryBytes = memoryBytes
        self.instructions = instructions
        self.wallTimeMicroseconds = wallTimeMicroseconds
    }

    /// No limit at all (trusted code, tests of the bridge itself).
    public static let unlimited = LuaLimits()

    /// Defaults for one flow: 16 MiB, ten million instructions and 200 ms per message.
    public static let flow = LuaLimits(memoryBytes: 16 << 20, instructions: 10_000_000, wallTimeMicroseconds: 200_000)
}
