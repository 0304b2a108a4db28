import EdgeInference
import Foundation

extension Model {
    /// Writes to a temporary file beside `path`, then renames it over `path`: a failure or a
    /// crash midway never leaves a half-written model where the agent could load it.
    public func saveAtomically(to path: String) throws(QuantizationError) {
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
