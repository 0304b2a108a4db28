/// Element types the IR carries, with their ONNX `TensorProto.DataType` codes.
///
/// Executable kernels cover float32, int8, uint8, int32, int64 and bool; the others are
/// accepted so models that mention them (casts, fp16 constants) can be read and inspected.
public enum ElementType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = 1
    case uint8 = 2
    case int8 = 3
    case uint16 = 4
    case int16 = 5
    case int32 = 6
    case int64 = 7
    case bool = 9
    case float16 = 10
    case float64 = 11
    case uint32 = 12
    case uint64 = 13

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16: 2
        case .float32, .int32, .uint32: 4
        case .int64, .float64, .uint64: 8
        }
    }

    public var description: String {
        switch self {
        case .float32: "float32"
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        case .float16: "float16"
        case .float64: "float64"
        case .uint32: "uint32"
        case .uint64: "uint64"
        }
    }

    /// NumPy `descr` code (little-endian) for this type.
    public var numpyDescr: String {
        switch self {
        case .float32: "<f4"
        case .uint8: "|u1"
        case .int8: "|i1"
        case .uint16: "<u2"
        case .int16: "<i2"
        case .int32: "<i4"
        case .int64: "<i8"
        case .bool: "|b1"
        case .float16: "<f2"
        case .float64: "<f8"
        case .uint32: "<u4"
        case .uint64: "<u8"
        }
    }

    /// The name ONNX uses in `TensorProto.DataType` (for messages about foreign types).
    static func onnxName(_ code: Int32) -> String {
        let names: [Int32: String] = [
            0: "UNDEFINED", 8: "STRING", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
            17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ",
            21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1", 24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2",
        ]
        if let t = ElementType(rawValue: code) { return t.description }
        return names[code] ?? "data type \(code)"
    }
}
