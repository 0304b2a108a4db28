import CZlib

/// gzip decompression through zlib, with an output cap so a small archive cannot expand into
/// gigabytes (a "zip bomb").
public enum Gzip {
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    public static func decompress(_ input: [UInt8], maxOutput: Int) throws(ArchiveError) -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer (CRC-32 and length are checked by zlib).
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ArchiveError(code: .corrupt, message: "zlib initialisation failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { (source) throws(ArchiveError) in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while status != Z_STREAM_END {
                let produced = chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                let offset = source.count - Int(stream.avail_in)
                switch status {
                case Z_OK:
                    break
                case Z_STREAM_END:
                    // A second member or appended bytes would be content no manifest describes.
                    guard stream.avail_in == 0 else {
                        throw ArchiveError(
                            code: .corrupt,
                            message: "data after the end of the gzip stream",
                            offset: offset
                        )
                    }
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw ArchiveError(code: .truncated, message: "gzip stream ends before its trailer", offset: offset)
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "inflate returned \(status)"
                    throw ArchiveError(code: .corrupt, message: "gzip: \(reason)", offset: offset)
                }
                guard output.count + produced <= maxOutput else {
                    throw ArchiveError(
                        code: .tooLarge,
                        message: "decompresses to more than \(maxOutput) bytes",
                        offset: offset
                    )
                }
                output.append(contentsOf: chunk[..<produced])
                if status == Z_OK && produced == 0 && stream.avail_in == 0 {
                    throw ArchiveError(code: .truncated, message: "gzip stream ends before its trailer", offset: offset)
                }
            }
        }
        return output
    }
}
