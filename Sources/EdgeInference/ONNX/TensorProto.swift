/// `TensorProto`: dims, data type and the values, in `raw_data`, a typed `*_data` field or
/// an external file.
///
/// `rawData` is a slice of the file's bytes (no copy). Typed fields are decoded into arrays
/// because protobuf varints cannot be viewed in place.
public struct TensorProto: Sendable, Equatable {
    /// `TensorProto.DataLocation`.
    public static let locationDefault: Int32 = 0
    public static let locationExternal: Int32 = 1

    public var dims: [Int64] = []
    public var dataType: Int32 = 0
    public var name: String = ""
    public var docString: String = ""
    public var rawData: ByteSlice?
    public var floatData: [Float] = []
    public var int32Data: [Int32] = []
    public var int64Data: [Int64] = []
    public var doubleData: [Double] = []
    public var uint64Data: [UInt64] = []
    public var stringData: [ByteSlice] = []
    public var externalData: [StringStringEntryProto] = []
    public var dataLocation: Int32 = 0
    public var metadataProps: [StringStringEntryProto] = []
    /// True when the proto had a `segment` field (chunked tensors): rejected on import.
    public var hasSegment = false

    public init() {}

    public init(name: String, dataType: Int32, dims: [Int64], rawData: ByteSlice) {
        self.name = name
        self.dataType = dataType
        self.dims = dims
        self.rawData = rawData
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        var scratch32: [UInt32] = []
        var scratch64: [UInt64] = []
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1:
                scratch64.removeAll(keepingCapacity: true)
                try reader.readRepeatedVarint(wt, into: &scratch64)
                dims.append(contentsOf: scratch64.map { Int64(bitPattern: $0) })
            case 2: dataType = try reader.readInt32(wt)
            case 3:
                hasSegment = true
                try reader.skip(wt)
            case 4:
                scratch32.removeAll(keepingCapacity: true)
                try reader.readRepeatedFixed32(wt, into: &scratch32)
                floatData.append(contentsOf: scratch32.map { Float(bitPattern: $0) })
            case 5:
                scratch64.removeAll(keepingCapacity: true)
                try reader.readRepeatedVarint(wt, into: &scratch64)
                int32Data.append(contentsOf: scratch64.map { Int32(truncatingIfNeeded: $0) })
            case 6: stringData.append(try reader.readBytes(wt))
            case 7:
                scratch64.removeAll(keepingCapacity: true)
                try reader.readRepeatedVarint(wt, into: &scratch64)
                int64Data.append(contentsOf: scratch64.map { Int64(bitPattern: $0) })
            case 8: name = try reader.readString(wt)
            case 9: rawData = try reader.readBytes(wt)
            case 10:
                scratch64.removeAll(keepingCapacity: true)
                try reader.readRepeatedFixed64(wt, into: &scratch64)
                doubleData.append(contentsOf: scratch64.map { Double(bitPattern: $0) })
            case 11:
                try reader.readRepeatedVarint(wt, into: &uint64Data)
            case 12: docString = try reader.readString(wt)
            case 13:
                var sub = try reader.readMessage(wt, name: "StringStringEntryProto")
                externalData.append(try StringStringEntryProto(from: &sub))
            case 14: dataLocation = try reader.readInt32(wt)
            case 16:
                var sub = try reader.readMessage(wt, name: "StringStringEntryProto")
                metadataProps.append(try StringStringEntryProto(from: &sub))
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        w.packedInt64s(1, dims)
        w.int32(2, dataType)
        w.packedFloats(4, floatData)
        w.packedInt32s(5, int32Data)
        for s in stringData { w.bytes(6, s) }
        w.packedInt64s(7, int64Data)
        if !name.isEmpty { w.string(8, name) }
        if let rawData { w.bytes(9, rawData) }
        w.packedDoubles(10, doubleData)
        w.packedVarints(11, uint64Data)
        if !docString.isEmpty { w.string(12, docString) }
        for entry in externalData { w.message(13) { entry.encode(to: &$0) } }
        if dataLocation != 0 { w.int32(14, dataLocation) }
        for entry in metadataProps { w.message(16) { entry.encode(to: &$0) } }
    }
}
