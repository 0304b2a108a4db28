#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive, non-blocking `flock` on `<store>/.lock`, so two plugin runs (or the plugin and
/// the agent's activation) never interleave their steps. Released by the kernel if the process dies.
final class StoreLock {
    struct Busy: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): the store is busy with another operation; retry later" }
    }

    let fd: Int32

    init(directory: String) throws {
        try Durable.makeDirectory(directory)
        let path = directory + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Durable.errnoError("open", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            close(fd)
            if busy { throw Busy(path: path) }
            throw Durable.errnoError("flock", path)
        }
        self.fd = fd
    }

    /// Closing the descriptor drops the lock.
    deinit {
        close(fd)
    }
}
