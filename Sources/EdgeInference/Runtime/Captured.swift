/// A C parameter struct (which may hold pointers into the constant pool) captured by a step.
struct Captured<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
