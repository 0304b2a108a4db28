#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading and writing `.onnx` files.
extension Model {
    /// Loads a model: maps the file, decodes it and builds the IR. Weights stay in the mapping.
    public static func load(path: String) throws(ONNXError) -> Model {
        let proto = try ModelProto.load(path: path)
        do {
            return try Model(proto: proto, baseDirectory: directory(of: path))
        } catch {
            throw error.inFile(path)
        }
    }

    /// Writes the model to `path`; with a policy, large tensors go to a data file next to it.
    public func save(to path: String, externalData: ExternalDataPolicy? = nil) throws(ONNXError) {
        let (p, blob) = proto(externalData: externalData)
        if let externalData {
            let dataPath = Self.directory(of: path).map {
                $0.isEmpty ? externalData.location : $0 + "/" + externalData.location
            }
            try writeFile(dataPath ?? externalData.location, blob)
        }
        try writeFile(path, p.serialized())
    }

    static func directory(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}

extension ModelProto {
    /// Maps and decodes a model file without building the IR.
    public static func load(path: String) throws(ONNXError) -> ModelProto {
        let storage = try ByteStorage.map(path: path)
        do {
            return try ModelProto(decoding: storage.all)
        } catch {
            throw error.inFile(path)
        }
    }

    /// Writes the protobuf encoding to `path`.
    public func write(to path: String) throws(ONNXError) {
        try writeFile(path, serialized())
    }
}

/// Writes bytes to a file, replacing it; via a temporary name and rename so a crash never
/// leaves half a model behind.
func writeFile(_ path: String, _ bytes: [UInt8]) throws(ONNXError) {
    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw ONNXError(code: .io, message: "cannot create: \(String(cString: strerror(errno)))", file: temporary)
    }
    var written = 0
    let failure: Int32? = bytes.withUnsafeBytes { raw -> Int32? in
        while written < raw.count {
            let n = write(fd, raw.baseAddress! + written, raw.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += n
        }
        return nil
    }
    close(fd)
    if let failure {
        unlink(temporary)
        throw ONNXError(code: .io, message: "write failed: \(String(cString: strerror(failure)))", file: path)
    }
    guard rename(temporary, path) == 0 else {
        let e = errno
        unlink(temporary)
        throw ONNXError(code: .io, message: "cannot rename into place: \(String(cString: strerror(e)))", file: path)
    }
}
