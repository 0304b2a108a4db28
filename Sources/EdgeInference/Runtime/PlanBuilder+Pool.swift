import CKernels

/// Pooling, channels-last.
extension PlanBuilder {
    mutating func lowerPool(_ node: Node) throws {
        let q = node.opType == "QLinearAveragePool"
        let x = try channelsLast(try value(node.inputs[0], node: node))
        let y = try output(node, channelsLast: true)
        let xs = values[x].shape, ys = values[y].shape
        let spatial = xs.count - 2
        guard spatial == 1 || spatial == 2, let kernel = try node.ints("kernel_shape") else {
            throw RuntimeError(code: .unsupported, message: "\(node.opType) needs kernel_shape over 1 or 2 spatial axes", node: node.name)
        }
        let strides = try node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dilations = try node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        try checkSpatialAttributes(node, spatial: spatial, kernel: kernel, strides: strides, dilations: dilations)
        let begin = try padsBegin(node, x: Array(xs.dropFirst(2)), y: Array(ys.dropFirst(2)), kernel: kernel, strides: strides, dilations: dilations)
        var end = try node.ints("pads").map { Array($0.suffix(spatial)) } ?? Array(repeating: 0, count: spatial)
        if try node.string("auto_pad", default: "NOTSET") != "NOTSET" {
            end = (0..<spatial).map { i in max(0, (ys[2 + i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - xs[2 + i]) - begin[i] }
        }
        let one = spatial == 1
        var g = ck_pool2d_geometry(
            batch: xs[0], in_h: one ? 1 : xs[2], in_w: one ? xs[2] : xs[3], channels: xs[1],
            out_h: one ? 1 : ys[2], out_w: one ? ys[2] : ys[3],
            kernel_h: one ? 1 : kernel[0], kernel_w: one ? kernel[0] : kernel[1],
            stride_h: one ? 1 : strides[0], stride_w: one ? strides[0] : strides[1],
            dilation_h: one ? 1 : dilations[0], dilation_w: one ? dilations[0] : dilations[1],
            pad_top: one ? 0 : begin[0], pad_left: one ? begin[0] : begin[1],
            pad_bottom: one ? 0 : end[0], pad_right: one ? end[0] : end[1])
        if let message = ck_pool2d_check(&g) {
            throw RuntimeError(code: .invalidModel, message: String(cString: message), node: node.name)
        }
        let geometry = Captured(g)
        let include = Int32(try node.int("count_include_pad", default: 0))
        let type = values[x].elementType
        if node.opType == "MaxPool" {
            guard node.outputs.count < 2 || node.outputs[1].isEmpty else {
                throw RuntimeError(code: .unsupported, message: "MaxPool Indices output", node: node.name)
            }
            // int8 and float on the selected ISA's SIMD table (bit-exact); uint8 on the reference.
            let ops = ck_simd_ops_for(ck_isa_selected())?.pointee
            let s8 = ops?.maxpool2d_s8 ?? ck_maxpool2d_s8__scalar, f32 = ops?.maxpool2d_f32 ?? ck_maxpool2d_f32__scalar
            if type == .uint8, let ops {
                // x ^ 0x80 maps uint8 onto int8 in order, so the int8 max of the shifted values,
                // shifted back, is the uint8 max: same result, SIMD kernel (12-23 % of a uint8 ResNet).
                let inCount = values[x].count, outCount = values[y].count
                let copy = newValue(node.outputs[0] + "#shifted", .int8, [inCount])
                append(node.name, "MaxPool(u8, \(String(cString: ops.suffix)))", [x], [y, copy]) { f in
                    var g = geometry.value
                    let src = f.u8(x), dst = f.u8(copy)
                    for i in 0..<inCount { dst[i] = src[i] ^ 0x80 }
                    s8(&g, f.i8(copy), f.i8(y))
                    let out = f.u8(y)
                    for i in 0..<outCount { out[i] ^= 0x80 }
                }
                return
            }
            let suffix = type == .uint8 ? "scalar" : ops.map { String(cString: $0.suffix) } ?? "scalar"
            append(node.name, "MaxPool(\(suffix))", [x], [y]) { f in
                var g = geometry.value
                switch type {
                case .int8: s8(&g, f.i8(x), f.i8(y))
                case .uint8: ck_maxpool2d_u8__scalar(&g, f.u8(x), f.u8(y))
                default: f32(&g, f.f32(x), f.f32(y))
                }
            }
        } else if !q {
            // Separable: row sums once per input row, then column sums (2k instead of k² adds).
            var g = geometry.value
            let rows = newValue(node.outputs[0] + "#rows", .float32, [max(ck_avgpool2d_f32_rows_scratch_size(&g), 1)])
            append(node.name, "AveragePool(separable)", [x], [y, rows]) { f in
                var g = geometry.value
                ck_avgpool2d_f32_rows(&g, include, f.f32(x), f.f32(rows), f.f32(y))
            }
        } else {
            let xsc = try constant(node, 1)?.floats().first ?? 1, xz = Int32(try constant(node, 2)?.doubles().first ?? 0)
            let ysc = try constant(node, 3)?.floats().first ?? 1, yz = Int32(try constant(node, 4)?.doubles().first ?? 0)
            let avgS8 = ck_simd_ops_for(ck_isa_selected())?.pointee.avgpool2d_qs8 ?? ck_avgpool2d_qs8__scalar
            append(node.name, "QLinearAveragePool", [x], [y]) { f in
                var g = geometry.value
                if type == .int8 {
                    avgS8(&g, include, xsc, xz, ysc, yz, f.i8(x), f.i8(y))
                } else {
                    ck_avgpool2d_qu8__scalar(&g, include, xsc, xz, ysc, yz, f.u8(x), f.u8(y))
                }
            }
        }
    }

    mutating func lowerGlobalPool(_ node: Node) throws {
        let q = node.opType == "QLinearGlobalAveragePool"
        // The contrib op's input may already be NHWC (channels_last = 1): then it is stored as given.
        let declaredLast = q ? try node.int("channels_last", default: 0) != 0 : false
        let given = try value(node.inputs[0], node: node)
        let x = declaredLast ? given : try channelsLast(given)
        let y = try output(node, channelsLast: !declaredLast)
        let shape = values[x].shape
        let batch = shape[0]
        let channels = declaredLast ? shape[shape.count - 1] : shape[1]
        let pixels = values[x].count / max(batch * channels, 1)
        let type = values[x].elementType
        // Bit-exact SIMD forms from the selected ISA's table (same summation order as the references).
        let ops = ck_simd_ops_for(ck_isa_selected())?.pointee
        let gapF32 = ops?.global_avgpool_f32 ?? ck_global_avgpool_f32__scalar
        let gapS8 = ops?.global_avgpool_qs8 ?? ck_global_avgpool_qs8__scalar
        if !q {
            append(node.name, "GlobalAveragePool", [x], [y]) { f in
                gapF32(batch, pixels, channels, f.f32(x), f.f32(y))
            }
            return
        }
        let xsc = try constant(node, 1)?.floats().first ?? 1, xz = Int32(try constant(node, 2)?.doubles().first ?? 0)
        let ysc = try constant(node, 3)?.floats().first ?? 1, yz = Int32(try constant(node, 4)?.doubles().first ?? 0)
        append(node.name, "QLinearGlobalAveragePool", [x], [y]) { f in
            if type == .int8 {
                gapS8(batch, pixels, channels, xsc, xz, ysc, yz, f.i8(x), f.i8(y))
            } else {
                ck_global_avgpool_qu8__scalar(batch, pixels, channels, xsc, xz, ysc, yz, f.u8(x), f.u8(y))
            }
        }
    }
}
