import CKernels

/// Gemm, MatMul and their 8-bit forms (QLinearMatMul, MatMulInteger, QGemm).
extension PlanBuilder {
    mutating func lowerGemm(_ node: Node) throws {
        let a = try standard(try value(node.inputs[0], node: node))
        let b = try standard(try value(node.inputs[1], node: node))
        let transA = try node.int("transA", default: 0), transB = try node.int("transB", default: 0)
        let alpha = try node.float("alpha", default: 1), beta = try node.float("beta", default: 1)
        let sa = values[a].shape, sb = values[b].shape
        let m = transA != 0 ? sa[1] : sa[0], k = transA != 0 ? sa[0] : sa[1]
        let n = transB != 0 ? sb[0] : sb[1]
        var clamp = ck_clamp_f32(min: -.infinity, max: .infinity)
        var outNode = node
        if let fused = fusableActivation(of: node) {
            clamp = fused.clamp
            outNode = fused.consumer
            skipped.insert(fused.consumer.name)
            log.append("activation fusion: \(node.name) + \(fused.consumer.opType)")
        }
        let y = newValue(outNode.outputs[0], .float32, [m, n])
        var c: Int? = nil
        var cRow = 0, cCol = 0
        if let name = node.input(2) {
            let cid = try standard(try value(name, node: node))
            c = cid
            let cs = values[cid].shape
            let full = Array(repeating: 1, count: 2 - cs.count) + cs
            cRow = full[0] == 1 ? 0 : full[1]
            cCol = full[1] == 1 ? 0 : 1
        }
        var g = ck_gemm_geometry(m: m, n: n, k: k, trans_a: Int32(transA), trans_b: Int32(transB), lda: sa[1], ldb: sb[1], ldy: n)
        try check(ck_gemm_check(&g, 0), node.name)
        // Constant B, no transA, alpha 1, bias per column (or none): the packed f32 GEMM, with
        // beta · C folded into the packed bias. Results differ from the reference only by
        // summation order and FMA rounding.
        if transA == 0, alpha == 1, cRow == 0, let bT = try constant(node, 1), bT.elementType == .float32,
            let config = ck_gemm_f32_config_for(ck_isa_selected())
        {
            var bias = [Float](repeating: 0, count: n)
            if node.input(2) != nil {
                guard let cT = try constant(node, 2), cT.elementType == .float32 else { return try lowerGemmReference(node, a: a, b: b, y: y, g: g, c: c, cRow: cRow, cCol: cCol, alpha: alpha, beta: beta, clamp: clamp) }
                let cv = cT.values(as: Float.self)
                for j in 0..<n { bias[j] = beta * cv[cCol == 0 ? 0 : j] }
            }
            let packed = pool.allocate(bytes: ck_gemm_f32_packed_size(n, k) * 4)
            bT.values(as: Float.self).withUnsafeBufferPointer { w in
                ck_gemm_f32_pack(n, k, w.baseAddress, sb[1], transB == 0 ? 1 : 0, bias, packed.assumingMemoryBound(to: Float.self))
            }
            let wp = ConstPtr(raw: packed), cfg = Captured(config), fusedClamp = clamp
            append(node.name, "Gemm(\(String(cString: config.pointee.name)))", [a], [y]) { f in
                var cl = fusedClamp
                ck_gemm_f32_parallel(f.pool, cfg.value, m, n, k, f.f32(a), k, wp.typed(Float.self), f.f32(y), n, &cl)
            }
            return
        }
        try lowerGemmReference(node, a: a, b: b, y: y, g: g, c: c, cRow: cRow, cCol: cCol, alpha: alpha, beta: beta, clamp: clamp)
    }

    mutating func lowerGemmReference(
        _ node: Node, a: Int, b: Int, y: Int, g: ck_gemm_geometry, c: Int?, cRow: Int, cCol: Int, alpha: Float, beta: Float,
        clamp: ck_clamp_f32
    ) throws {
        let geometry = Captured(g)
        let cc = c, cr = cRow, ccl = cCol, fusedClamp = clamp
        append(node.name, "Gemm", [a, b] + (c.map { [$0] } ?? []), [y]) { f in
            var g = geometry.value
            ck_gemm_f32__scalar(&g, alpha, f.f32(a), f.f32(b), cc == nil ? 0 : beta, cc.map { f.f32($0) }, cr, ccl, fusedClamp, f.f32(y))
        }
    }

    /// Batched MatMul geometry: element offsets of A, B, Y per batch, and M, K, N.
    func matmulBatches(_ sa: [Int], _ sb: [Int], _ sy: [Int]) -> (offsets: [(Int, Int, Int)], m: Int, k: Int, n: Int) {
        let a2 = sa.count == 1 ? [1] + sa : sa
        let b2 = sb.count == 1 ? sb + [1] : sb
        let m = a2[a2.count - 2], k = a2[a2.count - 1], n = b2[b2.count - 1]
        let batchA = Array(a2.dropLast(2)), batchB = Array(b2.dropLast(2))
        let rank = max(batchA.count, batchB.count)
        let ba = Array(repeating: 1, count: rank - batchA.count) + batchA
        let bb = Array(repeating: 1, count: rank - batchB.count) + batchB
        let by = zip(ba, bb).map { max($0, $1) }
        let total = by.reduce(1, *)
        var offsets: [(Int, Int, Int)] = []
        for index in 0..<total {
            var rem = index, oa = 0, ob = 0, strideA = 1, strideB = 1
            for d in stride(from: rank - 1, through: 0, by: -1) {
                let i = rem % by[d]
                rem /= by[d]
                if ba[d] != 1 { oa += i * strideA }
                if bb[d] != 1 { ob += i * strideB }
                strideA *= ba[d]
                strideB *= bb[d]
            }
            offsets.append((oa * m * k, ob * k * n, index * m * n))
        }
        return (offsets, m, k, n)
    }

    mutating func lowerMatMul(_ node: Node) throws {
        let a = try standard(try value(node.inputs[0], node: node))
        let b = try standard(try value(node.inputs[1], node: node))
        let y = try output(node)
        let (offsets, m, k, n) = matmulBatches(values[a].shape, values[b].shape, values[y].shape)
        var geometry0 = ck_gemm_geometry(m: m, n: n, k: k, trans_a: 0, trans_b: 0, lda: k, ldb: n, ldy: n)
        try check(ck_gemm_check(&geometry0, 0), node.name)
        let g = Captured(geometry0)
        let batches = offsets.map { [$0.0, $0.1, $0.2] }
        append(node.name, "MatMul", [a, b], [y]) { f in
            var geometry = g.value
            for o in batches {
                ck_gemm_f32__scalar(&geometry, 1, f.f32(a) + o[0], f.f32(b) + o[1], 0, nil, 0, 0,
                                    ck_clamp_f32(min: -.infinity, max: .infinity), f.f32(y) + o[2])
            }
        }
    }

    mutating func lowerQGemm(_ node: Node) throws {
        let op = node.opType
        // Input positions: (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp, bias)
        let idx: (a: Int, aS: Int?, aZ: Int?, b: Int, bS: Int?, bZ: Int?, yS: Int?, yZ: Int?, c: Int?) =
            switch op {
            case "QLinearMatMul": (0, 1, 2, 3, 4, 5, 6, 7, nil)
            case "MatMulInteger": (0, nil, 2, 1, nil, 3, nil, nil, nil)
            default: (0, 1, 2, 3, 4, 5, 7, 8, 6)  // QGemm
            }
        let a = try standard(try value(node.inputs[idx.a], node: node))
        let b = try standard(try value(node.inputs[idx.b], node: node))
        guard let bT = values[b].tensor else {
            throw RuntimeError(code: .unsupported, message: "\(op) with a non-constant B", node: node.name)
        }
        let y = try output(node)
        let transA = try node.int("transA", default: 0), transB = try node.int("transB", default: 0)
        guard transA == 0 else { throw RuntimeError(code: .unsupported, message: "QGemm transA", node: node.name) }
        let sa = values[a].shape, sb = bT.shape
        guard sb.count == 2 else { throw RuntimeError(code: .unsupported, message: "\(op) with a B of rank \(sb.count)", node: node.name) }
        let k = sa[sa.count - 1]
        let m = values[a].count / k
        let n = transB != 0 ? sb[0] : sb[1]
        let aType = values[a].elementType, bType = bT.elementType, yType = values[y].elementType
        var p = ck_qgemm_params()
        p.a_type = Self.qtype(aType)
        p.b_type = Self.qtype(bType)
        p.alpha = try node.float("alpha", default: 1)
        p.a_scale = try idx.aS.flatMap { try constant(node, $0) }?.floats().first ?? 1
        let bScale = try channelArray(idx.bS.flatMap { try constant(node, $0) }, count: n, default: 1)
        let bZero = try zeroPointArray(idx.bZ.flatMap { try constant(node, $0) })
        p.b = ck_qparams_axis(scale: bScale.0.typed(Float.self), zero_point: bZero.0.typed(Int32.self), scale_stride: bScale.1, zero_point_stride: bZero.1)
        p.y_scale = try idx.yS.flatMap { try constant(node, $0) }?.floats().first ?? 1
        p.y_zero_point = Int32(try idx.yZ.flatMap { try constant(node, $0) }?.doubles().first ?? 0)
        p.clamp = ck_clamp_q(min: Int32.min, max: Int32.max)
        let bias = try idx.c.flatMap { try constant(node, $0) }?.values(as: Int32.self)
        let biasFull = bias.map { $0.count == n ? $0 : [Int32](repeating: $0.first ?? 0, count: n) } ?? [Int32](repeating: 0, count: n)
        let bp = ConstPtr(raw: pool.store(biasFull))
        let aZeroID = try idx.aZ.flatMap { node.input($0) }.map { try value($0, node: node) }
        var geometry0 = ck_gemm_geometry(m: m, n: n, k: k, trans_a: 0, trans_b: Int32(transB), lda: k, ldb: sb[1], ldy: n)
        try check(ck_gemm_check(&geometry0, 1), node.name)
        guard (transB != 0 ? sb[1] : sb[0]) == k, bias.map({ $0.count == 1 || $0.count == n }) ?? true else {
            throw RuntimeError(code: .invalidModel, message: "\(op) B or bias does not match A", node: node.name)
        }
        try checkCount(idx.bS.flatMap { try? constant(node, $0) }?.count ?? 1, channels: n, "b_scale", node)
        try checkCount(idx.bZ.flatMap { try? constant(node, $0) }?.count ?? 1, channels: n, "b_zero_point", node)
        if op != "MatMulInteger", p.alpha > 0, let fast = try packedQGemmOperands(node, aZero: idx.aZ, bZero: idx.bZ),
            lowerPackedQGemm(node, a: a, b: bT, y: y, m: m, n: n, k: k, transB: transB != 0, params: p,
                             aZero: fast.aZero, bScale: (0..<n).map { bScale.0.typed(Float.self)[$0 * bScale.1] },
                             bZero: fast.bZero, bias: biasFull)
        {
            return
        }
        let g = Captured(geometry0)
        let q = Captured(p)
        let inputs = [a, b] + (aZeroID.map { [$0] } ?? [])
        let kind: Int = op == "MatMulInteger" ? 0 : (yType == .float32 ? 1 : (yType == .int8 ? 2 : 3))
        append(node.name, op, inputs, [y]) { f in
            var geometry = g.value, params = q.value
            var zp = Self.zeroPoint(f, aZeroID, aType)
            withUnsafePointer(to: &zp) { zpp in
                params.a_zero_point = zpp
                params.a_zero_point_stride = 0
                switch kind {
                case 0: ck_gemm_qs32__scalar(&geometry, &params, f[a], f[b], bp.typed(Int32.self), f.i32(y))
                case 1: ck_gemm_qf32__scalar(&geometry, &params, f[a], f[b], bp.typed(Int32.self), f.f32(y))
                case 2: ck_gemm_qs8__scalar(&geometry, &params, f[a], f[b], bp.typed(Int32.self), f.i8(y))
                default: ck_gemm_qu8__scalar(&geometry, &params, f[a], f[b], bp.typed(Int32.self), f.u8(y))
                }
            }
        }
    }
}
