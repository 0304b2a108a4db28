/// A constant tensor (initializer, attribute value, folded constant): element type, shape
/// and little-endian element bytes in C order.
///
/// The bytes are a ``ByteSlice``; for `raw_data` and external data it points into the mapped
/// model or data file, so loading never copies weights.
public struct Tensor: Sendable, Equatable {
    public var elementType: ElementType
    public var shape: [Int]
    public var data: ByteSlice

    /// Largest element count we accept; guards against absurd dims in corrupted files.
    public static let maxElementCount = 1 << 40

    public init(elementType: ElementType, shape: [Int], data: ByteSlice) throws(ONNXError) {
        let n = try Tensor.elementCount(of: shape)
        guard data.count == n * elementType.byteWidth else {
            throw ONNXError(
                code: .invalidModel,
                message:
                    "tensor of shape \(shape) and type \(elementType) needs \(n * elementType.byteWidth) bytes, has \(data.count)"
            )
        }
        self.elementType = elementType
        self.shape = shape
        self.data = data
    }

    public var rank: Int { shape.count }

    /// Number of elements; 1 for a scalar (empty shape).
    public var count: Int { shape.reduce(1, *) }

    /// Element count of `shape`, rejecting negative or overflowing dimensions.
    public static func elementCount(of shape: [Int]) throws(ONNXError) -> Int {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw ONNXError(code: .invalidModel, message: "negative dimension \(d) in \(shape)") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, p <= maxElementCount else {
                throw ONNXError(code: .invalidModel, message: "absurd tensor size: shape \(shape)")
            }
            n = p
        }
        return n
    }

    // MARK: Building

    /// A tensor holding `values` (copied into owned storage).
    public init<T: BitwiseCopyable>(_ values: [T], shape: [Int], type: ElementType) {
        precondition(MemoryLayout<T>.size == type.byteWidth, "element size does not match \(type)")
        precondition(shape.reduce(1, *) == values.count, "value count does not match shape")
        let bytes = values.withUnsafeBytes { Array($0) }
        self.elementType = type
        self.shape = shape
        self.data = ByteSlice(copying: bytes)
    }

    public init(floats: [Float], shape: [Int]) { self.init(floats, shape: shape, type: .float32) }
    public init(int64s: [Int64], shape: [Int]) { self.init(int64s, shape: shape, type: .int64) }

    // MARK: Reading

    /// The elements reinterpreted as `T` (must match the element width). Little-endian hosts only
    /// (x86-64, arm64), which is all we build for.
    public func values<T: BitwiseCopyable>(as: T.Type) -> [T] {
        precondition(MemoryLayout<T>.size == elementType.byteWidth)
        let n = data.count / MemoryLayout<T>.size
        return data.withUnsafeBytes { raw in
            (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
        }
    }

    /// Every element converted to Double (for constant folding and BN folding).
    public func doubles() -> [Double] {
        switch elementType {
        case .float32: values(as: Float.self).map(Double.init)
        case .float64: values(as: Double.self)
        case .int8: values(as: Int8.self).map(Double.init)
        case .uint8, .bool: values(as: UInt8.self).map(Double.init)
        case .int16: values(as: Int16.self).map(Double.init)
        case .uint16: values(as: UInt16.self).map(Double.init)
        case .int32: values(as: Int32.self).map(Double.init)
        case .uint32: values(as: UInt32.self).map(Double.init)
        case .int64: values(as: Int64.self).map(Double.init)
        case .uint64: values(as: UInt64.self).map(Double.init)
        case .float16: values(as: UInt16.self).map { Double(Float16(bitPattern: $0)) }
        }
    }

    /// Integer elements (shapes, axes, pads). Throws for non-integer types.
    public func ints() throws(ONNXError) -> [Int] {
        switch elementType {
        case .int64: return values(as: Int64.self).map { Int(truncatingIfNeeded: $0) }
        case .int32: return values(as: Int32.self).map(Int.init)
        case .int8: return values(as: Int8.self).map(Int.init)
        case .uint8: return values(as: UInt8.self).map(Int.init)
        case .int16: return values(as: Int16.self).map(Int.init)
        case .uint16: return values(as: UInt16.self).map(Int.init)
        case .uint32: return values(as: UInt32.self).map(Int.init)
        default:
            throw ONNXError(code: .invalidModel, message: "expected an integer tensor, got \(elementType)")
        }
    }

    /// Float elements; integers are converted.
    public func floats() -> [Float] {
        elementType == .float32 ? values(as: Float.self) : doubles().map(Float.init)
    }
}
