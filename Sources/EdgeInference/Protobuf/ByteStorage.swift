#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An immutable block of bytes: either a read-only `mmap` of a file or an owned heap copy.
///
/// Model weights are kept as ``ByteSlice`` views into one of these, so a large model is read
/// from disk into memory by the kernel's page cache and copied at most once (when a kernel
/// packs the weights). The storage is immutable after creation, hence `@unchecked Sendable`.
public final class ByteStorage: @unchecked Sendable {
    /// Start of the bytes; a valid one-byte allocation when ``count`` is 0.
    let base: UnsafeRawPointer
    /// Number of bytes.
    public let count: Int
    private let mapped: Bool

    /// Copies `bytes` into a new owned buffer.
    public init(copying bytes: some Collection<UInt8>) {
        let n = bytes.count
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1), alignment: 16)
        var i = 0
        for b in bytes {
            buffer.storeBytes(of: b, toByteOffset: i, as: UInt8.self)
            i += 1
        }
        self.base = UnsafeRawPointer(buffer)
        self.count = n
        self.mapped = false
    }

    private init(mappedBase: UnsafeRawPointer, count: Int) {
        self.base = mappedBase
        self.count = count
        self.mapped = true
    }

    /// Maps `path` read-only. Empty files get an owned empty buffer (mmap rejects length 0).
    public static func map(path: String) throws(ONNXError) -> ByteStorage {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ONNXError(code: .io, message: "cannot open: \(String(cString: strerror(errno)))", file: path)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ONNXError(code: .io, message: "cannot stat: \(String(cString: strerror(errno)))", file: path)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ONNXError(code: .io, message: "not a regular file", file: path)
        }
        let size = Int(st.st_size)
        if size == 0 { return ByteStorage(copying: [UInt8]()) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw ONNXError(code: .io, message: "cannot mmap: \(String(cString: strerror(errno)))", file: path)
        }
        return ByteStorage(mappedBase: UnsafeRawPointer(p), count: size)
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// The whole storage as a slice.
    public var all: ByteSlice { ByteSlice(storage: self, offset: 0, count: count) }
}
