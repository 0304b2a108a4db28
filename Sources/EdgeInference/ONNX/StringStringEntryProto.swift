/// `StringStringEntryProto`: a key/value pair (metadata_props, external_data).
public struct StringStringEntryProto: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        key = ""
        value = ""
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: key = try reader.readString(wt)
            case 2: value = try reader.readString(wt)
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        w.string(1, key)
        w.string(2, value)
    }
}
