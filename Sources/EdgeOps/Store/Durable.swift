import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// POSIX file operations with the fsyncs that make a rename survive power loss.
///
/// The ordering rule: fsync a file's data before the rename that publishes it, and fsync the
/// directory that holds a new or renamed entry before anything relies on that entry.
enum Durable {
    static func fsyncPath(_ path: String, directory: Bool) throws(StoreError) {
        let fd = open(path, (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError("open for fsync", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw errnoError("fsync", path) }
    }

    /// fsyncs every regular file below `root`, then every directory bottom-up, then `root`.
    static func fsyncTree(_ root: String) throws(StoreError) {
        var directories: [String] = [root]
        var index = 0
        while index < directories.count {
            let dir = directories[index]
            index += 1
            for entry in try list(dir) {
                let path = dir + "/" + entry
                var st = stat()
                guard lstat(path, &st) == 0 else { throw errnoError("lstat", path) }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: directories.append(path)
                case S_IFREG: try fsyncPath(path, directory: false)
                default: break
                }
            }
        }
        for dir in directories.reversed() { try fsyncPath(dir, directory: true) }
    }

    static func list(_ dir: String) throws(StoreError) -> [String] {
        guard let handle = opendir(dir) else { throw errnoError("opendir", dir) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func makeDirectory(_ path: String) throws(StoreError) {
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw errnoError("mkdir", path) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Points `link` at `target` atomically: a temporary symlink renamed over it, then the
    /// directory fsynced so the new entry is on disk before the caller moves on.
    static func replaceSymlink(_ link: String, target: String) throws(StoreError) {
        let directory = (link as NSString).deletingLastPathComponent
        let name = (link as NSString).lastPathComponent
        let temporary = directory + "/." + name + ".tmp"
        unlink(temporary)
        guard symlink(target, temporary) == 0 else { throw errnoError("symlink", temporary) }
        try move(temporary, link)
        try fsyncPath(directory, directory: true)
    }

    static func move(_ from: String, _ to: String) throws(StoreError) {
        guard rename(from, to) == 0 else { throw errnoError("rename to \(to)", from) }
    }

    static func removeTree(_ path: String) throws(StoreError) {
        guard exists(path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw StoreError(code: .io, message: "cannot remove: \(error)", path: path)
        }
    }

    static func errnoError(_ what: String, _ path: String) -> StoreError {
        StoreError(code: .io, message: "\(what) failed: \(String(cString: strerror(errno)))", path: path)
    }
}
