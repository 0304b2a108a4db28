import CKernels

/// Float Conv on the `ck_gemm_f32` / `ck_dwconv_f32` microkernels, chosen by the ISA dispatch:
/// a 1×1, stride-1, unpadded convolution is a GEMM straight on the NHWC input; another dense
/// convolution is an indirect GEMM (one pointer per output pixel and tap, rebuilt each run
/// because it holds arena addresses); a 3×3 or 5×5 depthwise one uses the depthwise kernel.
/// Results differ from the scalar reference only by summation order and FMA rounding.
extension PlanBuilder {
    /// Most threads a session's float convolution scratch is sized for
    /// (``InferenceSession/threads`` is clamped to it).
    static let maxThreads = 16

    /// Emits the step and returns true, or returns false (nothing emitted) when no microkernel
    /// fits: grouped but not depthwise, depthwise other than 3×3/5×5, or no kernel on this ISA.
    /// `weights` is in the reference layout: `[oc][kh][kw][ic]`, or `[kh][kw][c]` for depthwise.
    mutating func lowerFastConv(
        _ node: Node, g: ck_conv2d_geometry, depthwise: Bool, weights: [Float], bias: [Float],
        clamp: ck_clamp_f32, x: Int, y: Int
    ) -> Bool {
        let taps = g.kernel_h * g.kernel_w
        let pixels = g.batch * g.out_h * g.out_w
        let shape = Captured(g), fusedClamp = clamp
        if depthwise {
            guard g.kernel_h == g.kernel_w, taps == 9 || taps == 25,
                let config = ck_dwconv_f32_config_for(ck_isa_selected(), taps)
            else { return false }
            let channels = g.out_c
            let packed = pool.allocate(bytes: ck_dwconv_f32_packed_size(channels, taps) * 4)
            ck_dwconv_f32_pack(channels, taps, weights, bias, packed.assumingMemoryBound(to: Float.self))
            let wp = ConstPtr(raw: packed), cfg = Captured(config)
            let zero = ConstPtr(raw: pool.store([Float](repeating: 0, count: channels)))
            let indirection = indirectionValue(node, g)
            append(node.name, "Conv(depthwise, \(String(cString: config.pointee.name)))", [x], [y, indirection]) { f in
                var g = shape.value, c = fusedClamp
                let ind = f[indirection].assumingMemoryBound(to: UnsafePointer<Float>?.self)
                ck_indirection_f32_init(&g, f.f32(x), zero.typed(Float.self), ind)
                ck_dwconv_f32_parallel(f.pool, cfg.value, pixels, channels, ind, wp.typed(Float.self), f.f32(y), channels, &c)
            }
            return true
        }
        guard g.groups == 1, let config = ck_gemm_f32_config_for(ck_isa_selected()) else { return false }
        let n = g.out_c, k = taps * g.in_c
        let packed = pool.allocate(bytes: ck_gemm_f32_packed_size(n, k) * 4)
        ck_gemm_f32_pack(n, k, weights, k, 0, bias, packed.assumingMemoryBound(to: Float.self))
        let wp = ConstPtr(raw: packed), cfg = Captured(config)
        let name = String(cString: config.pointee.name)
        let direct = taps == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0
            && g.out_h == g.in_h && g.out_w == g.in_w
        if direct {
            append(node.name, "Conv(gemm 1x1, \(name))", [x], [y]) { f in
                var c = fusedClamp
                ck_gemm_f32_parallel(f.pool, cfg.value, pixels, n, k, f.f32(x), k, wp.typed(Float.self), f.f32(y), n, &c)
            }
            return true
        }
        let scratchFloats = ck_conv_f32_igemm_scratch_size(config, taps, g.in_c) * Self.maxThreads
        let scratch = newValue(node.outputs[0] + "#igemm", .float32, [scratchFloats])
        let zero = ConstPtr(raw: pool.store([Float](repeating: 0, count: g.in_c)))
        let indirection = indirectionValue(node, g)
        append(node.name, "Conv(igemm, \(name))", [x], [y, indirection, scratch]) { f in
            var g = shape.value, c = fusedClamp
            let ind = f[indirection].assumingMemoryBound(to: UnsafePointer<Float>?.self)
            ck_indirection_f32_init(&g, f.f32(x), zero.typed(Float.self), ind)
            ck_conv_f32_igemm_parallel(f.pool, cfg.value, taps, g.in_c, n, ind, pixels, wp.typed(Float.self),
                                       f.f32(y), n, f.f32(scratch), &c)
        }
        return true
    }

    /// An arena scratch value for one pointer per output pixel and tap (Int64 slots: pointer
    /// sized and 8-byte aligned).
    mutating func indirectionValue(_ node: Node, _ g: ck_conv2d_geometry) -> Int {
        var geometry = g
        return newValue(node.outputs[0] + "#indirection", .int64, [ck_indirection_s8_count(&geometry)])
    }
}
