import CKernels

/// QLinearConv and ConvInteger on the 8-bit reference kernels (unless a fast path takes them).
extension PlanBuilder {
    static func qtype(_ t: ElementType) -> ck_qtype { t == .int8 ? CK_QTYPE_S8 : CK_QTYPE_U8 }

    /// A per-tensor or per-channel parameter as a pool array of `count` entries.
    mutating func channelArray(_ t: Tensor?, count: Int, default value: Float) -> (ConstPtr, Int) {
        guard let t else { return (ConstPtr(raw: pool.store([value])), 0) }
        let v = t.floats()
        return (ConstPtr(raw: pool.store(v)), v.count == 1 ? 0 : 1)
    }

    mutating func zeroPointArray(_ t: Tensor?) -> (ConstPtr, Int) {
        guard let t else { return (ConstPtr(raw: pool.store([Int32(0)])), 0) }
        let v = t.doubles().map { Int32($0) }
        return (ConstPtr(raw: pool.store(v)), v.count == 1 ? 0 : 1)
    }

    /// Reads a per-tensor zero point (uint8/int8) at run time; nil id means 0.
    static func zeroPoint(_ f: Frame, _ id: Int?, _ type: ElementType) -> Int32 {
        guard let id else { return 0 }
        return type == .int8 ? Int32(f.i8(id).pointee) : Int32(f.u8(id).pointee)
    }

    mutating func lowerQConv(_ node: Node) throws {
        let integer = node.opType == "ConvInteger"
        let x = try channelsLast(try value(node.inputs[0], node: node))
        let wIndex = integer ? 1 : 3
        guard let w = try constant(node, wIndex) else {
            throw RuntimeError(code: .invalidModel, message: "missing weights", node: node.name)
        }
        let groups = try node.int("group", default: 1)
        let y = try output(node, channelsLast: true)
        var g = try convGeometry(node, x: values[x].shape, y: values[y].shape, kernel: Array(w.shape.dropFirst(2)), groups: groups)
        let oc = g.out_c, icg = g.in_c / groups, kh = g.kernel_h, kw = g.kernel_w
        let xType = values[x].elementType, wType = w.elementType
        let yType = values[y].elementType
        let depthwise = !integer && groups == g.in_c && groups > 1 && icg == 1
        try check(depthwise ? ck_dwconv2d_check(&g, 1) : ck_conv2d_check(&g, 1), node.name)
        let wb = w.values(as: UInt8.self)
        guard wb.count == oc * icg * kh * kw, w.elementType.byteWidth == 1 else {
            throw RuntimeError(code: .invalidModel, message: "\(node.opType) weights do not match the geometry", node: node.name)
        }
        var packed = [UInt8](repeating: 0, count: wb.count)
        for o in 0..<oc {
            for i in 0..<icg {
                for r in 0..<kh {
                    for s in 0..<kw {
                        let src = ((o * icg + i) * kh + r) * kw + s
                        if depthwise { packed[(r * kw + s) * oc + o] = wb[src] } else { packed[((o * kh + r) * kw + s) * icg + i] = wb[src] }
                    }
                }
            }
        }
        let bias = try (integer ? nil : constant(node, 8))?.values(as: Int32.self) ?? [Int32](repeating: 0, count: oc)
        guard bias.count == oc else {
            throw RuntimeError(code: .invalidModel, message: "\(node.opType) bias has \(bias.count) entries for \(oc) channels", node: node.name)
        }
        let bp = ConstPtr(raw: pool.store(bias))
        let wScale = try integer ? channelArray(nil, count: oc, default: 1) : channelArray(constant(node, 4), count: oc, default: 1)
        let wZero = try zeroPointArray(constant(node, integer ? 3 : 5))
        let wScaleCount = integer ? 1 : try constant(node, 4)?.count ?? 1
        try checkCount(wScaleCount, channels: oc, "w_scale", node)
        try checkCount(try constant(node, integer ? 3 : 5)?.count ?? 1, channels: oc, "w_zero_point", node)
        var params = ck_qconv_params()
        params.x_type = Self.qtype(xType)
        params.w_type = Self.qtype(wType)
        params.w = ck_qparams_axis(scale: wScale.0.typed(Float.self), zero_point: wZero.0.typed(Int32.self), scale_stride: wScale.1, zero_point_stride: wZero.1)
        params.clamp = ck_clamp_q(min: Int32.min, max: Int32.max)
        if !integer {
            params.x_scale = try constant(node, 1)?.floats().first ?? 1
            params.x_zero_point = Int32(try constant(node, 2)?.doubles().first ?? 0)
            params.y_scale = try constant(node, 6)?.floats().first ?? 1
            params.y_zero_point = Int32(try constant(node, 7)?.doubles().first ?? 0)
        }
        let xZeroID = integer ? try node.input(2).map { try value($0, node: node) } : nil
        // A computed weight zero point (constant() throws) keeps the reference kernel.
        let wZeroConstant: [Int32]? = node.input(3) == nil ? [0] : (try? constant(node, 3))?.doubles().map { Int32($0) }
        if integer, let wZeroConstant,
            lowerExactConvInteger(node, g: g, weights: wb, wType: wType, wZero: wZeroConstant, x: x, xZero: xZeroID, y: y)
        {
            return
        }
        if !integer, !depthwise, let wT = try constant(node, 5), let sT = try constant(node, 4),
            lowerPackedQConv(node, g: g, params: params, weights: packed, bias: bias, wScale: sT.floats(),
                             wZero: wT.doubles().map { Int32($0) }, x: x, y: y)
        {
            return
        }
        if !integer, depthwise, let wT = try constant(node, 5), let sT = try constant(node, 4),
            lowerDepthwiseQConv(node, g: g, params: params, weights: packed, bias: bias, wScale: sT.floats(),
                                wZero: wT.doubles().map { Int32($0) }, x: x, y: y)
        {
            return
        }
        // Reordered weights are stored only for the reference path (the packed path packs its own).
        let wp = ConstPtr(raw: pool.store(packed))
        let geometry = Captured(g), q = Captured(params)
        let inputs = [x] + (xZeroID.map { [$0] } ?? [])
        switch (integer, yType, depthwise) {
        case (true, _, _):
            append(node.name, "ConvInteger", inputs, [y]) { f in
                var g = geometry.value, p = q.value
                p.x_zero_point = Self.zeroPoint(f, xZeroID, xType)
                ck_conv2d_qs32__scalar(&g, &p, f[x], wp.raw, bp.typed(Int32.self), f.i32(y))
            }
        case (false, .int8, false):
            append(node.name, "QLinearConv", inputs, [y]) { f in
                var g = geometry.value, p = q.value
                ck_conv2d_qs8__scalar(&g, &p, f[x], wp.raw, bp.typed(Int32.self), f.i8(y))
            }
        case (false, .int8, true):
            append(node.name, "QLinearConv(depthwise)", inputs, [y]) { f in
                var g = geometry.value, p = q.value
                ck_dwconv2d_qs8__scalar(&g, &p, f[x], wp.raw, bp.typed(Int32.self), f.i8(y))
            }
        case (false, _, false):
            append(node.name, "QLinearConv", inputs, [y]) { f in
                var g = geometry.value, p = q.value
                ck_conv2d_qu8__scalar(&g, &p, f[x], wp.raw, bp.typed(Int32.self), f.u8(y))
            }
        case (false, _, true):
            append(node.name, "QLinearConv(depthwise)", inputs, [y]) { f in
                var g = geometry.value, p = q.value
                ck_dwconv2d_qu8__scalar(&g, &p, f[x], wp.raw, bp.typed(Int32.self), f.u8(y))
            }
        }
    }
}
