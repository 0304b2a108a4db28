/// What a step sees while it runs: the address of every value for this session (arena
/// offsets resolved against the session's arena, constants in the shared pool).
struct Frame {
    let pointers: UnsafePointer<UnsafeMutableRawPointer>
    /// The session's intra-op thread pool; nil runs every kernel on the calling thread.
    let pool: OpaquePointer?

    subscript(_ id: Int) -> UnsafeMutableRawPointer { pointers[id] }

    func f32(_ id: Int) -> UnsafeMutablePointer<Float> { pointers[id].assumingMemoryBound(to: Float.self) }
    func i32(_ id: Int) -> UnsafeMutablePointer<Int32> { pointers[id].assumingMemoryBound(to: Int32.self) }
    func i8(_ id: Int) -> UnsafeMutablePointer<Int8> { pointers[id].assumingMemoryBound(to: Int8.self) }
    func u8(_ id: Int) -> UnsafeMutablePointer<UInt8> { pointers[id].assumingMemoryBound(to: UInt8.self) }
}
