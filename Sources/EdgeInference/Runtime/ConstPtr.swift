/// A raw pointer into the constant pool, captured by step closures. The pool outlives them.
struct ConstPtr: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    func typed<T>(_: T.Type) -> UnsafeMutablePointer<T> { raw.assumingMemoryBound(to: T.self) }
}
