import CKernels

/// Convolutions (float, 8-bit, integer), with Relu/Clip fused into the kernel's clamp.
extension PlanBuilder {
    /// 2-D geometry of a 1-D or 2-D convolution-like node over `x` (logical N,C,spatial…).
    func convGeometry(_ node: Node, x: [Int], y: [Int], kernel: [Int], groups: Int) throws -> ck_conv2d_geometry {
        let spatial = x.count - 2
        guard spatial == 1 || spatial == 2 else {
            throw RuntimeError(code: .unsupported, message: "\(node.opType) with \(spatial) spatial dimensions (1-D and 2-D run)", node: node.name)
        }
        let strides = try node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dilations = try node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        try checkSpatialAttributes(node, spatial: spatial, kernel: kernel, strides: strides, dilations: dilations)
        let begin = try padsBegin(node, x: Array(x.dropFirst(2)), y: Array(y.dropFirst(2)), kernel: kernel, strides: strides, dilations: dilations)
        func two(_ a: [Int]) -> (Int, Int) { spatial == 1 ? (1, a[0]) : (a[0], a[1]) }
        let (ih, iw) = two(Array(x.dropFirst(2)))
        let (oh, ow) = two(Array(y.dropFirst(2)))
        let (kh, kw) = two(kernel)
        let (sh, sw) = spatial == 1 ? (1, strides[0]) : (strides[0], strides[1])
        let (dh, dw) = spatial == 1 ? (1, dilations[0]) : (dilations[0], dilations[1])
        let (pt, pl) = spatial == 1 ? (0, begin[0]) : (begin[0], begin[1])
        return ck_conv2d_geometry(
            batch: x[0], in_h: ih, in_w: iw, in_c: x[1], out_h: oh, out_w: ow, out_c: y[1],
            kernel_h: kh, kernel_w: kw, stride_h: sh, stride_w: sw, dilation_h: dh, dilation_w: dw,
            pad_top: pt, pad_left: pl, groups: groups)
    }

    /// Attribute lists must have one entry per spatial axis (two for pads) before they are indexed.
    func checkSpatialAttributes(_ node: Node, spatial: Int, kernel: [Int], strides: [Int], dilations: [Int]) throws {
        let pads = try node.ints("pads")
        guard kernel.count == spatial, strides.count == spatial, dilations.count == spatial,
            pads.map({ $0.count == 2 * spatial }) ?? true,
            (kernel + strides + dilations + (pads ?? [])).allSatisfy({ $0 >= 0 })
        else {
            throw RuntimeError(code: .invalidModel, message: "\(node.opType): kernel, strides, dilations and pads must match \(spatial) spatial axes", node: node.name)
        }
    }

    /// Leading pads per spatial axis, from `pads` or `auto_pad`.
    func padsBegin(_ node: Node, x: [Int], y: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> [Int] {
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        switch autoPad {
        case "SAME_UPPER", "SAME_LOWER":
            return (0..<x.count).map { i in
                let total = max(0, (y[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - x[i])
                return autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
            }
        case "VALID":
            return Array(repeating: 0, count: x.count)
        default:
            let pads = try node.ints("pads") ?? Array(repeating: 0, count: 2 * x.count)
            return Array(pads.prefix(x.count))
        }
    }

    /// When the only consumer of `node`'s output is a Relu or a Clip with constant bounds, the
    /// clamp it implies and that consumer (which is then skipped).
    func fusableActivation(of node: Node) -> (clamp: ck_clamp_f32, consumer: Node)? {
        let out = node.outputs[0]
        let consumers = model.graph.nodes.filter { $0.inputs.contains(out) }
        guard consumers.count == 1, !model.graph.outputs.contains(where: { $0.name == out }) else { return nil }
        let c = consumers[0]
        guard c.domain.isEmpty else { return nil }
        switch c.opType {
        case "Relu": return (ck_clamp_f32(min: 0, max: .infinity), c)
        case "Clip":
            guard let lo = try? constant(c, 1)?.floats().first ?? -.infinity,
                  let hi = try? constant(c, 2)?.floats().first ?? .infinity
            else { return nil }
            return (ck_clamp_f32(min: lo, max: hi), c)
        default: return nil
        }
    }

    mutating func lowerConv(_ node: Node) throws {
        let x = try channelsLast(try value(node.inputs[0], node: node))
        guard let w = try constant(node, 1), w.elementType == .float32 else {
            throw RuntimeError(code: .unsupported, message: "Conv weights must be float32", node: node.name)
        }
        let groups = try node.int("group", default: 1)
        var outNode = node
        var clamp = ck_clamp_f32(min: -.infinity, max: .infinity)
        if let fused = fusableActivation(of: node) {
            clamp = fused.clamp
            outNode = fused.consumer
            skipped.insert(fused.consumer.name)
            log.append("activation fusion: \(node.name) + \(fused.consumer.opType)")
        }
        let yShape = try type(of: node.outputs[0], node: node).shape
        let y = newValue(outNode.outputs[0], .float32, yShape, channelsLast: true)
        var g = try convGeometry(node, x: values[x].shape, y: yShape, kernel: Array(w.shape.dropFirst(2)), groups: groups)
        let oc = g.out_c, icg = g.in_c / groups, kh = g.kernel_h, kw = g.kernel_w
        let wv = w.values(as: Float.self)
        let bias = try constant(node, 2)?.values(as: Float.self) ?? [Float](repeating: 0, count: oc)
        let depthwise = groups == g.in_c && groups > 1 && icg == 1
        try check(depthwise ? ck_dwconv2d_check(&g, 0) : ck_conv2d_check(&g, 0), node.name)
        guard wv.count == oc * icg * kh * kw, bias.count == oc else {
            throw RuntimeError(code: .invalidModel, message: "Conv weights/bias do not match the geometry", node: node.name)
        }
        var packed = [Float](repeating: 0, count: wv.count)
        for o in 0..<oc {
            for i in 0..<icg {
                for r in 0..<kh {
                    for s in 0..<kw {
                        let src = ((o * icg + i) * kh + r) * kw + s
                        if depthwise {
                            packed[(r * kw + s) * oc + o] = wv[src]
                        } else {
                            packed[((o * kh + r) * kw + s) * icg + i] = wv[src]
                        }
                    }
                }
            }
        }
        if lowerFastConv(node, g: g, depthwise: depthwise, weights: packed, bias: bias, clamp: clamp, x: x, y: y) {
            return
        }
        let wp = ConstPtr(raw: pool.store(packed)), bp = ConstPtr(raw: pool.store(bias))
        let geometry = Captured(g), fusedClamp = clamp
        if depthwise {
            append(node.name, "Conv(depthwise)", [x], [y]) { f in
                var g = geometry.value
                ck_dwconv2d_f32__scalar(&g, f.f32(x), wp.typed(Float.self), bp.typed(Float.self), fusedClamp, f.f32(y))
            }
        } else {
            append(node.name, "Conv", [x], [y]) { f in
                var g = geometry.value
                ck_conv2d_f32__scalar(&g, f.f32(x), wp.typed(Float.self), bp.typed(Float.self), fusedClamp, f.f32(y))
            }
        }
    }

    mutating func lowerConvTranspose(_ node: Node) throws {
        let x = try channelsLast(try value(node.inputs[0], node: node))
        guard let w = try constant(node, 1), w.elementType == .float32 else {
            throw RuntimeError(code: .unsupported, message: "ConvTranspose weights must be float32", node: node.name)
        }
        let groups = try node.int("group", default: 1)
        let y = try output(node, channelsLast: true)
        let xs = values[x].shape, ys = values[y].shape
        let spatial = xs.count - 2
        let kernel = Array(w.shape.dropFirst(2))
        let strides = try node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dilations = try node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        let outPad = try node.ints("output_padding") ?? Array(repeating: 0, count: spatial)
        guard spatial == 1 || spatial == 2, outPad.count == spatial else {
            throw RuntimeError(code: .unsupported, message: "ConvTranspose over \(spatial) spatial axes with \(outPad.count) output_padding values (1-D and 2-D run)", node: node.name)
        }
        try checkSpatialAttributes(node, spatial: spatial, kernel: kernel, strides: strides, dilations: dilations)
        var begin: [Int] = []
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        for i in 0..<spatial {
            let total = strides[i] * (xs[2 + i] - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1 - ys[2 + i]
            if let pads = try node.ints("pads"), try node.ints("output_shape") == nil, autoPad == "NOTSET" {
                begin.append(pads[i])
            } else if autoPad == "SAME_UPPER" {
                begin.append(total / 2)
            } else {
                begin.append(total - total / 2)
            }
        }
        let (ih, iw) = spatial == 1 ? (1, xs[2]) : (xs[2], xs[3])
        let (oh, ow) = spatial == 1 ? (1, ys[2]) : (ys[2], ys[3])
        let (kh, kw) = spatial == 1 ? (1, kernel[0]) : (kernel[0], kernel[1])
        let st = spatial == 1 ? (1, strides[0]) : (strides[0], strides[1])
        let dl = spatial == 1 ? (1, dilations[0]) : (dilations[0], dilations[1])
        let pd = spatial == 1 ? (0, begin[0]) : (begin[0], begin[1])
        var g = ck_conv2d_geometry(
            batch: xs[0], in_h: ih, in_w: iw, in_c: xs[1], out_h: oh, out_w: ow, out_c: ys[1],
            kernel_h: kh, kernel_w: kw, stride_h: st.0, stride_w: st.1, dilation_h: dl.0, dilation_w: dl.1,
            pad_top: pd.0, pad_left: pd.1, groups: groups)
        try check(ck_conv2d_check(&g, 0), node.name)
        guard begin.allSatisfy({ $0 >= 0 }) else {
            throw RuntimeError(code: .unsupported, message: "ConvTranspose with negative padding", node: node.name)
        }
        // ONNX W [C_in][C_out/g][k…] → [oc][kh][kw][ic/g]
        let cin = xs[1], coutg = ys[1] / groups, cing = cin / groups
        let wv = w.values(as: Float.self)
        guard wv.count == cin * coutg * kh * kw else {
            throw RuntimeError(code: .invalidModel, message: "ConvTranspose weights do not match the geometry", node: node.name)
        }
        var packed = [Float](repeating: 0, count: wv.count)
        for i in 0..<cin {
            for j in 0..<coutg {
                let oc = (i / cing) * coutg + j
                for r in 0..<kh {
                    for s in 0..<kw {
                        packed[((oc * kh + r) * kw + s) * cing + i % cing] = wv[((i * coutg + j) * kh + r) * kw + s]
                    }
                }
            }
        }
        let bias = try constant(node, 2)?.values(as: Float.self) ?? [Float](repeating: 0, count: ys[1])
        guard bias.count == ys[1] else {
            throw RuntimeError(code: .invalidModel, message: "ConvTranspose bias has \(bias.count) entries for \(ys[1]) channels", node: node.name)
        }
        let bp = ConstPtr(raw: pool.store(bias))
        let geometry = Captured(g)
        // Groups 1 (the decoders of autoencoders): a packed GEMM to per-tap columns on the
        // ISA's float microkernels, then a gather; 10-20x the scalar loop below.
        if groups == 1, let config = ck_gemm_f32_config_for(ck_isa_selected()) {
            let packedGemm = pool.allocate(bytes: ck_deconv2d_f32_packed_size(&g) * 4)
            var reordering = [Float](repeating: 0, count: packed.count)
            ck_deconv2d_f32_pack(&g, packed, packedGemm.assumingMemoryBound(to: Float.self), &reordering)
            let wg = ConstPtr(raw: packedGemm), cfg = Captured(config)
            let col = newValue(node.outputs[0] + "#col", .float32, [ck_deconv2d_f32_col_size(&g)])
            append(node.name, "ConvTranspose(gemm, \(String(cString: config.pointee.name)))", [x], [y, col]) { f in
                var g = geometry.value
                ck_deconv2d_f32_gemm(
                    f.pool, cfg.value, &g, f.f32(x), wg.typed(Float.self), f.f32(col), bp.typed(Float.self),
                    ck_clamp_f32(min: -.infinity, max: .infinity), f.f32(y))
            }
            return
        }
        let wp = ConstPtr(raw: pool.store(packed))
        append(node.name, "ConvTranspose", [x], [y]) { f in
            var g = geometry.value
            ck_deconv2d_f32__scalar(&g, f.f32(x), wp.typed(Float.self), bp.typed(Float.self), ck_clamp_f32(min: -.infinity, max: .infinity), f.f32(y))
        }
    }
}
