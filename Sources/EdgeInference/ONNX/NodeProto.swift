/// `NodeProto`: one operator application.
public struct NodeProto: Sendable, Equatable {
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var name: String = ""
    public var opType: String = ""
    public var domain: String = ""
    public var overload: String = ""
    public var attributes: [AttributeProto] = []
    public var docString: String = ""
    public var metadataProps: [StringStringEntryProto] = []

    public init() {}

    init(from reader: inout ProtoReader) throws(ONNXError) {
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: inputs.append(try reader.readString(wt))
            case 2: outputs.append(try reader.readString(wt))
            case 3: name = try reader.readString(wt)
            case 4: opType = try reader.readString(wt)
            case 5:
                var sub = try reader.readMessage(wt, name: "AttributeProto")
                attributes.append(try AttributeProto(from: &sub))
            case 6: docString = try reader.readString(wt)
            case 7: domain = try reader.readString(wt)
            case 8: overload = try reader.readString(wt)
            case 9:
                var sub = try reader.readMessage(wt, name: "StringStringEntryProto")
                metadataProps.append(try StringStringEntryProto(from: &sub))
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        for input in inputs { w.string(1, input) }
        for output in outputs { w.string(2, output) }
        if !name.isEmpty { w.string(3, name) }
        w.string(4, opType)
        for attribute in attributes { w.message(5) { attribute.encode(to: &$0) } }
        if !docString.isEmpty { w.string(6, docString) }
        if !domain.isEmpty { w.string(7, domain) }
        if !overload.isEmpty { w.string(8, overload) }
        for entry in metadataProps { w.message(9) { entry.encode(to: &$0) } }
    }
}
