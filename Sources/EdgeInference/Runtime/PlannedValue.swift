/// A value of the execution plan: ONNX's logical shape, the physical layout it is stored in,
/// and where it lives (the constant pool or the session arena).
struct PlannedValue: Sendable {
    var name: String
    var elementType: ElementType
    /// Logical (ONNX) shape.
    var shape: [Int]
    /// Stored channels-last (N, spatial…, C) instead of ONNX's N, C, spatial…; rank 3 and 4 only.
    var channelsLast: Bool
    /// Set for constants: the pool buffer.
    var constant: ConstPtr?
    /// The initializer, when this value is one (for build-time reads of parameters).
    var tensor: Tensor?

    var count: Int { shape.reduce(1, *) }
    var byteCount: Int { count * elementType.byteWidth }

    /// The stored shape: logical, or N, spatial…, C when channels-last.
    var physicalShape: [Int] {
        channelsLast ? [shape[0]] + shape.dropFirst(2) + [shape[1]] : shape
    }

    /// Element stride of each logical axis in the stored layout.
    var logicalStrides: [Int] {
        let phys = physicalShape
        var physStrides = [Int](repeating: 1, count: phys.count)
        var s = 1
        for i in stride(from: phys.count - 1, through: 0, by: -1) {
            physStrides[i] = s
            s *= phys[i]
        }
        guard channelsLast else { return physStrides }
        // logical 0 = phys 0, logical 1 (C) = phys last, logical k≥2 = phys k−1
        var strides = [physStrides[0], physStrides[phys.count - 1]]
        for k in 2..<shape.count { strides.append(physStrides[k - 1]) }
        return strides
    }
}
