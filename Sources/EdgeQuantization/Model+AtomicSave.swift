import EdgeInference
import Foundation

extension Model {
    /// Writes to a temporary file beside `path`, then renames it over `path`: a failure or a
    /// crash midway never leaves a half-written model where the agent could load it.
    /// Refuses a destination that exists but is not a regular file (a device such as
    /// /dev/null, a FIFO, a directory): renaming over it would replace the special file.
    public func saveAtomically(to path: String) throws(QuantizationError) {
        var status = stat()
        if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
            throw QuantizationError(code: .io, message: "the output exists and is not a regular file; refusing to replace it", file: path)
        }
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        do {
            try save(to: temporary)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw QuantizationError(code: .io, message: "cannot write the model: \(error)", file: path)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw QuantizationError(code: .io, message: "cannot rename the temporary file into place: \(reason)", file: path)
        }
    }
}
