#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes tar entries below a directory without ever following a symlink on the way, so a
/// link planted by an earlier entry cannot redirect a later one outside the directory.
public struct TarExtractor: Sendable {
    public let destination: String
    public let maxTotalBytes: Int

    public init(destination: String, maxTotalBytes: Int) {
        self.destination = destination
        self.maxTotalBytes = maxTotalBytes
    }

    /// Extracts every entry; returns the relative paths of regular files written.
    @discardableResult
    public func extract(_ reader: TarReader) throws(ArchiveError) -> [String] {
        let entries = try reader.entries()
        let total = entries.reduce(0) { $0 + $1.contentRange.count }
        guard total <= maxTotalBytes else {
            throw ArchiveError(
                code: .tooLarge,
                message: "content totals \(total) bytes, over the cap of \(maxTotalBytes)"
            )
        }
        var files: [String] = []
        for entry in entries {
            let components = entry.path.split(separator: "/").map(String.init)
            var current = destination
            for directory in components.dropLast() {
                current += "/" + directory
                try ensureDirectory(current, entry: entry.path)
            }
            let target = destination + "/" + entry.path
            switch entry.kind {
            case .directory:
                try ensureDirectory(target, entry: entry.path)
            case .symlink(let linkTarget):
                guard symlink(linkTarget, target) == 0 else { throw failure("symlink", entry.path) }
            case .file:
                try write(reader.content(of: entry), to: target, entry: entry.path)
                files.append(entry.path)
            }
        }
        return files
    }

    func ensureDirectory(_ path: String, entry: String) throws(ArchiveError) {
        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw ArchiveError(
                    code: .unsafePath,
                    message: "a path component is a link or file, not a directory",
                    entry: entry
                )
            }
            return
        }
        guard mkdir(path, 0o755) == 0 else { throw failure("mkdir", entry) }
    }

    func write(_ bytes: ArraySlice<UInt8>, to path: String, entry: String) throws(ArchiveError) {
        // O_EXCL + O_NOFOLLOW: a duplicate entry or a pre-planted link fails instead of being followed.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create", entry) }
        defer { close(fd) }
        let complete = bytes.withUnsafeBytes { raw -> Bool in
            var written = 0
            while written < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        guard complete else { throw failure("write", entry) }
    }

    func failure(_ what: String, _ entry: String) -> ArchiveError {
        ArchiveError(code: .io, message: "\(what) failed: \(String(cString: strerror(errno)))", entry: entry)
    }
}

/// `write(2)`, named apart from the method above.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
