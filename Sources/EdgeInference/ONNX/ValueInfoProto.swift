/// `ValueInfoProto`: a named value with its (optional) type.
public struct ValueInfoProto: Sendable, Equatable {
    public var name: String
    public var type: TypeProto?
    public var docString: String
    public var metadataProps: [StringStringEntryProto]

    public init(name: String, type: TypeProto?, docString: String = "", metadataProps: [StringStringEntryProto] = []) {
        self.name = name
        self.type = type
        self.docString = docString
        self.metadataProps = metadataProps
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        self.init(name: "", type: nil)
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: name = try reader.readString(wt)
            case 2:
                var sub = try reader.readMessage(wt, name: "TypeProto")
                type = try TypeProto(from: &sub)
            case 3: docString = try reader.readString(wt)
            case 4:
                var sub = try reader.readMessage(wt, name: "StringStringEntryProto")
                metadataProps.append(try StringStringEntryProto(from: &sub))
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        w.string(1, name)
        if let type { w.message(2) { type.encode(to: &$0) } }
        if !docString.isEmpty { w.string(3, docString) }
        for entry in metadataProps { w.message(4) { entry.encode(to: &$0) } }
    }
}
