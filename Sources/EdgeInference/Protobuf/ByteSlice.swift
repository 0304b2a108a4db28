/// A view of `count` bytes at `offset` in a ``ByteStorage``; keeps the storage alive.
///
/// Creating a slice never copies. Offsets are validated when the slice is made (by the
/// protobuf reader or the external-data resolver), so accessors only assert.
public struct ByteSlice: Sendable, Equatable {
    public let storage: ByteStorage
    public let offset: Int
    public let count: Int

    public init(storage: ByteStorage, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset <= storage.count - count, "slice out of bounds")
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    /// An owned slice holding a copy of `bytes`.
    public init(copying bytes: some Collection<UInt8>) {
        let storage = ByteStorage(copying: bytes)
        self.init(storage: storage, offset: 0, count: storage.count)
    }

    public var isEmpty: Bool { count == 0 }

    /// Calls `body` with the bytes; the pointer is valid only inside `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(UnsafeRawBufferPointer(start: storage.base + offset, count: count))
        }
    }

    /// A copy of the bytes as an array.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// A sub-range of this slice, relative to its start.
    public func slice(from start: Int, count n: Int) -> ByteSlice {
        precondition(start >= 0 && n >= 0 && start <= count - n, "sub-slice out of bounds")
        return ByteSlice(storage: storage, offset: offset + start, count: n)
    }

    /// Byte-wise equality (not identity of the storage).
    public static func == (lhs: ByteSlice, rhs: ByteSlice) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in a.elementsEqual(b) } }
    }
}
