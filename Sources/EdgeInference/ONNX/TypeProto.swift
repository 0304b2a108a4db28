/// `TypeProto`, reduced to what inference needs: tensor element type and shape.
///
/// Sequence, map, optional and sparse types are recognised and kept as ``Kind/other`` so
/// that a model using them can still be inspected; they are not written back.
public struct TypeProto: Sendable, Equatable {
    /// One `TensorShapeProto.Dimension`.
    public enum Dimension: Sendable, Equatable, CustomStringConvertible {
        case value(Int64)
        case param(String)
        case unknown

        public var description: String {
            switch self {
            case .value(let v): "\(v)"
            case .param(let p): p
            case .unknown: "?"
            }
        }
    }

    public enum Kind: Sendable, Equatable {
        /// `tensor_type`: element type (TensorProto.DataType) and optional shape (nil = unknown rank).
        case tensor(elementType: Int32, shape: [Dimension]?)
        /// Any other TypeProto case, by field number.
        case other(field: Int)
    }

    public var kind: Kind
    public var denotation: String

    public init(kind: Kind, denotation: String = "") {
        self.kind = kind
        self.denotation = denotation
    }

    init(from reader: inout ProtoReader) throws(ONNXError) {
        kind = .other(field: 0)
        denotation = ""
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1:
                var tensor = try reader.readMessage(wt, name: "TypeProto.Tensor")
                kind = try Self.decodeTensor(&tensor)
            case 6: denotation = try reader.readString(wt)
            case 4, 5, 7, 8, 9:
                kind = .other(field: number)
                try reader.skip(wt)
            default: try reader.skip(wt)
            }
        }
    }

    private static func decodeTensor(_ reader: inout ProtoReader) throws(ONNXError) -> Kind {
        var elementType: Int32 = 0
        var shape: [Dimension]?
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: elementType = try reader.readInt32(wt)
            case 2:
                var shapeReader = try reader.readMessage(wt, name: "TensorShapeProto")
                var dims: [Dimension] = []
                while let (n, dwt) = try shapeReader.nextField() {
                    if n == 1 {
                        var dimReader = try shapeReader.readMessage(dwt, name: "TensorShapeProto.Dimension")
                        dims.append(try decodeDimension(&dimReader))
                    } else {
                        try shapeReader.skip(dwt)
                    }
                }
                shape = dims
            default: try reader.skip(wt)
            }
        }
        return .tensor(elementType: elementType, shape: shape)
    }

    private static func decodeDimension(_ reader: inout ProtoReader) throws(ONNXError) -> Dimension {
        var dim = Dimension.unknown
        while let (number, wt) = try reader.nextField() {
            switch number {
            case 1: dim = .value(try reader.readInt64(wt))
            case 2: dim = .param(try reader.readString(wt))
            default: try reader.skip(wt)
            }
        }
        return dim
    }

    func encode(to w: inout ProtoWriter) {
        if case .tensor(let elementType, let shape) = kind {
            w.message(1) { t in
                t.int32(1, elementType)
                if let shape {
                    t.message(2) { s in
                        for dim in shape {
                            s.message(1) { d in
                                switch dim {
                                case .value(let v): d.int64(1, v)
                                case .param(let p): d.string(2, p)
                                case .unknown: break
                                }
                            }
                        }
                    }
                }
            }
        }
        if !denotation.isEmpty { w.string(6, denotation) }
    }
}
