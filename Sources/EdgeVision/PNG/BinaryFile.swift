#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes over stdio, without Foundation (the agent binary stays lean).
enum BinaryFile {
    /// Reads a whole file; the error text is the C library's for `errno`.
    static func read(_ path: String) throws(PNGError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw PNGError(code: .io, file: path, reason: "cannot open: \(errnoText())")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[0..<count]
            if count < chunk.count {
                if ferror(file) != 0 {
                    throw PNGError(code: .io, file: path, reason: "read failed: \(errnoText())")
                }
                return bytes
            }
        }
    }

    /// Writes `bytes` to a temporary file next to `path`, then renames it into place, so a
    /// reader (or a crash) never sees half an image.
    static func write(_ bytes: [UInt8], to path: String) throws(PNGError) {
        let temporary = path + ".tmp"
        guard let file = fopen(temporary, "wb") else {
            throw PNGError(code: .io, file: path, reason: "cannot create: \(errnoText())")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw PNGError(code: .io, file: path, reason: "write failed: \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw PNGError(code: .io, file: path, reason: "rename failed: \(reason)")
        }
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
