/// `GraphProto`: nodes, initializers, inputs, outputs and value infos.
///
/// `quantization_annotation` and `sparse_initializer` are skipped; a sparse initializer is
/// counted so that importing the graph can refuse it clearly instead of losing a weight.
public struct GraphProto: Sendable, Equatable {
    public var nodes: [NodeProto] = []
    public var name: String = ""
    public var initializers: [TensorProto] = []
    public var docString: String = ""
    public var inputs: [ValueInfoProto] = []
    public var outputs: [ValueInfoProto] = []
    public var valueInfo: [ValueInfoProto] = []
    public var metadataProps: [StringStringEntryProto] = []
    public var sparseInitializerCount = 0

    public init() {}

    init(from reader: inout ProtoReader) throws(ONNXError) {
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1:
                var sub = try reader.readMessage(wt, name: "NodeProto")
                nodes.append(try NodeProto(from: &sub))
            case 2: name = try reader.readString(wt)
            case 5:
                var sub = try reader.readMessage(wt, name: "TensorProto")
                initializers.append(try TensorProto(from: &sub))
            case 10: docString = try reader.readString(wt)
            case 11, 12, 13:
                var sub = try reader.readMessage(wt, name: "ValueInfoProto")
                let info = try ValueInfoProto(from: &sub)
                if number == 11 {
                    inputs.append(info)
                } else if number == 12 {
                    outputs.append(info)
                } else {
                    valueInfo.append(info)
                }
            case 15:
                sparseInitializerCount += 1
                try reader.skip(wt)
            case 16:
                var sub = try reader.readMessage(wt, name: "StringStringEntryProto")
                metadataProps.append(try StringStringEntryProto(from: &sub))
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        for node in nodes { w.message(1) { node.encode(to: &$0) } }
        if !name.isEmpty { w.string(2, name) }
        for tensor in initializers { w.message(5) { tensor.encode(to: &$0) } }
        if !docString.isEmpty { w.string(10, docString) }
        for info in inputs { w.message(11) { info.encode(to: &$0) } }
        for info in outputs { w.message(12) { info.encode(to: &$0) } }
        for info in valueInfo { w.message(13) { info.encode(to: &$0) } }
        for entry in metadataProps { w.message(16) { entry.encode(to: &$0) } }
    }
}
