/// `AttributeProto`: a named attribute of a node.
///
/// Graph-valued fields are stored in arrays because Swift value types cannot nest themselves
/// through an optional.
public struct AttributeProto: Sendable, Equatable {
    /// `AttributeProto.AttributeType`.
    public enum AttributeType: Int32, Sendable {
        case undefined = 0, float, int, string, tensor, graph, floats, ints, strings, tensors, graphs
        case sparseTensor, sparseTensors, typeProto, typeProtos
    }

    public var name: String = ""
    /// Raw `type` value; see ``AttributeType``.
    public var type: Int32 = 0
    public var f: Float = 0
    public var i: Int64 = 0
    public var s: [UInt8] = []
    public var t: TensorProto?
    /// `g` (field 6); zero or one element.
    public var gStorage: [GraphProto] = []
    public var floats: [Float] = []
    public var ints: [Int64] = []
    public var strings: [[UInt8]] = []
    public var tensors: [TensorProto] = []
    public var graphs: [GraphProto] = []
    public var docString: String = ""
    public var refAttrName: String = ""

    public init() {}

    public var g: GraphProto? {
        get { gStorage.first }
        set { gStorage = newValue.map { [$0] } ?? [] }
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        var scratch32: [UInt32] = []
        var scratch64: [UInt64] = []
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: name = try reader.readString(wt)
            case 2: f = try reader.readFloat(wt)
            case 3: i = try reader.readInt64(wt)
            case 4: s = try reader.readBytes(wt).bytes
            case 5:
                var sub = try reader.readMessage(wt, name: "TensorProto")
                t = try TensorProto(from: &sub)
            case 6:
                var sub = try reader.readMessage(wt, name: "GraphProto")
                gStorage = [try GraphProto(from: &sub)]
            case 7:
                scratch32.removeAll(keepingCapacity: true)
                try reader.readRepeatedFixed32(wt, into: &scratch32)
                floats.append(contentsOf: scratch32.map { Float(bitPattern: $0) })
            case 8:
                scratch64.removeAll(keepingCapacity: true)
                try reader.readRepeatedVarint(wt, into: &scratch64)
                ints.append(contentsOf: scratch64.map { Int64(bitPattern: $0) })
            case 9: strings.append(try reader.readBytes(wt).bytes)
            case 10:
                var sub = try reader.readMessage(wt, name: "TensorProto")
                tensors.append(try TensorProto(from: &sub))
            case 11:
                var sub = try reader.readMessage(wt, name: "GraphProto")
                graphs.append(try GraphProto(from: &sub))
            case 13: docString = try reader.readString(wt)
            case 20: type = try reader.readInt32(wt)
            case 21: refAttrName = try reader.readString(wt)
            default: try reader.skip(wt)
            }
        }
    }

    func encode(to w: inout ProtoWriter) {
        w.string(1, name)
        let kind = AttributeType(rawValue: type)
        if kind == .float || f != 0 { w.float(2, f) }
        if kind == .int || i != 0 { w.int64(3, i) }
        if kind == .string || !s.isEmpty { w.bytes(4, s) }
        if let t { w.message(5) { t.encode(to: &$0) } }
        if let g { w.message(6) { g.encode(to: &$0) } }
        w.packedFloats(7, floats)
        w.packedInt64s(8, ints)
        for item in strings { w.bytes(9, item) }
        for item in tensors { w.message(10) { item.encode(to: &$0) } }
        for item in graphs { w.message(11) { item.encode(to: &$0) } }
        if !docString.isEmpty { w.string(13, docString) }
        w.int32(20, type)
        if !refAttrName.isEmpty { w.string(21, refAttrName) }
    }
}
