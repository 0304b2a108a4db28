/// A value's static type: element type and concrete shape.
public struct TensorType: Sendable, Equatable, CustomStringConvertible {
    public var elementType: ElementType
    public var shape: [Int]

    public init(_ elementType: ElementType, _ shape: [Int]) {
        self.elementType = elementType
        self.shape = shape
    }

    public var rank: Int { shape.count }

    public var description: String { "\(elementType)[" + shape.map(String.init).joined(separator: ",") + "]" }
}
