/// Shape rules for element-wise operators, broadcasting and linear algebra.
extension ShapeInference {
    /// NumPy multidirectional broadcasting.
    static func broadcast(_ a: [Int], _ b: [Int], _ c: InferenceContext) throws(ONNXError) -> [Int] {
        let rank = max(a.count, b.count)
        var out: [Int] = []
        out.reserveCapacity(rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                out.append(da)
            } else if da == 1 {
                out.append(db)
            } else {
                throw c.error("shapes \(a) and \(b) cannot be broadcast")
            }
        }
        return out
    }

    static func binary(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let a = try c.input(0)
        let b = try c.input(1)
        guard a.elementType == b.elementType else {
            throw c.error("input types differ: \(a.elementType) and \(b.elementType)")
        }
        return TensorType(a.elementType, try broadcast(a.shape, b.shape, c))
    }

    static func unary(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        try c.input(0)
    }

    static func softmax(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        _ = try c.axis(try c.node.int("axis", default: c.opset >= 13 ? -1 : 1), rank: max(x.rank, 1))
        return x
    }

    static func cast(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard let to = try c.node.int("to") else { throw c.error("attribute 'to' is required", field: "to") }
        guard let type = ElementType(rawValue: Int32(truncatingIfNeeded: to)) else {
            throw c.error("cannot cast to \(ElementType.onnxName(Int32(truncatingIfNeeded: to)))", field: "to")
        }
        return TensorType(type, x.shape)
    }

    static func gemm(_ c: InferenceContext, a: Int, b: Int, c bias: Int, output: ElementType) throws(ONNXError)
        -> TensorType
    {
        let ta = try c.input(a)
        let tb = try c.input(b)
        guard ta.rank == 2, tb.rank == 2 else { throw c.error("A \(ta) and B \(tb) must be 2-D") }
        let transA = try c.node.int("transA", default: 0) != 0
        let transB = try c.node.int("transB", default: 0) != 0
        let (m, k) = transA ? (ta.shape[1], ta.shape[0]) : (ta.shape[0], ta.shape[1])
        let (kb, n) = transB ? (tb.shape[1], tb.shape[0]) : (tb.shape[0], tb.shape[1])
        guard k == kb else {
            throw c.error(
                "inner dimensions differ: A \(ta.shape)\(transA ? "ᵀ" : "") and B \(tb.shape)\(transB ? "ᵀ" : "")"
            )
        }
        if let tc = try c.optionalInput(bias) {
            // C is broadcast unidirectionally to [M, N].
            guard try broadcast(tc.shape, [m, n], c) == [m, n] else {
                throw c.error("C \(tc.shape) cannot be broadcast to [\(m), \(n)]")
            }
        }
        return TensorType(output, [m, n])
    }

    /// numpy.matmul: 1-D operands are promoted and the added axis removed again.
    static func matmul(_ c: InferenceContext, a: Int, b: Int, output: ElementType) throws(ONNXError) -> TensorType {
        let ta = try c.input(a)
        let tb = try c.input(b)
        guard ta.rank >= 1, tb.rank >= 1 else { throw c.error("operands must have rank ≥ 1, got \(ta) and \(tb)") }
        let sa = ta.rank == 1 ? [1, ta.shape[0]] : ta.shape
        let sb = tb.rank == 1 ? [tb.shape[0], 1] : tb.shape
        guard sa[sa.count - 1] == sb[sb.count - 2] else {
            throw c.error("inner dimensions differ: \(ta.shape) × \(tb.shape)")
        }
        var shape = try broadcast(Array(sa.dropLast(2)), Array(sb.dropLast(2)), c)
        if ta.rank != 1 { shape.append(sa[sa.count - 2]) }
        if tb.rank != 1 { shape.append(sb[sb.count - 1]) }
        return TensorType(output, shape)
    }
}
