/// A bounds-checked reader of ustar archives with pax (`x`) and GNU (`L`, `K`) long names.
///
/// Every offset is checked against the buffer before it is read, and every path is normalised
/// and refused when it is absolute, contains `..`, or is a device, FIFO or hard link: a bundle
/// comes from the network and is hostile until the install gate says otherwise.
public struct TarReader: Sendable {
    static let blockSize = 512

    public let bytes: [UInt8]
    public let maxEntries: Int

    public init(bytes: [UInt8], maxEntries: Int = 10_000) {
        self.bytes = bytes
        self.maxEntries = maxEntries
    }

    public func entries() throws(ArchiveError) -> [TarEntry] {
        var result: [TarEntry] = []
        var offset = 0
        var longName: String?
        var longLink: String?
        while true {
            guard offset + Self.blockSize <= bytes.count else {
                throw ArchiveError(
                    code: .truncated,
                    message: "archive ends inside a header, before the end marker",
                    offset: offset
                )
            }
            let header = bytes[offset..<offset + Self.blockSize]
            if header.allSatisfy({ $0 == 0 }) { return result }
            try verifyChecksum(header, offset: offset)
            let size = try octal(header, 124, 12, field: "size", offset: offset)
            let contentStart = offset + Self.blockSize
            guard size <= bytes.count - contentStart else {
                throw ArchiveError(
                    code: .truncated,
                    message: "entry of \(size) bytes runs past the end of the archive",
                    offset: offset
                )
            }
            let padded = (size + Self.blockSize - 1) / Self.blockSize * Self.blockSize
            let content = contentStart..<contentStart + size
            let typeflag = header[offset + 156]
            offset = min(bytes.count, contentStart + padded)
            switch typeflag {
            case UInt8(ascii: "x"):
                let records = try Self.paxRecords(bytes[content], offset: content.lowerBound)
                if let path = records["path"] { longName = path }
                if let link = records["linkpath"] { longLink = link }
                // Sizes beyond the octal field only matter for members far over any bundle cap.
                if records["size"] != nil {
                    throw ArchiveError(
                        code: .tooLarge,
                        message: "pax size record (member over 8 GiB)",
                        offset: content.lowerBound
                    )
                }
                continue
            case UInt8(ascii: "g"):
                continue  // global pax defaults: nothing we use
            case UInt8(ascii: "L"):
                longName = Self.cString(bytes[content])
                continue
            case UInt8(ascii: "K"):
                longLink = Self.cString(bytes[content])
                continue
            default:
                break
            }
            var rawName = longName ?? Self.ustarName(header)
            let rawLink = longLink ?? Self.cString(header[(header.startIndex + 157)..<(header.startIndex + 257)])
            longName = nil
            longLink = nil
            let mode = (try? octal(header, 100, 8, field: "mode", offset: content.lowerBound - Self.blockSize)) ?? 0o644
            let kind: TarEntry.Kind
            switch typeflag {
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                kind = .file
            case UInt8(ascii: "5"):
                kind = .directory
                if rawName.hasSuffix("/") { rawName.removeLast() }
            case UInt8(ascii: "2"):
                kind = .symlink(target: rawLink)
            default:
                let what = [
                    UInt8(ascii: "1"): "hard link", UInt8(ascii: "3"): "character device",
                    UInt8(ascii: "4"): "block device", UInt8(ascii: "6"): "FIFO",
                ][typeflag]
                throw ArchiveError(
                    code: .unsupportedEntry,
                    message: "\(what ?? "type '\(Character(Unicode.Scalar(typeflag)))'") not allowed in a bundle",
                    entry: rawName,
                    offset: content.lowerBound - Self.blockSize
                )
            }
            let path = try Self.normalise(rawName, offset: content.lowerBound - Self.blockSize)
            if case .symlink(let target) = kind {
                try Self.checkLinkTarget(target, from: path, offset: content.lowerBound - Self.blockSize)
            }
            if path.isEmpty { continue }  // "./" itself
            result.append(
                TarEntry(
                    path: path,
                    kind: kind,
                    mode: mode & 0o777,
                    contentRange: kind == .file ? content : content.lowerBound..<content.lowerBound
                )
            )
            guard result.count <= maxEntries else {
                throw ArchiveError(code: .tooLarge, message: "more than \(maxEntries) entries", offset: offset)
            }
        }
    }

    public func content(of entry: TarEntry) -> ArraySlice<UInt8> { bytes[entry.contentRange] }

    // MARK: Header fields

    func verifyChecksum(_ header: ArraySlice<UInt8>, offset: Int) throws(ArchiveError) {
        let stored = try octal(header, 148, 8, field: "checksum", offset: offset)
        var sum = 0
        for (i, byte) in header.enumerated() { sum += (148..<156).contains(i) ? 0x20 : Int(byte) }
        guard sum == stored else {
            throw ArchiveError(
                code: .badChecksum,
                message: "header checksum \(stored), computed \(sum)",
                offset: offset
            )
        }
    }

    /// An octal numeric field (NUL- or space-terminated); base-256 values are refused as too large.
    func octal(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int, field: String, offset: Int)
        throws(ArchiveError) -> Int
    {
        let raw = header[(header.startIndex + start)..<(header.startIndex + start + length)]
        if let first = raw.first, first & 0x80 != 0 {
            throw ArchiveError(code: .tooLarge, message: "base-256 \(field) field", offset: offset)
        }
        var value = 0
        var seenDigit = false
        for byte in raw {
            if byte == 0 || (byte == 0x20 && seenDigit) { break }
            if byte == 0x20 { continue }
            guard byte >= 0x30 && byte <= 0x37 else {
                throw ArchiveError(code: .corrupt, message: "\(field) field is not octal", offset: offset)
            }
            seenDigit = true
            value = value * 8 + Int(byte - 0x30)
            guard value < 1 << 40 else {
                throw ArchiveError(code: .tooLarge, message: "\(field) field out of range", offset: offset)
            }
        }
        return value
    }

    static func cString(_ raw: ArraySlice<UInt8>) -> String {
        let end = raw.firstIndex(of: 0) ?? raw.endIndex
        return String(decoding: raw[raw.startIndex..<end], as: UTF8.self)
    }

    static func ustarName(_ header: ArraySlice<UInt8>) -> String {
        let s = header.startIndex
        let name = cString(header[s..<s + 100])
        let isUstar = header[(s + 257)..<(s + 262)].elementsEqual("ustar".utf8)
        let prefix = isUstar ? cString(header[(s + 345)..<(s + 500)]) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// pax records: `<length> <key>=<value>\n`, length counting the whole record.
    static func paxRecords(_ data: ArraySlice<UInt8>, offset: Int) throws(ArchiveError) -> [String: String] {
        var records: [String: String] = [:]
        var i = data.startIndex
        while i < data.endIndex {
            if data[i] == 0 { break }
            guard let space = data[i...].firstIndex(of: 0x20),
                let length = Int(String(decoding: data[i..<space], as: UTF8.self)), length > space - i + 1,
                length <= data.endIndex - i, data[i + length - 1] == 0x0A
            else {
                throw ArchiveError(
                    code: .corrupt,
                    message: "malformed pax record",
                    offset: offset + (i - data.startIndex)
                )
            }
            let record = data[(space + 1)..<(i + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[..<equals], as: UTF8.self)] = String(
                    decoding: record[(equals + 1)...],
                    as: UTF8.self
                )
            }
            i += length
        }
        return records
    }

    // MARK: Path safety

    /// Drops `.` and empty components; refuses absolute paths, `..` and NUL.
    static func normalise(_ raw: String, offset: Int) throws(ArchiveError) -> String {
        guard !raw.hasPrefix("/") else {
            throw ArchiveError(code: .unsafePath, message: "absolute path", entry: raw, offset: offset)
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            guard part != "..", !part.contains("\0") else {
                throw ArchiveError(
                    code: .unsafePath,
                    message: "path climbs out of the bundle",
                    entry: raw,
                    offset: offset
                )
            }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// A symlink may only point inside the bundle, judged lexically from its own directory.
    /// (The extractor also refuses to write through a symlink, which closes the remaining gap.)
    static func checkLinkTarget(_ target: String, from path: String, offset: Int) throws(ArchiveError) {
        guard !target.hasPrefix("/"), !target.isEmpty else {
            throw ArchiveError(
                code: .unsafePath,
                message: "symlink to absolute path '\(target)'",
                entry: path,
                offset: offset
            )
        }
        var stack = path.split(separator: "/").dropLast().map(String.init)
        for part in target.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                guard !stack.isEmpty else {
                    throw ArchiveError(
                        code: .unsafePath,
                        message: "symlink '\(target)' escapes the bundle",
                        entry: path,
                        offset: offset
                    )
                }
                stack.removeLast()
            } else {
                stack.append(String(part))
            }
        }
    }
}
