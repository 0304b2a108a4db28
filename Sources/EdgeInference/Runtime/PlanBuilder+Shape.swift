import CKernels

/// Data movement in ONNX layout: Reshape and friends (copies), Transpose, Concat, Split, Pad, Cast.
extension PlanBuilder {
    mutating func lowerReshape(_ node: Node) throws {
        let x = try standard(try value(node.inputs[0], node: node))
        let y = try output(node)
        appendCopy(node, input: x, output: y)
    }

    mutating func lowerTranspose(_ node: Node) throws {
        let x = try standard(try value(node.inputs[0], node: node))
        let y = try output(node)
        let rank = values[x].shape.count
        let perm = try node.ints("perm") ?? Array((0..<rank).reversed())
        try appendTranspose(node.name, "Transpose", input: x, output: y, physicalShape: values[x].shape, perm: perm)
    }

    /// Concat; when every input is stored channels-last, it concatenates in that layout (axis
    /// mapped to the stored order) so a CNN's skip connections need no transposes.
    mutating func lowerConcat(_ node: Node) throws {
        let given = try node.inputs.filter { !$0.isEmpty }.map { try value($0, node: node) }
        let t = try type(of: node.outputs[0], node: node)
        var axis = try node.int("axis", default: 0)
        if axis < 0 { axis += t.shape.count }
        let last = (t.shape.count == 3 || t.shape.count == 4) && given.allSatisfy { values[$0].channelsLast }
        let inputs = last ? given : try given.map { try standard($0) }
        let y = newValue(node.outputs[0], t.elementType, t.shape, channelsLast: last)
        try appendConcat(node, inputs: inputs, output: y, axis: axis, tables: nil)
    }

    /// Byte-wise concatenation along logical `axis` in the inputs' common layout, optionally
    /// mapping each input's bytes through a 256-entry table (QLinearConcat requantization).
    mutating func appendConcat(_ node: Node, inputs: [Int], output y: Int, axis: Int, tables: [ConstPtr?]?) throws {
        let last = values[y].channelsLast
        let rank = values[y].shape.count
        guard axis >= 0, axis < rank else {
            throw RuntimeError(code: .invalidModel, message: "Concat axis \(axis) for rank \(rank)", node: node.name)
        }
        let physicalAxis = !last ? axis : (axis == 0 ? 0 : (axis == 1 ? rank - 1 : axis - 1))
        let shape = values[y].physicalShape
        let width = values[y].elementType.byteWidth
        let outer = shape[..<physicalAxis].reduce(1, *)
        let inner = shape[(physicalAxis + 1)...].reduce(1, *) * width
        let chunks = inputs.map { values[$0].physicalShape[physicalAxis] * inner }
        let total = shape[physicalAxis] * inner
        let maps = tables ?? inputs.map { _ in nil }
        append(node.name, node.opType + (last ? "(NHWC)" : ""), inputs, [y]) { f in
            var start = 0
            for (i, id) in inputs.enumerated() {
                let src = f.u8(id), dst = f.u8(y), n = chunks[i]
                for o in 0..<outer {
                    if let t = maps[i]?.typed(UInt8.self) {
                        for j in 0..<n { dst[o * total + start + j] = t[Int(src[o * n + j])] }
                    } else {
                        (dst + o * total + start).update(from: src + o * n, count: n)
                    }
                }
                start += n
            }
        }
    }

    /// com.microsoft QLinearConcat (Y_scale, Y_zero_point, then X, X_scale, X_zero_point per input):
    /// inputs whose quantization differs from the output's are requantized through a table.
    mutating func lowerQConcat(_ node: Node) throws {
        let ys = try constant(node, 0)?.floats().first ?? 1, yz = Int32(try constant(node, 1)?.doubles().first ?? 0)
        let t = try type(of: node.outputs[0], node: node)
        var axis = try node.int("axis", default: 0)
        if axis < 0 { axis += t.shape.count }
        let s8 = t.elementType == .int8
        let (lo, hi): (Float, Float) = s8 ? (-128, 127) : (0, 255)
        guard node.inputs.count >= 5, (node.inputs.count - 2) % 3 == 0 else {
            throw RuntimeError(code: .invalidModel, message: "QLinearConcat takes Y_scale, Y_zero_point and triples (X, scale, zero point)", node: node.name)
        }
        var inputs: [Int] = [], tables: [ConstPtr?] = []
        for i in stride(from: 2, to: node.inputs.count, by: 3) {
            inputs.append(try value(node.inputs[i], node: node))
            let xs = try constant(node, i + 1)?.floats().first ?? 1, xz = Int32(try constant(node, i + 2)?.doubles().first ?? 0)
            if xs == ys && xz == yz { tables.append(nil); continue }
            var table = [UInt8](repeating: 0, count: 256)
            for raw in 0..<256 {
                let q = s8 ? Int32(Int8(truncatingIfNeeded: raw)) : Int32(raw)
                let v = min(max((Float(q - xz) * xs / ys).rounded(.toNearestOrEven) + Float(yz), lo), hi)
                table[raw] = s8 ? UInt8(bitPattern: Int8(v)) : UInt8(v)
            }
            tables.append(ConstPtr(raw: pool.store(table)))
        }
        guard Self.eightBit.contains(t.elementType), inputs.allSatisfy({ values[$0].elementType == t.elementType }) else {
            throw RuntimeError(code: .unsupported, message: "QLinearConcat inputs and output must share one 8-bit type", node: node.name)
        }
        let last = (t.shape.count == 3 || t.shape.count == 4) && inputs.allSatisfy { values[$0].channelsLast }
        if !last { inputs = try inputs.map { try standard($0) } }
        let y = newValue(node.outputs[0], t.elementType, t.shape, channelsLast: last)
        try appendConcat(node, inputs: inputs, output: y, axis: axis, tables: tables)
    }

    mutating func lowerSplit(_ node: Node) throws {
        let x = try standard(try value(node.inputs[0], node: node))
        let shape = values[x].shape
        var axis = try node.int("axis", default: 0)
        if axis < 0 { axis += shape.count }
        let outs = try (0..<node.outputs.count).map { try output(node, $0) }
        let width = values[x].elementType.byteWidth
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *) * width
        let total = shape[axis] * inner
        let chunks = outs.map { values[$0].shape[axis] * inner }
        append(node.name, "Split", [x], outs) { f in
            var start = 0
            for (i, id) in outs.enumerated() {
                let n = chunks[i]
                for o in 0..<outer { (f[id] + o * n).copyMemory(from: f[x] + o * total + start, byteCount: n) }
                start += n
            }
        }
    }

    mutating func lowerPad(_ node: Node) throws {
        let x = try standard(try value(node.inputs[0], node: node))
        let y = try output(node)
        let shape = values[x].shape, rank = shape.count
        let raw = try constant(node, 1)?.ints() ?? []
        var axes = try constant(node, 3)?.ints() ?? Array(0..<rank)
        axes = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard rank >= 1, rank <= 8, raw.count == 2 * axes.count, axes.allSatisfy({ $0 >= 0 && $0 < rank }) else {
            throw RuntimeError(code: .invalidModel, message: "Pad: \(raw.count) pads for \(axes.count) axes of a rank-\(rank) tensor", node: node.name)
        }
        var begin = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { begin[a] = raw[i] }
        let mode = try node.string("mode", default: "constant")
        var p = ck_pad_params()
        p.rank = rank
        p.mode = mode == "reflect" ? CK_PAD_REFLECT : (mode == "edge" ? CK_PAD_EDGE : CK_PAD_CONSTANT)
        let ys = values[y].shape
        withUnsafeMutableBytes(of: &p.in_shape) { b in for i in 0..<rank { b.storeBytes(of: shape[i], toByteOffset: i * 8, as: Int.self) } }
        withUnsafeMutableBytes(of: &p.out_shape) { b in for i in 0..<rank { b.storeBytes(of: ys[i], toByteOffset: i * 8, as: Int.self) } }
        withUnsafeMutableBytes(of: &p.pad_begin) { b in for i in 0..<rank { b.storeBytes(of: begin[i], toByteOffset: i * 8, as: Int.self) } }
        try check(ck_pad_check(&p), node.name)
        let fill = try constant(node, 2)
        let width = values[x].elementType.byteWidth
        let params = Captured(p)
        if width == 4 {
            let v: UInt32 = fill.flatMap { t in t.elementType == .float32 ? t.values(as: Float.self).first?.bitPattern : t.doubles().first.map { UInt32(bitPattern: Int32(clamping: Int64($0))) } } ?? 0
            append(node.name, "Pad", [x], [y]) { f in
                var p = params.value
                ck_pad_x32__scalar(&p, f[x].assumingMemoryBound(to: UInt32.self), v, f[y].assumingMemoryBound(to: UInt32.self))
            }
        } else if width == 1 {
            let v = fill.flatMap { $0.doubles().first.map { UInt8(truncatingIfNeeded: Int64($0)) } } ?? 0
            append(node.name, "Pad", [x], [y]) { f in
                var p = params.value
                ck_pad_x8__scalar(&p, f.u8(x), v, f.u8(y))
            }
        } else {
            throw RuntimeError(code: .unsupported, message: "Pad on \(values[x].elementType)", node: node.name)
        }
    }

    mutating func lowerCast(_ node: Node) throws {
        let x = try value(node.inputs[0], node: node)
        let y = try output(node, channelsLast: values[x].channelsLast)
        let from = values[x].elementType, to = values[y].elementType, n = values[x].count
        @Sendable func load(_ p: UnsafeMutableRawPointer, _ i: Int) -> Double {
            switch from {
            case .float32: Double(p.assumingMemoryBound(to: Float.self)[i])
            case .int32: Double(p.assumingMemoryBound(to: Int32.self)[i])
            case .int64: Double(p.assumingMemoryBound(to: Int64.self)[i])
            case .int8: Double(p.assumingMemoryBound(to: Int8.self)[i])
            default: Double(p.assumingMemoryBound(to: UInt8.self)[i])
            }
        }
        let supported: Set<ElementType> = [.float32, .int32, .int64, .int8, .uint8]
        guard supported.contains(from), supported.contains(to) else {
            throw RuntimeError(code: .unsupported, message: "Cast from \(from) to \(to)", node: node.name)
        }
        append(node.name, "Cast", [x], [y]) { f in
            let src = f[x], dst = f[y]
            for i in 0..<n {
                let v = min(max(load(src, i), -9.0e18), 9.0e18)
                switch to {
                case .float32: dst.assumingMemoryBound(to: Float.self)[i] = Float(v)
                case .int32: dst.assumingMemoryBound(to: Int32.self)[i] = v.isFinite ? Int32(truncatingIfNeeded: Int64(v.rounded(.towardZero))) : 0
                case .int64: dst.assumingMemoryBound(to: Int64.self)[i] = v.isFinite ? Int64(v.rounded(.towardZero)) : 0
                case .int8: dst.assumingMemoryBound(to: Int8.self)[i] = v.isFinite ? Int8(truncatingIfNeeded: Int64(v.rounded(.towardZero))) : 0
                default: dst.assumingMemoryBound(to: UInt8.self)[i] = v.isFinite ? UInt8(truncatingIfNeeded: Int64(v.rounded(.towardZero))) : 0
                }
            }
        }
    }
}
