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

    /// Waits up to `patience` for a busy lock before giving up with ``Busy``: operations are
    /// short, and a child process another thread is spawning holds a copy of the descriptor
    /// until its exec closes it, which can look like a concurrent operation for a moment.
    init(directory: String, patience: Duration = .seconds(3)) throws {
        try Durable.makeDirectory(directory)
        let path = directory + "/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Durable.errnoError("open", path) }
        let deadline = ContinuousClock.now + patience
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            guard busy, ContinuousClock.now < deadline else {
                close(fd)
                if busy { throw Busy(path: path) }
                throw Durable.errnoError("flock", path)
            }
            usleep(10_000)
        }
        self.fd = fd
    }

    /// Closing the descriptor drops the lock.
    deinit {
        close(fd)
    }
}
