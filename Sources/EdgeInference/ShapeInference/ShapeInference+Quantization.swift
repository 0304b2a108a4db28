/// Shape rules for (de)quantization and the QLinear operators.
extension ShapeInference {
    /// The element type of a quantized output: that of its zero point, uint8 when omitted.
    static func quantizedOutputType(_ c: InferenceContext, zeroPoint: Int) throws(ONNXError) -> ElementType {
        guard let zp = try c.optionalInput(zeroPoint) else { return .uint8 }
        try c.requireType(zp, [.uint8, .int8, .uint16, .int16], "zero point")
        return zp.elementType
    }

    /// Checks that scale/zero point are scalars or 1-D along `axis` of `x`.
    static func checkQuantizationParameters(_ c: InferenceContext, x: TensorType) throws(ONNXError) {
        let scale = try c.input(1)
        let zeroPoint = try c.optionalInput(2)
        guard scale.rank <= 1 else {
            if try c.node.int("block_size", default: 0) != 0 { return }
            throw c.error("scale must be a scalar or 1-D, got \(scale.shape)")
        }
        // A 1-D scale of length D is per-axis along `axis` (default 1); length 1 is per-tensor.
        if scale.rank == 1, scale.shape[0] != 1 {
            let axis = try c.axis(try c.node.int("axis", default: 1), rank: x.rank)
            guard x.shape[axis] == scale.shape[0] else {
                throw c.error(
                    "per-axis scale has \(scale.shape[0]) values; axis \(axis) of \(x.shape) has \(x.shape[axis])"
                )
            }
        }
        // ORT writes a scalar zero point next to a [1] scale: compare element counts, not shapes.
        if let zeroPoint, zeroPoint.shape.reduce(1, *) != scale.shape.reduce(1, *) {
            throw c.error("zero point shape \(zeroPoint.shape) differs from scale shape \(scale.shape)")
        }
    }

    static func quantizeLinear(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        try checkQuantizationParameters(c, x: x)
        if let dtype = try c.node.int("output_dtype"), dtype != 0, c.node.input(2) == nil {
            guard let type = ElementType(rawValue: Int32(truncatingIfNeeded: dtype)) else {
                throw c.error("output_dtype \(ElementType.onnxName(Int32(truncatingIfNeeded: dtype))) is not supported")
            }
            return TensorType(type, x.shape)
        }
        return TensorType(try quantizedOutputType(c, zeroPoint: 2), x.shape)
    }

    static func dequantizeLinear(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        try checkQuantizationParameters(c, x: x)
        let scale = try c.input(1)
        return TensorType(scale.elementType, x.shape)
    }

    /// QLinearAdd / QLinearMul: (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp).
    static func qlinearBinary(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let a = try c.input(0)
        let b = try c.input(3)
        guard a.elementType == b.elementType else { throw c.error("A is \(a.elementType) but B is \(b.elementType)") }
        return TensorType(try quantizedOutputType(c, zeroPoint: 7), try broadcast(a.shape, b.shape, c))
    }

    /// QLinearSigmoid / QLinearLeakyRelu / QLinearSoftmax: (X, X_scale, X_zp, Y_scale, Y_zp).
    static func qlinearUnary(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        return TensorType(try quantizedOutputType(c, zeroPoint: 4), x.shape)
    }
}
