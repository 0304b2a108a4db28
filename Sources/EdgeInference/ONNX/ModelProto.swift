/// `ModelProto`: the root of an `.onnx` file.
///
/// Decoding is zero-copy for tensor payloads: `raw_data` fields stay slices of the
/// ``ByteStorage`` the model was decoded from. Training info, functions and configuration
/// are skipped (not needed for inference, not written back).
public struct ModelProto: Sendable, Equatable {
    public var irVersion: Int64 = 0
    public var producerName: String = ""
    public var producerVersion: String = ""
    public var domain: String = ""
    public var modelVersion: Int64 = 0
    public var docString: String = ""
    public var graph: GraphProto?
    public var opsetImports: [OperatorSetIdProto] = []
    public var metadataProps: [StringStringEntryProto] = []

    public init() {}

    /// Decodes a model from protobuf bytes.
    public init(decoding bytes: ByteSlice) throws(ONNXError) {
        var reader = try ProtoReader(bytes, message: "ModelProto")
        try self.init(from: &reader)
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: irVersion = try reader.readInt64(wt)
            case 2: producerName = try reader.readString(wt)
            case 3: producerVersion = try reader.readString(wt)
            case 4: domain = try reader.readString(wt)
            case 5: modelVersion = try reader.readInt64(wt)
            case 6: docString = try reader.readString(wt)
            case 7:
                var sub = try reader.readMessage(wt, name: "GraphProto")
                graph = try GraphProto(from: &sub)
            case 8:
                var sub = try reader.readMessage(wt, name: "OperatorSetIdProto")
                opsetImports.append(try OperatorSetIdProto(from: &sub))
            case 14:
                var sub = try reader.readMessage(wt, name: "StringStringEntryProto")
                metadataProps.append(try StringStringEntryProto(from: &sub))
            default: try reader.skip(wt)
            }
        }
    }

    /// The protobuf encoding of the model.
    public func serialized() -> [UInt8] {
        var w = ProtoWriter()
        encode(to: &w)
        return w.bytes
    }

    func encode(to w: inout ProtoWriter) {
        w.int64(1, irVersion)
        if !producerName.isEmpty { w.string(2, producerName) }
        if !producerVersion.isEmpty { w.string(3, producerVersion) }
        if !domain.isEmpty { w.string(4, domain) }
        if modelVersion != 0 { w.int64(5, modelVersion) }
        if !docString.isEmpty { w.string(6, docString) }
        if let graph { w.message(7) { graph.encode(to: &$0) } }
        for opset in opsetImports { w.message(8) { opset.encode(to: &$0) } }
        for entry in metadataProps { w.message(14) { entry.encode(to: &$0) } }
    }
}
