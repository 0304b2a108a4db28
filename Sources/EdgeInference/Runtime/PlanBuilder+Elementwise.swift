#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKernels

/// Element-wise operators. They run in the layout of their inputs: broadcasting is expressed as
/// per-operand strides, so a channels-last operand and a standard one can meet.
extension PlanBuilder {
    /// Broadcast descriptor for y = a ∘ b, iterating y in its stored order.
    func broadcast(_ a: Int, _ b: Int, _ y: Int, node: Node) throws -> ck_broadcast {
        let ys = values[y].shape
        let rank = max(ys.count, 1)
        guard rank <= 8 else { throw RuntimeError(code: .unsupported, message: "broadcast of rank \(rank)", node: node.name) }
        func strides(_ id: Int) -> [Int] {
            let v = values[id]
            let s = v.logicalStrides
            let pad = rank - v.shape.count
            return (0..<rank).map { i in
                i < pad ? 0 : (v.shape[i - pad] == 1 ? 0 : s[i - pad])
            }
        }
        let perm: [Int] = values[y].channelsLast ? [0] + Array(2..<rank) + [1] : Array(0..<rank)
        let sa = strides(a), sb = strides(b)
        let shape = ys.isEmpty ? [1] : ys
        var bc = ck_broadcast()
        bc.rank = rank
        withUnsafeMutableBytes(of: &bc.shape) { p in for i in 0..<rank { p.storeBytes(of: shape[perm[i]], toByteOffset: i * 8, as: Int.self) } }
        withUnsafeMutableBytes(of: &bc.a_stride) { p in for i in 0..<rank { p.storeBytes(of: ys.isEmpty ? 0 : sa[perm[i]], toByteOffset: i * 8, as: Int.self) } }
        withUnsafeMutableBytes(of: &bc.b_stride) { p in for i in 0..<rank { p.storeBytes(of: ys.isEmpty ? 0 : sb[perm[i]], toByteOffset: i * 8, as: Int.self) } }
        for id in [a, b] where values[id].shape.count > rank {
            throw RuntimeError(code: .invalidModel, message: "operand rank \(values[id].shape.count) exceeds the result's \(rank)", node: node.name)
        }
        try check(ck_broadcast_check(&bc), node.name)
        return bc
    }

    /// Whether an element-wise result should be stored channels-last: when a same-rank,
    /// non-constant operand is.
    func preferChannelsLast(_ inputs: [Int], rank: Int) -> Bool {
        (rank == 3 || rank == 4) && inputs.contains { values[$0].channelsLast && values[$0].constant == nil }
    }

    mutating func lowerBinary(_ node: Node) throws {
        let a = try value(node.inputs[0], node: node), b = try value(node.inputs[1], node: node)
        let t = try type(of: node.outputs[0], node: node)
        guard t.elementType == .float32 else {
            throw RuntimeError(code: .unsupported, message: "\(node.opType) on \(t.elementType) (float32 runs)", node: node.name)
        }
        let y = newValue(node.outputs[0], t.elementType, t.shape, channelsLast: preferChannelsLast([a, b], rank: t.shape.count))
        let bc = Captured(try broadcast(a, b, y, node: node))
        let fn: @convention(c) (UnsafePointer<ck_broadcast>?, UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void =
            switch node.opType {
            case "Add": ck_add_f32
            case "Sub": ck_sub_f32
            case "Mul": ck_mul_f32
            default: ck_div_f32
            }
        append(node.name, node.opType, [a, b], [y]) { f in
            var c = bc.value
            fn(&c, f.f32(a), f.f32(b), f.f32(y))
        }
    }

    mutating func lowerQBinary(_ node: Node) throws {
        // (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp)
        let a = try value(node.inputs[0], node: node), b = try value(node.inputs[3], node: node)
        let t = try type(of: node.outputs[0], node: node)
        let y = newValue(node.outputs[0], t.elementType, t.shape, channelsLast: preferChannelsLast([a, b], rank: t.shape.count))
        var q = ck_qbinary_params()
        q.a_scale = try constant(node, 1)?.floats().first ?? 1
        q.a_zero_point = Int32(try constant(node, 2)?.doubles().first ?? 0)
        q.b_scale = try constant(node, 4)?.floats().first ?? 1
        q.b_zero_point = Int32(try constant(node, 5)?.doubles().first ?? 0)
        q.y_scale = try constant(node, 6)?.floats().first ?? 1
        q.y_zero_point = Int32(try constant(node, 7)?.doubles().first ?? 0)
        let bc = Captured(try broadcast(a, b, y, node: node)), qp = Captured(q)
        let add = node.opType == "QLinearAdd", s8 = t.elementType == .int8
        // The SIMD table of the selected ISA (bit-exact with the references, docs/kernels.md);
        // the references themselves where the ISA has none.
        let ops = ck_simd_ops_for(ck_isa_selected())?.pointee
        let s8Kernel = add ? (ops?.qadd_s8 ?? ck_qadd_s8__scalar) : (ops?.qmul_s8 ?? ck_qmul_s8__scalar)
        let u8Kernel = add ? (ops?.qadd_u8 ?? ck_qadd_u8__scalar) : (ops?.qmul_u8 ?? ck_qmul_u8__scalar)
        let suffix = ops.map { String(cString: $0.suffix) } ?? "scalar"
        append(node.name, "\(node.opType)(\(suffix))", [a, b], [y]) { f in
            var c = bc.value, p = qp.value
            if s8 { s8Kernel(&c, &p, f.i8(a), f.i8(b), f.i8(y)) } else { u8Kernel(&c, &p, f.u8(a), f.u8(b), f.u8(y)) }
        }
    }

    mutating func lowerUnary(_ node: Node) throws {
        let x = try value(node.inputs[0], node: node)
        guard values[x].elementType == .float32 else {
            throw RuntimeError(code: .unsupported, message: "\(node.opType) on \(values[x].elementType) (float32 runs)", node: node.name)
        }
        let y = try output(node, channelsLast: values[x].channelsLast)
        let n = values[x].count
        switch node.opType {
        case "Relu":
            append(node.name, "Relu", [x], [y]) { f in ck_relu_f32__scalar(n, f.f32(x), f.f32(y)) }
        case "Clip":
            let lo = try constant(node, 1)?.floats().first ?? -.infinity
            let hi = try constant(node, 2)?.floats().first ?? .infinity
            append(node.name, "Clip", [x], [y]) { f in ck_clip_f32__scalar(n, f.f32(x), lo, hi, f.f32(y)) }
        case "LeakyRelu":
            let alpha = try node.float("alpha", default: 0.01)
            append(node.name, "LeakyRelu", [x], [y]) { f in ck_leaky_relu_f32__scalar(n, f.f32(x), alpha, f.f32(y)) }
        case "Sigmoid":
            append(node.name, "Sigmoid", [x], [y]) { f in ck_sigmoid_f32__scalar(n, f.f32(x), f.f32(y)) }
        case "HardSigmoid":
            let alpha = try node.float("alpha", default: 0.2), beta = try node.float("beta", default: 0.5)
            append(node.name, "HardSigmoid", [x], [y]) { f in ck_hard_sigmoid_f32__scalar(n, f.f32(x), alpha, beta, f.f32(y)) }
        default:
            append(node.name, "HardSwish", [x], [y]) { f in ck_hard_swish_f32__scalar(n, f.f32(x), f.f32(y)) }
        }
    }

    mutating func lowerQSigmoid(_ node: Node) throws {
        let x = try value(node.inputs[0], node: node)
        let y = try output(node, channelsLast: values[x].channelsLast)
        let xs = try constant(node, 1)?.floats().first ?? 1, xz = Int32(try constant(node, 2)?.doubles().first ?? 0)
        let ys = try constant(node, 3)?.floats().first ?? 1, yz = Int32(try constant(node, 4)?.doubles().first ?? 0)
        let n = values[x].count, s8 = values[x].elementType == .int8
        append(node.name, "QLinearSigmoid", [x], [y]) { f in
            if s8 { ck_qsigmoid_s8__scalar(n, f.i8(x), xs, xz, ys, yz, f.i8(y)) } else { ck_qsigmoid_u8__scalar(n, f.u8(x), xs, xz, ys, yz, f.u8(y)) }
        }
    }

    /// Inference BatchNormalization not folded into a convolution: y = x·a[c] + b[c].
    mutating func lowerBatchNorm(_ node: Node) throws {
        let x = try value(node.inputs[0], node: node)
        let y = try output(node, channelsLast: values[x].channelsLast)
        let eps = try node.float("epsilon", default: 1e-5)
        guard let s = try constant(node, 1), let bias = try constant(node, 2), let mean = try constant(node, 3), let v = try constant(node, 4) else {
            throw RuntimeError(code: .invalidModel, message: "BatchNormalization parameters missing", node: node.name)
        }
        let sd = s.doubles(), bd = bias.doubles(), md = mean.doubles(), vd = v.doubles()
        guard values[x].shape.count >= 2, [sd.count, bd.count, md.count, vd.count].allSatisfy({ $0 == values[x].shape[1] }) else {
            throw RuntimeError(code: .invalidModel, message: "BatchNormalization parameters do not match the channels", node: node.name)
        }
        let factor = (0..<sd.count).map { Float(sd[$0] / (vd[$0] + Double(eps)).squareRoot()) }
        let shift = (0..<sd.count).map { Float(bd[$0] - md[$0] * sd[$0] / (vd[$0] + Double(eps)).squareRoot()) }
        let c = values[x].shape[1]
        let perm = values[x].shape.count > 1 ? values[x].logicalStrides[1] : 1
        let n = values[x].count
        let fp = ConstPtr(raw: pool.store(factor)), sp = ConstPtr(raw: pool.store(shift))
        append(node.name, "BatchNormalization", [x], [y]) { f in
            let xp = f.f32(x), yp = f.f32(y), fa = fp.typed(Float.self), sh = sp.typed(Float.self)
            for i in 0..<n {
                let ch = (i / perm) % c
                yp[i] = xp[i] * fa[ch] + sh[ch]
            }
        }
    }

    mutating func lowerSoftmax(_ node: Node) throws {
        let x = try standard(try value(node.inputs[0], node: node))
        let y = try output(node)
        let shape = values[x].shape
        var axis = try node.int("axis", default: -1)
        if axis < 0 { axis += shape.count }
        let cols = shape.isEmpty ? 1 : shape[axis]
        let inner = shape.isEmpty ? 1 : shape[(axis + 1)...].reduce(1, *)
        let outer = values[x].count / max(cols * inner, 1)
        if inner == 1 {
            append(node.name, "Softmax", [x], [y]) { f in ck_softmax_f32__scalar(outer, cols, f.f32(x), f.f32(y)) }
            return
        }
        // Softmax over a middle axis (opset ≥ 13 with axis ≠ -1): strided, in Swift.
        append(node.name, "Softmax(strided)", [x], [y]) { f in
            let xp = f.f32(x), yp = f.f32(y)
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * cols * inner + i
                    var m = -Float.infinity
                    for c in 0..<cols { m = max(m, xp[base + c * inner]) }
                    var sum: Float = 0
                    for c in 0..<cols {
                        let e = expf(xp[base + c * inner] - m)
                        yp[base + c * inner] = e
                        sum += e
                    }
                    for c in 0..<cols { yp[base + c * inner] /= sum }
                }
            }
        }
    }

    /// com.microsoft QLinearLeakyRelu through a 256-entry table, as ONNX Runtime evaluates it.
    mutating func lowerQLeakyRelu(_ node: Node) throws {
        let x = try value(node.inputs[0], node: node)
        let y = try output(node, channelsLast: values[x].channelsLast)
        let alpha = try node.float("alpha", default: 0.01)
        let xs = try constant(node, 1)?.floats().first ?? 1, xz = Int32(try constant(node, 2)?.doubles().first ?? 0)
        let ys = try constant(node, 3)?.floats().first ?? 1, yz = Int32(try constant(node, 4)?.doubles().first ?? 0)
        let s8 = values[x].elementType == .int8
        let (lo, hi): (Float, Float) = s8 ? (-128, 127) : (0, 255)
        var table = [UInt8](repeating: 0, count: 256)
        for raw in 0..<256 {
            let q = s8 ? Int32(Int8(truncatingIfNeeded: raw)) : Int32(raw)
            let v = Float(q - xz) * xs
            let r = v >= 0 ? v : v * alpha
            let out = min(max((r / ys).rounded(.toNearestOrEven) + Float(yz), lo), hi)
            table[raw] = s8 ? UInt8(bitPattern: Int8(out)) : UInt8(out)
        }
        let tp = ConstPtr(raw: pool.store(table))
        let n = values[x].count
        append(node.name, "QLinearLeakyRelu", [x], [y]) { f in
            let src = f.u8(x), dst = f.u8(y), t = tp.typed(UInt8.self)
            for i in 0..<n { dst[i] = t[Int(src[i])] }
        }
    }

    mutating func lowerReduceMean(_ node: Node) throws {
        var current = try standard(try value(node.inputs[0], node: node))
        let shape = values[current].shape
        let noop = try node.int("noop_with_empty_axes", default: 0)
        var axes = try constant(node, 1)?.ints() ?? []
        if axes.isEmpty && noop == 0 { axes = Array(0..<shape.count) }
        axes = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 }).sorted()
        let final = try output(node)
        if axes.isEmpty {
            appendCopy(node, input: current, output: final)
            return
        }
        // One pass per maximal run of adjacent axes, innermost first.
        var runs: [[Int]] = []
        for a in axes {
            if let last = runs.last?.last, last == a - 1 { runs[runs.count - 1].append(a) } else { runs.append([a]) }
        }
        var dims = shape
        for (i, run) in runs.reversed().enumerated() {
            let outer = dims[..<run[0]].reduce(1, *)
            let reduce = run.map { dims[$0] }.reduce(1, *)
            let inner = dims[(run.last! + 1)...].reduce(1, *)
            for a in run { dims[a] = 1 }
            let out = i == runs.count - 1 ? final : newValue(node.outputs[0] + "#r\(i)", .float32, dims)
            let src = current
            append(node.name, "ReduceMean", [src], [out]) { f in ck_reduce_mean_f32__scalar(outer, reduce, inner, f.f32(src), f.f32(out)) }
            current = out
        }
    }
}
