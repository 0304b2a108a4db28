import CKernels

/// QLinearConv s8·s8→s8 and u8·s8→u8 on the packed int8 GEMM (weights packed once here, microkernel chosen
/// by the ISA dispatch): 1×1 stride-1 unpadded convolutions read the NHWC input directly as the
/// M×K matrix; other non-grouped convolutions gather patches (im2col, padding with the input
/// zero point) into an arena scratch buffer first. uint8 activations run as int8 shifted by 128
/// (x − 128 with zero point z − 128 gives the same x − z; the output is shifted back), which the
/// im2col gather and one pass over the output do.
extension PlanBuilder {
    /// Emits the step and returns true, or returns false (nothing emitted) when the layer does
    /// not fit the packed kernel: other types, grouped, weight zero points ≠ 0, or a weight of −128.
    mutating func lowerPackedQConv(
        _ node: Node, g: ck_conv2d_geometry, params: ck_qconv_params, weights: [UInt8], bias: [Int32],
        wScale: [Float], wZero: [Int32], x: Int, y: Int
    ) -> Bool {
        let shifted = params.x_type == CK_QTYPE_U8
        guard params.w_type == CK_QTYPE_S8, values[y].elementType == (shifted ? .uint8 : .int8),
            g.groups == 1, wZero.allSatisfy({ $0 == 0 }), let config = ck_qgemm_s8_config_default()
        else { return false }
        let n = g.out_c, k = g.kernel_h * g.kernel_w * g.in_c
        // Same float32 order as MLAS: (x_scale · w_scale[c]) / y_scale.
        let shift: Int32 = shifted ? 128 : 0
        let multiplier = (0..<n).map { (params.x_scale * wScale[wScale.count == 1 ? 0 : $0]) / params.y_scale }
        let packed = pool.allocate(bytes: ck_qgemm_s8_packed_size(n, k))
        let status = weights.withUnsafeBytes { w in
            bias.withUnsafeBufferPointer { b in
                multiplier.withUnsafeBufferPointer { m in
                    ck_qgemm_s8_pack(n, k, w.baseAddress!.assumingMemoryBound(to: Int8.self), k, b.baseAddress, params.x_zero_point - shift, m.baseAddress, packed)
                }
            }
        }
        guard status == 0 else { return false }
        let wp = ConstPtr(raw: packed), cfg = Captured(config)
        let m = g.batch * g.out_h * g.out_w
        let qp = Captured(ck_qgemm_s8_params(y_zero_point: params.y_zero_point - shift, qmin: -128, qmax: 127))
        let direct = !shifted && g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0
            && g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w
        let name = String(cString: config.pointee.name)
        if direct {
            append(node.name, "QLinearConv(packed 1x1, \(name))", [x], [y]) { f in
                var p = qp.value
                ck_qgemm_s8(cfg.value, m, n, k, f.i8(x), k, wp.raw, f.i8(y), n, &p)
            }
            log.append("packed int8 GEMM: \(node.name) 1x1")
            return true
        }
        let k8 = (k + 7) / 8 * 8  // whole K blocks for the microkernel (ck_im2col_q8 zero-fills the rest)
        let scratch = newValue(node.outputs[0] + "#im2col", .int8, [m, k8])
        let geometry = Captured(g), zero = Int8(truncatingIfNeeded: params.x_zero_point - shift)
        let flip: UInt8 = shifted ? 0x80 : 0, outputCount = m * n
        append(node.name, "QLinearConv(packed im2col, \(name))", [x], [y, scratch]) { f in
            var g = geometry.value
            let col = f.i8(scratch)
            ck_im2col_q8(&g, f.u8(x), UInt8(bitPattern: zero), flip, k8, f.u8(scratch))
            var p = qp.value
            ck_qgemm_s8(cfg.value, m, n, k8, col, k8, wp.raw, f.i8(y), n, &p)
            if flip != 0 {
                let out = f.u8(y)
                for i in 0..<outputCount { out[i] ^= flip }
            }
        }
        log.append("packed int8 GEMM: \(node.name) im2col")
        return true
    }
}
