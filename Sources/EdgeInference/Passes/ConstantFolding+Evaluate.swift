/// Evaluation of small constant computations: the shape arithmetic exporters emit
/// (Shape → Gather → Unsqueeze → Concat → Reshape/Resize, Cast/Mul on sizes, ...).
///
/// Only int64, int32 and float32 tensors of at most ``maxElements`` elements are folded, and
/// only the operators below: quantization operators are never folded, so QDQ structure
/// survives. Results are exactly what the operators compute (float arithmetic in Double,
/// rounded once to float32, which equals float32 arithmetic for + − × ÷).
extension ConstantFolding {
    static let maxElements = 4096

    /// Operators that may be folded when their inputs are constant.
    static let foldable: Set<String> = [
        "Shape", "Gather", "Slice", "ConstantOfShape", "Unsqueeze", "Squeeze", "Reshape", "Flatten",
        "Identity", "Concat", "Cast", "Add", "Sub", "Mul", "Div", "Floor", "Ceil",
    ]

    /// Values of a foldable tensor, widened for arithmetic.
    enum Values {
        case ints([Int64])
        case floats([Double])

        init?(_ t: Tensor) {
            guard t.count <= maxElements else { return nil }
            switch t.elementType {
            case .int64: self = .ints(t.values(as: Int64.self))
            case .int32: self = .ints(t.values(as: Int32.self).map(Int64.init))
            case .float32: self = .floats(t.values(as: Float.self).map(Double.init))
            default: return nil
            }
        }

        var count: Int {
            switch self {
            case .ints(let v): v.count
            case .floats(let v): v.count
            }
        }

        /// Picks elements by index (data movement for Gather, Slice, Concat, ...).
        func gathered(_ indices: [Int]) -> Values {
            switch self {
            case .ints(let v): .ints(indices.map { v[$0] })
            case .floats(let v): .floats(indices.map { v[$0] })
            }
        }

        func tensor(_ type: ElementType, _ shape: [Int]) -> Tensor? {
            switch (self, type) {
            case (.ints(let v), .int64): Tensor(int64s: v, shape: shape)
            case (.ints(let v), .int32): Tensor(v.map { Int32(truncatingIfNeeded: $0) }, shape: shape, type: .int32)
            case (.floats(let v), .float32): Tensor(floats: v.map { Float($0) }, shape: shape)
            case (.ints(let v), .float32): Tensor(floats: v.map { Float($0) }, shape: shape)
            case (.floats(let v), .int64): Tensor(int64s: v.map(Self.toInt64), shape: shape)
            case (.floats(let v), .int32):
                Tensor(v.map { Int32(clamping: Self.toInt64($0)) }, shape: shape, type: .int32)
            default: nil
            }
        }

        /// Float → integer as a C cast does for in-range values; NaN and out-of-range saturate
        /// instead of trapping.
        static func toInt64(_ x: Double) -> Int64 {
            guard x.isFinite else { return x.isNaN ? 0 : (x > 0 ? .max : .min) }
            if x >= 9.2e18 { return .max }
            if x <= -9.2e18 { return .min }
            return Int64(x.rounded(.towardZero))
        }
    }

    /// The outputs of `node` if it can be folded, given its inferred output types.
    static func evaluate(
        _ node: Node,
        context c: InferenceContext,
        outputs: [TensorType]
    ) -> [Tensor]? {
        guard node.domain.isEmpty, foldable.contains(node.opType), let out = outputs.first,
            out.shape.reduce(1, *) <= maxElements
        else { return nil }
        // Shape needs only the input's type; everything else needs constant inputs.
        if node.opType == "Shape" {
            guard let x = try? c.input(0), let start = try? c.node.int("start", default: 0),
                let end = try? c.node.int("end", default: x.rank)
            else { return nil }
            let (s, e) = (clampShapeIndex(start, x.rank), clampShapeIndex(end, x.rank))
            return [Tensor(int64s: x.shape[s..<max(s, e)].map { Int64($0) }, shape: [max(0, e - s)])]
        }
        var inputs: [Values?] = []
        for i in node.inputs.indices {
            guard node.input(i) != nil else {
                inputs.append(nil)
                continue
            }
            guard let t = c.constant(i), let v = Values(t) else { return nil }
            inputs.append(v)
        }
        guard let first = inputs.first ?? nil else { return nil }
        let result: Values?
        switch node.opType {
        case "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Identity":
            result = first
        case "Cast":
            result = first
        case "Floor", "Ceil":
            guard case .floats(let v) = first else { return nil }
            result = .floats(v.map { node.opType == "Floor" ? $0.rounded(.down) : $0.rounded(.up) })
        case "Add", "Sub", "Mul", "Div":
            guard inputs.count == 2, let b = inputs[1], let a = try? c.input(0), let bt = try? c.input(1) else {
                return nil
            }
            result = binary(node.opType, first, a.shape, b, bt.shape, out.shape)
        case "Gather":
            guard let data = try? c.input(0), let indices = inputs[1], case .ints(let idx) = indices,
                let axis = try? c.axis(try c.node.int("axis", default: 0), rank: data.rank)
            else { return nil }
            result = gather(first, data.shape, idx, axis: axis)
        case "Concat":
            guard let axis = try? c.node.int("axis") else { return nil }
            var parts: [(Values, [Int])] = []
            for (i, v) in inputs.enumerated() {
                guard let v, let t = try? c.input(i) else { return nil }
                parts.append((v, t.shape))
            }
            result = concat(parts, axis: axis < 0 ? axis + out.rank : axis, outShape: out.shape)
        case "Slice":
            guard let data = try? c.input(0) else { return nil }
            result = slice(first, data.shape, context: c, outShape: out.shape)
        case "ConstantOfShape":
            let value = (try? c.node.tensor("value")).flatMap { $0 }.flatMap(Values.init)
            let n = out.shape.reduce(1, *)
            switch value ?? .floats([0]) {
            case .ints(let v): result = v.count == 1 ? .ints(Array(repeating: v[0], count: n)) : nil
            case .floats(let v): result = v.count == 1 ? .floats(Array(repeating: v[0], count: n)) : nil
            }
        default:
            result = nil
        }
        guard let result, result.count == out.shape.reduce(1, *), let tensor = result.tensor(out.elementType, out.shape)
        else { return nil }
        return [tensor]
    }

    static func clampShapeIndex(_ i: Int, _ rank: Int) -> Int {
        let j = i < 0 ? max(i, -rank) + rank : i
        return min(max(j, 0), rank)
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in shape.indices.reversed() {
            s[i] = acc
            acc *= shape[i]
        }
        return s
    }

    /// Multi-index of a flat index.
    static func unflatten(_ flat: Int, _ shape: [Int]) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for i in shape.indices.reversed() where shape[i] > 0 {
            index[i] = rest % shape[i]
            rest /= shape[i]
        }
        return index
    }

    static func binary(_ op: String, _ a: Values, _ sa: [Int], _ b: Values, _ sb: [Int], _ out: [Int]) -> Values? {
        let n = out.reduce(1, *)
        func source(_ flat: Int, _ shape: [Int]) -> Int {
            let index = unflatten(flat, out)
            let offset = out.count - shape.count
            var s = 0
            let st = strides(shape)
            for i in shape.indices where shape[i] != 1 { s += index[i + offset] * st[i] }
            return s
        }
        let ia = (0..<n).map { source($0, sa) }, ib = (0..<n).map { source($0, sb) }
        switch (a, b) {
        case (.ints(let x), .ints(let y)):
            var r: [Int64] = []
            for k in 0..<n {
                let (u, v) = (x[ia[k]], y[ib[k]])
                switch op {
                case "Add": r.append(u &+ v)
                case "Sub": r.append(u &- v)
                case "Mul": r.append(u &* v)
                default:
                    // Integer division truncates (C semantics, as ONNX Runtime); x/0 is not folded.
                    guard v != 0, !(u == .min && v == -1) else { return nil }
                    r.append(u / v)
                }
            }
            return .ints(r)
        case (.floats(let x), .floats(let y)):
            return .floats(
                (0..<n).map { k in
                    let (u, v) = (Double(Float(x[ia[k]])), Double(Float(y[ib[k]])))
                    switch op {
                    case "Add": return u + v
                    case "Sub": return u - v
                    case "Mul": return u * v
                    default: return u / v
                    }
                }
            )
        default:
            return nil
        }
    }

    static func gather(_ data: Values, _ shape: [Int], _ indices: [Int64], axis: Int) -> Values? {
        let d = shape[axis]
        var normalized: [Int] = []
        for i in indices {
            guard i >= -Int64(d), i < Int64(d) else { return nil }
            normalized.append(Int(i < 0 ? i + Int64(d) : i))
        }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var picks: [Int] = []
        for o in 0..<outer {
            for i in normalized {
                for k in 0..<inner { picks.append((o * d + i) * inner + k) }
            }
        }
        return data.gathered(picks)
    }

    static func concat(_ parts: [(Values, [Int])], axis: Int, outShape: [Int]) -> Values? {
        guard axis >= 0, axis < outShape.count else { return nil }
        let outer = outShape[..<axis].reduce(1, *)
        var ints: [Int64] = []
        var floats: [Double] = []
        for o in 0..<outer {
            for (values, shape) in parts {
                let block = shape[axis...].reduce(1, *)
                let range = (o * block)..<((o + 1) * block)
                switch values {
                case .ints(let v): ints += v[range]
                case .floats(let v): floats += v[range]
                }
            }
        }
        if !ints.isEmpty, !floats.isEmpty { return nil }
        return floats.isEmpty ? .ints(ints) : .floats(floats)
    }

    static func slice(_ data: Values, _ shape: [Int], context c: InferenceContext, outShape: [Int]) -> Values? {
        guard let plan = try? ShapeInference.slicePlan(c, shape: shape) else { return nil }
        let n = outShape.reduce(1, *)
        let st = strides(shape)
        var picks: [Int] = []
        picks.reserveCapacity(n)
        for flat in 0..<n {
            let index = unflatten(flat, outShape)
            var source = 0
            for axis in shape.indices { source += (plan.starts[axis] + index[axis] * plan.steps[axis]) * st[axis] }
            picks.append(source)
        }
        return data.gathered(picks)
    }
}
