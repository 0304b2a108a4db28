// Foundation for Thread: the watcher blocks in poll(2) and must not hold a cooperative thread.
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reports `*.lua` files written, moved in, deleted or moved out of a directory (Linux inotify).
///
/// Editors often save by writing a temporary file and renaming it; both paths end in
/// IN_CLOSE_WRITE or IN_MOVED_TO on the final name, so those are what count as "written".
final class FlowDirectoryWatcher: Sendable {
    struct Change: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case written, removed }
        var kind: Kind
        var file: String
    }

    private let descriptor: Int32

    init(directory: String) throws(FlowError) {
        #if os(Linux)
            descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else {
                throw FlowError(code: .io, message: "inotify_init1 failed (errno \(errno))", file: directory)
            }
            let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)
            guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
                let code = errno
                Glibc.close(descriptor)
                throw FlowError(code: .io, message: "cannot watch the directory (errno \(code))", file: directory)
            }
        #else
            throw FlowError(code: .io, message: "watching needs Linux inotify", file: directory)
        #endif
    }

    private static func closeDescriptor(_ descriptor: Int32) {
        #if os(Linux)
            Glibc.close(descriptor)
        #endif
    }

    /// Changes until the consuming task is cancelled. Reading runs on its own thread, so the
    /// blocking poll never occupies a thread of the cooperative pool. Call it once: the
    /// stream's thread owns the descriptor and closes it when the stream ends.
    func changes() -> AsyncStream<Change> {
        let (stream, continuation) = AsyncStream.makeStream(of: Change.self)
        let descriptor = self.descriptor
        let stop = StopFlag()
        continuation.onTermination = { _ in stop.set() }
        let thread = Thread {
            Self.readLoop(descriptor: descriptor, stop: stop) { continuation.yield($0) }
            // Closed by the thread that polls it, so the number cannot be reused under a running poll.
            Self.closeDescriptor(descriptor)
            continuation.finish()
        }
        thread.start()
        return stream
    }

    private static func readLoop(descriptor: Int32, stop: StopFlag, emit: (Change) -> Void) {
        #if os(Linux)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while !stop.isSet {
                var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, 250)  // wake up now and then to notice cancellation
                if ready <= 0 { continue }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count <= 0 { continue }
                var offset = 0
                while offset + MemoryLayout<inotify_event>.size <= count {
                    let (mask, length) = buffer.withUnsafeBytes { raw -> (UInt32, Int) in
                        let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        return (event.mask, Int(event.len))
                    }
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = buffer[nameStart..<min(nameStart + length, count)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset = nameStart + length
                    guard name.hasSuffix(".lua"), !name.hasPrefix(".") else { continue }
                    if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
                        emit(Change(kind: .written, file: name))
                    } else if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                        emit(Change(kind: .removed, file: name))
                    }
                }
            }
        #endif
    }
}
