import CKernels

/// Depthwise QLinearConv s8·s8→s8 (3×3 or 5×5, any stride, dilation, padding) on the
/// `ck_dwconv_s8` microkernels. Weights are packed once, with the input zero point folded into
/// the bias and the per-channel multipliers `(x_scale · w_scale[c]) / y_scale` in MLAS's order,
/// so results are bit-identical to the reference kernel. The kernels read the input through an
/// indirection buffer (one pointer per output pixel and tap); it holds arena addresses, which
/// differ per session, so each run rebuilds it into arena scratch (pixels · taps pointers,
/// small next to the convolution itself). uint8 layers (ONNX Runtime's default activation type)
/// run shifted by 128 as the packed GEMM does: one XOR pass copies the input into arena scratch as
/// int8 with zero point z − 128, and one pass shifts the output back; the results are identical.
extension PlanBuilder {
    /// Emits the step and returns true, or returns false (nothing emitted) when the layer does
    /// not fit: not int8, weight zero points ≠ 0, a kernel other than 3×3/5×5, no microkernel
    /// on this ISA, or a weight of −128 (the NEON kernel needs the symmetric range).
    mutating func lowerDepthwiseQConv(
        _ node: Node, g: ck_conv2d_geometry, params: ck_qconv_params, weights: [UInt8], bias: [Int32],
        wScale: [Float], wZero: [Int32], x: Int, y: Int
    ) -> Bool {
        let taps = g.kernel_h * g.kernel_w
        let shifted = params.x_type == CK_QTYPE_U8
        guard params.w_type == CK_QTYPE_S8, values[y].elementType == (shifted ? .uint8 : .int8),
            g.kernel_h == g.kernel_w, taps == 9 || taps == 25, wZero.allSatisfy({ $0 == 0 }),
            let config = ck_dwconv_s8_config_for(ck_isa_selected(), taps)
        else { return false }
        let channels = g.out_c
        let shift: Int32 = shifted ? 128 : 0
        let multiplier = (0..<channels).map { (params.x_scale * wScale[wScale.count == 1 ? 0 : $0]) / params.y_scale }
        let packed = pool.allocate(bytes: ck_dwconv_s8_packed_size(channels, taps))
        // `weights` is already in the depthwise layout [kh][kw][channel].
        let status = weights.withUnsafeBytes { w in
            bias.withUnsafeBufferPointer { b in
                multiplier.withUnsafeBufferPointer { m in
                    ck_dwconv_s8_pack(channels, taps, w.baseAddress!.assumingMemoryBound(to: Int8.self), b.baseAddress,
                                      params.x_zero_point - shift, m.baseAddress, packed)
                }
            }
        }
        guard status == 0 else { return false }
        let zero = ConstPtr(raw: pool.store([Int8](repeating: Int8(truncatingIfNeeded: params.x_zero_point - shift), count: channels)))
        var geometry = g
        let pointerCount = ck_indirection_s8_count(&geometry)
        // Int64 elements give pointer-sized, 8-byte aligned slots in the arena.
        let indirection = newValue(node.outputs[0] + "#indirection", .int64, [pointerCount])
        let pixels = g.batch * g.out_h * g.out_w
        let wp = ConstPtr(raw: packed), cfg = Captured(config), shape = Captured(g)
        let qp = Captured(ck_qgemm_s8_params(y_zero_point: params.y_zero_point - shift, qmin: -128, qmax: 127))
        let name = "QLinearConv(depthwise\(shifted ? " u8" : ""), \(String(cString: config.pointee.name)))"
        guard shifted else {
            append(node.name, name, [x], [y, indirection]) { f in
                var g = shape.value, p = qp.value
                let ind = f[indirection].assumingMemoryBound(to: UnsafePointer<Int8>?.self)
                ck_indirection_s8_init(&g, f.i8(x), zero.typed(Int8.self), ind)
                ck_dwconv_s8_parallel(f.pool, cfg.value, pixels, channels, ind, wp.raw, f.i8(y), channels, &p)
            }
            log.append("depthwise int8 microkernel: \(node.name)")
            return true
        }
        let inCount = values[x].count, outCount = pixels * channels
        let copy = newValue(node.outputs[0] + "#shifted", .int8, [inCount])
        append(node.name, name, [x], [y, indirection, copy]) { f in
            var g = shape.value, p = qp.value
            let src = f.u8(x), dst = f.u8(copy)
            for i in 0..<inCount { dst[i] = src[i] ^ 0x80 }
            let ind = f[indirection].assumingMemoryBound(to: UnsafePointer<Int8>?.self)
            ck_indirection_s8_init(&g, f.i8(copy), zero.typed(Int8.self), ind)
            ck_dwconv_s8_parallel(f.pool, cfg.value, pixels, channels, ind, wp.raw, f.i8(y), channels, &p)
            let out = f.u8(y)
            for i in 0..<outCount { out[i] ^= 0x80 }
        }
        log.append("depthwise int8 microkernel: \(node.name)")
        return true
    }
}
