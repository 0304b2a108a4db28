import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A bounded directory of samples waiting for upload: a JPEG and its JSON metadata each.
///
/// Writes are crash-safe: each file is written to a `.tmp` name, fsynced and renamed, the JPEG
/// before the JSON, so a sample exists only once its metadata is in place; start-up removes
/// leftovers of an interrupted write. When a new sample would exceed `maxSamples` or `maxBytes`
/// the oldest are evicted: recent frames say more about the line as it runs now.
public final class SampleSpool: Sendable {
    public let directory: String
    public let maxSamples: Int
    public let maxBytes: Int
    let sequence = Mutex<UInt64>(0)
    /// Serialises writers and the evictor against each other.
    let lock = Mutex(())

    public init(directory: String, maxSamples: Int = 200, maxBytes: Int = 64 << 20) throws(SpoolError) {
        self.directory = directory
        self.maxSamples = max(maxSamples, 1)
        self.maxBytes = max(maxBytes, 1)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SpoolError(code: .io, message: "cannot create: \(error)", file: directory)
        }
        recover()
    }

    /// Removes temporary files and JPEGs whose metadata never landed.
    func recover() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let complete = Set(names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) })
        for name in names {
            let orphan = name.hasSuffix(".jpg") && !complete.contains(String(name.dropLast(4)))
            if name.hasSuffix(".tmp") || orphan { unlink(directory + "/" + name) }
        }
    }

    /// Samples in upload order, oldest first. Unreadable metadata is skipped (and reported by ``add(jpeg:metadata:)``'s caller).
    public func samples() -> [SpooledSample] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            let id = String(name.dropLast(5))
            return try? read(id: id)
        }
    }

    public var count: Int { samples().count }

    func read(id: String) throws(SpoolError) -> SpooledSample {
        let metadataPath = directory + "/" + id + ".json"
        guard let data = FileManager.default.contents(atPath: metadataPath) else {
            throw SpoolError(code: .io, message: "cannot read", file: metadataPath)
        }
        do {
            let metadata = try JSONDecoder().decode(SampleMetadata.self, from: data)
            return SpooledSample(id: id, jpegPath: directory + "/" + id + ".jpg", metadataPath: metadataPath, metadata: metadata)
        } catch {
            throw SpoolError(code: .badMetadata, message: "\(error)", file: metadataPath)
        }
    }

    /// Stores a sample, evicting the oldest to stay within bounds.
    @discardableResult
    public func add(jpeg: [UInt8], metadata: SampleMetadata) throws(SpoolError) -> SpooledSample {
        try lock.withLock { _ throws(SpoolError) in
            let id = nextID(time: metadata.time)
            try Self.writeDurably(jpeg, to: directory + "/" + id + ".jpg")
            try Self.writeDurably(try Self.encode(metadata, id: id), to: directory + "/" + id + ".json")
            evict()
            return SpooledSample(
                id: id,
                jpegPath: directory + "/" + id + ".jpg",
                metadataPath: directory + "/" + id + ".json",
                metadata: metadata
            )
        }
    }

    /// Rewrites a sample's metadata (the uploader records the event id this way).
    public func update(_ sample: SpooledSample) throws(SpoolError) {
        try Self.writeDurably(try Self.encode(sample.metadata, id: sample.id), to: sample.metadataPath)
    }

    /// Deletes an uploaded sample: metadata first, so a crash leaves an orphan JPEG, not a sample without image.
    public func remove(_ sample: SpooledSample) {
        unlink(sample.metadataPath)
        unlink(sample.jpegPath)
    }

    func evict() {
        var all = samples()
        var bytes = all.reduce(0) { $0 + Self.size($1.jpegPath) + Self.size($1.metadataPath) }
        while all.count > maxSamples || (bytes > maxBytes && all.count > 1) {
            let oldest = all.removeFirst()
            bytes -= Self.size(oldest.jpegPath) + Self.size(oldest.metadataPath)
            remove(oldest)
        }
    }

    /// Time in milliseconds plus a per-process counter: sorts in arrival order.
    func nextID(time: Double) -> String {
        let n = sequence.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let millis = UInt64(max(time, 0) * 1000)
        let stamp = String(millis)
        let counter = String(n)
        return String(repeating: "0", count: max(0, 15 - stamp.count)) + stamp + "-"
            + String(repeating: "0", count: max(0, 8 - counter.count)) + counter
    }

    static func encode(_ metadata: SampleMetadata, id: String) throws(SpoolError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            return [UInt8](try encoder.encode(metadata))
        } catch {
            throw SpoolError(code: .badMetadata, message: "\(error)", file: id + ".json")
        }
    }

    static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    static func writeDurably(_ bytes: [UInt8], to path: String) throws(SpoolError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SpoolError(code: .io, message: String(cString: strerror(errno)), file: temporary) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw SpoolError(code: .io, message: reason, file: temporary)
            }
            offset += n
        }
        let synced = fsync(fd) == 0
        close(fd)
        guard synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SpoolError(code: .io, message: reason, file: path)
        }
        let parent = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY)
        if parent >= 0 {
            fsync(parent)
            close(parent)
        }
    }
}
