/// Owned, 64-byte aligned buffers for everything the plan computes once at load: copies of
/// initializers, reordered and packed weights, per-channel quantization parameters.
///
/// Immutable after the plan is built, then shared read-only by every session; hence
/// `@unchecked Sendable`.
final class ConstantPool: @unchecked Sendable {
    private var buffers: [UnsafeMutableRawPointer] = []
    private(set) var byteCount = 0

    /// A new buffer of `bytes` bytes, zero-filled.
    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = max(bytes, 1)
        let p = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        buffers.append(p)
        byteCount += size
        return p
    }

    /// A copy of `values`.
    func store<T: BitwiseCopyable>(_ values: [T]) -> UnsafeMutableRawPointer {
        let p = allocate(bytes: values.count * MemoryLayout<T>.stride)
        values.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return p
    }

    /// A copy of a tensor's bytes.
    func store(_ tensor: Tensor) -> UnsafeMutableRawPointer {
        let p = allocate(bytes: tensor.data.count)
        tensor.data.withUnsafeBytes { raw in
            if raw.count > 0 { p.copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
        }
        return p
    }

    deinit {
        for p in buffers { p.deallocate() }
    }
}
