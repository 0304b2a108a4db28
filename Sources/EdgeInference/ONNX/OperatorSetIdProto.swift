/// `OperatorSetIdProto`: one opset import. An empty domain means `ai.onnx`.
public struct OperatorSetIdProto: Sendable, Equatable {
    public var domain: String
    public var version: Int64

    public init(domain: String, version: Int64) {
        self.domain = domain
        self.version = version
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        domain = ""
        version = 0
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: domain = try reader.readString(wt)
            case 2: version = try reader.readInt64(wt)
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        // Always written, even when empty, as onnx (Python) writes it: round trips stay byte-comparable
        // with files written by the reference tools.
        w.string(1, domain)
        w.int64(2, version)
    }
}
