/// Resolves `data_location = EXTERNAL` tensors against files next to the model.
///
/// Each external file is mapped once and shared by every tensor that points into it, so
/// external weights are not copied either. Locations must be relative paths that stay inside
/// the model's directory; offsets and lengths are checked against the file size.
final class ExternalDataResolver {
    let baseDirectory: String?
    private var files: [String: ByteStorage] = [:]

    init(baseDirectory: String?) {
        self.baseDirectory = baseDirectory
    }

    func resolve(_ proto: TensorProto, byteCount: Int) throws(ONNXError) -> ByteSlice {
        var location: String?
        var offset = 0
        var length: Int?
        for entry in proto.externalData {
            switch entry.key {
            case "location": location = entry.value
            case "offset": offset = try Self.number(entry.value, key: "offset", tensor: proto.name)
            case "length": length = try Self.number(entry.value, key: "length", tensor: proto.name)
            default: break  // checksum and unknown keys: not verified
            }
        }
        guard let location, !location.isEmpty else {
            throw fail("has no 'location' key", tensor: proto.name)
        }
        guard let baseDirectory else {
            throw fail("is external ('\(location)') but the model was not loaded from a file", tensor: proto.name)
        }
        let components = location.split(separator: "/", omittingEmptySubsequences: false)
        guard !location.hasPrefix("/"), !location.contains("\0"), !components.contains(".."),
            !location.contains("\\")
        else {
            throw fail(
                "location '\(location)' must be a relative path inside the model's directory",
                tensor: proto.name
            )
        }
        let path = baseDirectory.isEmpty ? location : baseDirectory + "/" + location
        let storage: ByteStorage
        if let cached = files[path] {
            storage = cached
        } else {
            do {
                storage = try ByteStorage.map(path: path)
            } catch {
                throw ONNXError(
                    code: .externalData,
                    message: "tensor '\(proto.name)': \(error.message)",
                    file: path,
                    field: "TensorProto.external_data"
                )
            }
            files[path] = storage
        }
        let size = length ?? (storage.count - offset)
        guard offset <= storage.count, size >= 0, size <= storage.count - offset else {
            throw ONNXError(
                code: .externalData,
                message:
                    "tensor '\(proto.name)': offset \(offset) + length \(size) exceeds the file size \(storage.count)",
                file: path,
                field: "TensorProto.external_data"
            )
        }
        guard size == byteCount else {
            throw ONNXError(
                code: .externalData,
                message: "tensor '\(proto.name)': external length \(size) but shape and type need \(byteCount) bytes",
                file: path,
                field: "TensorProto.external_data"
            )
        }
        return ByteSlice(storage: storage, offset: offset, count: size)
    }

    private static func number(_ text: String, key: String, tensor: String) throws(ONNXError) -> Int {
        guard let value = Int(text), value >= 0 else {
            throw ONNXError(
                code: .externalData,
                message: "tensor '\(tensor)': external_data '\(key)' is '\(text)', not a non-negative integer",
                field: "TensorProto.external_data"
            )
        }
        return value
    }

    private func fail(_ message: String, tensor: String) -> ONNXError {
        ONNXError(code: .externalData, message: "tensor '\(tensor)' \(message)", field: "TensorProto.external_data")
    }
}
