/// A named value's declared type: element type and shape (nil when unknown).
public struct ValueInfo: Sendable, Equatable {
    public typealias Dimension = TypeProto.Dimension

    public var name: String
    public var elementType: ElementType?
    public var shape: [Dimension]?

    public init(name: String, elementType: ElementType?, shape: [Dimension]?) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    public init(name: String, elementType: ElementType, shape: [Int]) {
        self.init(name: name, elementType: elementType, shape: shape.map { .value(Int64($0)) })
    }

    /// The shape when every dimension is a known number.
    public var staticShape: [Int]? {
        guard let shape else { return nil }
        var dims: [Int] = []
        for d in shape {
            guard case .value(let v) = d, v >= 0, v <= Int64(Tensor.maxElementCount) else { return nil }
            dims.append(Int(v))
        }
        return dims
    }

    /// `float32[1,3,224,224]`, `uint8[N,?]`, `?` for unknown.
    public var typeDescription: String {
        let type = elementType?.description ?? "?"
        guard let shape else { return "\(type)[?]" }
        return "\(type)[" + shape.map(\.description).joined(separator: ",") + "]"
    }
}
