/// Protobuf wire types. Groups (3, 4) are deprecated and never used by ONNX: they are rejected.
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}
