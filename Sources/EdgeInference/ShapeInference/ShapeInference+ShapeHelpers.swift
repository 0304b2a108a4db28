/// Shape rules for the shape-computation operators exporters emit (Shape, Gather, Slice,
/// ConstantOfShape, Floor, Ceil). They are accepted only when constant folding removes them
/// (see ``OperatorRule/foldOnly``): the runtime has no kernels for them.
extension ShapeInference {
    /// Per-axis start and step of a Slice, over every axis of the input, plus the output shape.
    struct SlicePlan {
        var starts: [Int]
        var steps: [Int]
        var shape: [Int]
    }

    static func slicePlan(_ c: InferenceContext, shape: [Int]) throws(ONNXError) -> SlicePlan {
        let rank = shape.count
        guard let starts = try c.intsInputOrAttribute(1, "starts"), let ends = try c.intsInputOrAttribute(2, "ends")
        else {
            throw c.error("starts and ends are required")
        }
        let axes = try c.intsInputOrAttribute(3, "axes") ?? Array(0..<starts.count)
        let steps = try c.constantInts(4, what: "steps") ?? Array(repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw c.error("starts, ends, axes and steps must have the same length")
        }
        var plan = SlicePlan(
            starts: Array(repeating: 0, count: rank),
            steps: Array(repeating: 1, count: rank),
            shape: shape
        )
        var seen = Set<Int>()
        for i in starts.indices {
            let axis = try c.axis(axes[i], rank: rank, name: "axes")
            guard seen.insert(axis).inserted else { throw c.error("axis \(axes[i]) repeated") }
            let d = shape[axis]
            let step = steps[i]
            guard step != 0 else { throw c.error("step 0 on axis \(axis)") }
            // Clamp first so the negative adjustment cannot overflow (INT64_MAX is a common end).
            var s = min(max(starts[i], -d - 1), d + 1)
            var e = min(max(ends[i], -d - 1), d + 1)
            if s < 0 { s += d }
            if e < 0 { e += d }
            let count: Int
            if step > 0 {
                s = min(max(s, 0), d)
                e = min(max(e, 0), d)
                count = e > s ? (e - s + step - 1) / step : 0
            } else {
                s = min(max(s, 0), d - 1)
                e = min(max(e, -1), d - 1)
                count = s > e ? (s - e + (-step) - 1) / (-step) : 0
            }
            plan.starts[axis] = s
            plan.steps[axis] = step
            plan.shape[axis] = count
        }
        return plan
    }

    static func shapeOf(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        let start = ConstantFolding.clampShapeIndex(try c.node.int("start", default: 0), x.rank)
        let end = ConstantFolding.clampShapeIndex(try c.node.int("end", default: x.rank), x.rank)
        return TensorType(.int64, [max(0, end - start)])
    }

    static func gather(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let data = try c.input(0)
        let indices = try c.input(1)
        try c.requireType(indices, [.int64, .int32], "indices")
        guard data.rank >= 1 else { throw c.error("data must have rank ≥ 1") }
        let axis = try c.axis(try c.node.int("axis", default: 0), rank: data.rank)
        return TensorType(
            data.elementType,
            Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        )
    }

    static func slice(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        return TensorType(x.elementType, try slicePlan(c, shape: x.shape).shape)
    }

    static func constantOfShape(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        guard let shape = try c.constantInts(0, what: "shape") else { throw c.error("shape input is required") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw c.error("negative dimension in \(shape)") }
        let type = try c.node.tensor("value")?.elementType ?? .float32
        return TensorType(type, shape)
    }
}
