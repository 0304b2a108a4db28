/// Shape rules for operators that move, reshape or resample data.
extension ShapeInference {
    static func flatten(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        let raw = try c.node.int("axis", default: 1)
        guard raw >= -x.rank, raw <= x.rank else {
            throw c.error("axis \(raw) out of range for rank \(x.rank)", field: "axis")
        }
        let axis = raw < 0 ? raw + x.rank : raw
        return TensorType(x.elementType, [try c.product(x.shape[..<axis]), try c.product(x.shape[axis...])])
    }

    static func reshape(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        let requested: [Int]
        if let fromInput = try c.constantInts(1, what: "shape") {
            requested = fromInput
        } else if let fromAttribute = try c.node.ints("shape") {
            requested = fromAttribute
        } else {
            throw c.error("needs a shape")
        }
        let allowZero = try c.node.int("allowzero", default: 0) != 0
        var shape: [Int] = []
        var inferred: Int?
        for (i, d) in requested.enumerated() {
            switch d {
            case 0 where !allowZero:
                guard i < x.rank else {
                    throw c.error("shape \(requested) copies dimension \(i) that input \(x.shape) lacks")
                }
                shape.append(x.shape[i])
            case -1:
                guard inferred == nil else { throw c.error("shape \(requested) has more than one -1") }
                inferred = i
                shape.append(1)
            case let d where d < 0:
                throw c.error("shape \(requested) has invalid dimension \(d)")
            default:
                shape.append(d)
            }
        }
        let total = try c.product(x.shape)
        let known = try c.product(shape)
        if let inferred {
            guard known > 0, total % known == 0 else { throw c.error("cannot reshape \(x.shape) to \(requested)") }
            shape[inferred] = total / known
        } else {
            guard known == total else { throw c.error("cannot reshape \(x.shape) (\(total) elements) to \(shape)") }
        }
        return TensorType(x.elementType, shape)
    }

    static func transpose(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        let perm = try c.node.ints("perm") ?? Array((0..<x.rank).reversed())
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw c.error("perm \(perm) is not a permutation of the \(x.rank) axes", field: "perm")
        }
        return TensorType(x.elementType, perm.map { x.shape[$0] })
    }

    static func concat(_ c: InferenceContext, inputs: [Int]) throws(ONNXError) -> TensorType {
        guard let first = inputs.first else { throw c.error("needs at least one input") }
        let x = try c.input(first)
        guard let rawAxis = try c.node.int("axis") else { throw c.error("attribute 'axis' is required", field: "axis") }
        let axis = try c.axis(rawAxis, rank: x.rank)
        var shape = x.shape
        for index in inputs.dropFirst() {
            let other = try c.input(index)
            guard other.rank == x.rank, other.elementType == x.elementType else {
                throw c.error("input \(index) is \(other); expected rank \(x.rank) of \(x.elementType)")
            }
            for d in 0..<x.rank where d != axis && other.shape[d] != x.shape[d] {
                throw c.error("input \(index) shape \(other.shape) differs from \(x.shape) outside axis \(axis)")
            }
            shape[axis] = try c.add(shape[axis], other.shape[axis])
        }
        return TensorType(x.elementType, shape)
    }

    /// Axes from the canonical input (index 1) or the pre-opset-13 attribute.
    static func axesInputOrAttribute(_ c: InferenceContext, inputIndex: Int = 1) throws(ONNXError) -> [Int]? {
        try c.intsInputOrAttribute(inputIndex, "axes")
    }

    static func squeeze(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard let rawAxes = try axesInputOrAttribute(c) else {
            return TensorType(x.elementType, x.shape.filter { $0 != 1 })
        }
        var axes = Set<Int>()
        for a in rawAxes {
            let axis = try c.axis(a, rank: x.rank, name: "axes")
            guard x.shape[axis] == 1 else { throw c.error("cannot squeeze axis \(a) of size \(x.shape[axis])") }
            axes.insert(axis)
        }
        return TensorType(x.elementType, x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    static func unsqueeze(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard let rawAxes = try axesInputOrAttribute(c) else { throw c.error("axes are required") }
        let rank = x.rank + rawAxes.count
        var axes = Set<Int>()
        for a in rawAxes {
            let axis = try c.axis(a, rank: rank, name: "axes")
            guard axes.insert(axis).inserted else { throw c.error("axis \(a) repeated") }
        }
        var shape: [Int] = []
        var source = x.shape.makeIterator()
        for i in 0..<rank { shape.append(axes.contains(i) ? 1 : source.next()!) }
        return TensorType(x.elementType, shape)
    }

    static func split(_ c: InferenceContext) throws(ONNXError) -> [TensorType] {
        let x = try c.input(0)
        let axis = try c.axis(try c.node.int("axis", default: 0), rank: x.rank)
        let count = c.node.outputs.count
        guard count >= 1 else { throw c.error("has no outputs") }
        let dim = x.shape[axis]
        var sizes: [Int]
        if let given = try c.intsInputOrAttribute(1, "split") {
            sizes = given
        } else if let n = try c.node.int("num_outputs") {
            guard n == count, n >= 1 else { throw c.error("num_outputs \(n) but \(count) outputs") }
            let chunk = (dim + n - 1) / n
            sizes = (0..<n).map { max(0, min(chunk, dim - $0 * chunk)) }
        } else {
            guard dim % count == 0 else { throw c.error("axis size \(dim) does not split evenly into \(count)") }
            sizes = Array(repeating: dim / count, count: count)
        }
        var total = 0
        for size in sizes {
            guard size >= 0 else { throw c.error("negative split size in \(sizes)") }
            total = try c.add(total, size)
        }
        guard sizes.count == count, total == dim else {
            throw c.error("split sizes \(sizes) do not cover axis size \(dim) with \(count) outputs")
        }
        return sizes.map { size in
            var shape = x.shape
            shape[axis] = size
            return TensorType(x.elementType, shape)
        }
    }

    static func pad(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard let pads = try c.intsInputOrAttribute(1, "pads") else {
            throw c.error("pads are required")
        }
        var axes = Array(0..<x.rank)
        if let given = try c.constantInts(3, what: "axes") {
            var normalized: [Int] = []
            for a in given { normalized.append(try c.axis(a, rank: x.rank, name: "axes")) }
            axes = normalized
        }
        guard pads.count == 2 * axes.count else { throw c.error("pads \(pads) must have \(2 * axes.count) values") }
        let mode = try c.node.string("mode", default: "constant")
        guard ["constant", "reflect", "edge", "wrap"].contains(mode) else {
            throw c.error("unknown mode '\(mode)'", field: "mode")
        }
        var shape = x.shape
        for (i, axis) in axes.enumerated() {
            let limit = 1 << 30
            guard (-limit...limit).contains(pads[i]), (-limit...limit).contains(pads[i + axes.count]) else {
                throw c.error("absurd pads \(pads)")
            }
            shape[axis] = x.shape[axis] + pads[i] + pads[i + axes.count]
            guard shape[axis] >= 0 else { throw c.error("pads \(pads) remove more than axis \(axis) holds") }
            if mode == "reflect", pads[i] >= x.shape[axis] || pads[i + axes.count] >= x.shape[axis] {
                throw c.error("reflect padding must be smaller than the axis size \(x.shape[axis])")
            }
        }
        return TensorType(x.elementType, shape)
    }

    /// Resize (any opset) and Upsample: output size from `sizes` or `floor(input × scale)`.
    static func resize(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        var scales: [Float]?
        var sizes: [Int]?
        if c.node.opType == "Upsample" {
            scales = try c.floatsInputOrAttribute(1, "scales")
        } else if c.opset < 11 {
            scales = try c.constantFloats(1, what: "scales")
        } else {
            scales = try c.constantFloats(2, what: "scales")
            sizes = try c.constantInts(3, what: "sizes")
            if scales?.isEmpty == true { scales = nil }
            if sizes?.isEmpty == true { sizes = nil }
        }
        let policy = try c.node.string("keep_aspect_ratio_policy", default: "stretch")
        guard policy == "stretch" else { throw c.error("keep_aspect_ratio_policy '\(policy)' is not supported") }
        var axes = Array(0..<x.rank)
        if let given = try c.node.ints("axes") {
            var normalized: [Int] = []
            for a in given { normalized.append(try c.axis(a, rank: x.rank, name: "axes")) }
            axes = normalized
        }
        var shape = x.shape
        if let sizes {
            guard scales == nil else { throw c.error("only one of scales and sizes may be given") }
            guard sizes.count == axes.count, sizes.allSatisfy({ $0 >= 0 }) else {
                throw c.error("sizes \(sizes) do not fit \(axes.count) axes")
            }
            for (i, axis) in axes.enumerated() { shape[axis] = sizes[i] }
        } else if let scales {
            guard scales.count == axes.count else { throw c.error("scales \(scales) do not fit \(axes.count) axes") }
            for (i, axis) in axes.enumerated() {
                // float32 product then truncation, as ONNX Runtime computes it.
                let value = Float(x.shape[axis]) * scales[i]
                guard value.isFinite, value >= 0, value < Float(Tensor.maxElementCount) else {
                    throw c.error("scale \(scales[i]) on axis \(axis) is invalid")
                }
                shape[axis] = Int(value)
            }
        } else {
            throw c.error("needs scales or sizes")
        }
        return TensorType(x.elementType, shape)
    }

    static func reduce(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        let keep = try c.node.int("keepdims", default: 1) != 0
        let axes = try axesInputOrAttribute(c) ?? []
        if axes.isEmpty, try c.node.int("noop_with_empty_axes", default: 0) != 0 { return x }
        var reduced = Set<Int>()
        for a in axes { reduced.insert(try c.axis(a, rank: x.rank, name: "axes")) }
        if axes.isEmpty { reduced = Set(0..<x.rank) }
        var shape: [Int] = []
        for (i, d) in x.shape.enumerated() {
            if reduced.contains(i) {
                if keep { shape.append(1) }
            } else {
                shape.append(d)
            }
        }
        return TensorType(x.elementType, shape)
    }

    static func constantNode(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let value = try ConstantFolding.constantValue(of: c.node)
        return TensorType(value.elementType, value.shape)
    }
}
