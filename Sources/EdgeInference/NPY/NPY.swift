/// NumPy `.npy` files (format versions 1 and 2): little-endian, C order; float32, int8, uint8,
/// int32, int64 (and bool, float64 for completeness) as a ``Tensor``.
///
/// Reading maps the file; the tensor's bytes point into the mapping, after the header.
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Element types `.npy` files may carry here.
    public static let supportedTypes: [ElementType] = [.float32, .int8, .uint8, .int32, .int64, .bool, .float64]

    public static func read(path: String) throws(NPYError) -> Tensor {
        let storage: ByteStorage
        do { storage = try ByteStorage.map(path: path) } catch {
            throw NPYError(code: .io, message: error.message, file: path)
        }
        do {
            return try decode(storage.all)
        } catch {
            var e = error
            e.file = path
            throw e
        }
    }

    public static func write(_ tensor: Tensor, to path: String) throws(NPYError) {
        do { try writeFile(path, encode(tensor)) } catch {
            throw NPYError(code: .io, message: error.message, file: path)
        }
    }

    /// Parses `.npy` bytes; the returned tensor shares `bytes`' storage.
    public static func decode(_ bytes: ByteSlice) throws(NPYError) -> Tensor {
        let prefix = bytes.withUnsafeBytes { Array($0.prefix(12)) }
        guard prefix.count >= 10, Array(prefix[0..<6]) == magic else {
            throw NPYError(code: .badMagic, message: "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = prefix[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        case 2:
            guard prefix.count >= 12 else {
                throw NPYError(code: .truncated, message: "file ends inside the header length")
            }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            headerStart = 12
        default:
            throw NPYError(code: .unsupported, message: "format version \(major).\(prefix[7]) (only 1.x and 2.x)")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw NPYError(
                code: .truncated,
                message: "header of \(headerLength) bytes exceeds the file (\(bytes.count) bytes)"
            )
        }
        let header = bytes.slice(from: headerStart, count: headerLength).withUnsafeBytes {
            String(decoding: $0, as: UTF8.self)
        }
        let (type, shape) = try parseHeader(header)
        let dataStart = headerStart + headerLength
        let count: Int
        do { count = try Tensor.elementCount(of: shape) } catch {
            throw NPYError(code: .badHeader, message: "shape \(shape): \(error.message)", field: "shape")
        }
        let byteCount = count * type.byteWidth
        guard byteCount <= bytes.count - dataStart else {
            throw NPYError(
                code: .truncated,
                message: "shape \(shape) of \(type) needs \(byteCount) data bytes, file has \(bytes.count - dataStart)"
            )
        }
        do {
            return try Tensor(elementType: type, shape: shape, data: bytes.slice(from: dataStart, count: byteCount))
        } catch {
            throw NPYError(code: .badHeader, message: error.message)
        }
    }

    /// The `.npy` (version 1.0, or 2.0 for huge headers) encoding of `tensor`.
    public static func encode(_ tensor: Tensor) -> [UInt8] {
        let shapeText: String
        switch tensor.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(tensor.elementType.numpyDescr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so the data starts on a 64-byte boundary; the header ends with '\n'.
        let v1 = header.utf8.count + 10 + 1 <= 65535
        let prefixLength = v1 ? 10 : 12
        let total = prefixLength + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var out = magic + [v1 ? 1 : 2, 0]
        let length = header.utf8.count
        out += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF)]
        if !v1 { out += [UInt8(length >> 16 & 0xFF), UInt8(length >> 24 & 0xFF)] }
        out += Array(header.utf8)
        tensor.data.withUnsafeBytes { out.append(contentsOf: $0) }
        return out
    }
}
