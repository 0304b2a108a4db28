import CKernels

/// QGemm and QLinearMatMul with a constant int8 B (zero point 0) and an 8-bit output on the
/// packed int8 GEMM, the microkernel the 1×1 convolutions use. A classifier head (1280 → 1000)
/// was 23 % of an int8 MobileNetV2 on the reference kernel. uint8 A and Y run shifted by 128, as
/// in `lowerPackedQConv`; the requantization multiplier is computed in the reference kernel's
/// float order, `(alpha · a_scale · b_scale[n]) / y_scale`, so the results are bit-identical.
extension PlanBuilder {
    /// The constant zero points the packed path needs, or nil when A's zero point is computed at run time.
    func packedQGemmOperands(_ node: Node, aZero: Int?, bZero: Int?) throws -> (aZero: Tensor?, bZero: [Int32])? {
        func constantOrAbsent(_ index: Int?) -> Tensor?? {
            guard let index, node.input(index) != nil else { return .some(nil) }
            guard let t = try? constant(node, index) else { return nil }  // computed at run time
            return .some(t)
        }
        guard let a = constantOrAbsent(aZero), let b = constantOrAbsent(bZero) else { return nil }
        return (a, b?.doubles().map { Int32($0) } ?? [0])
    }

    /// Emits the step and returns true, or returns false (nothing emitted) when the node does not fit.
    mutating func lowerPackedQGemm(
        _ node: Node, a: Int, b: Tensor, y: Int, m: Int, n: Int, k: Int, transB: Bool, params p: ck_qgemm_params,
        aZero: Tensor?, bScale: [Float], bZero: [Int32], bias: [Int32]
    ) -> Bool {
        let aType = values[a].elementType, yType = values[y].elementType
        let shifted = aType == .uint8
        guard b.elementType == .int8, yType == aType, aType == .int8 || aType == .uint8,
            bZero.allSatisfy({ $0 == 0 }), let config = ck_qgemm_s8_config_default()
        else { return false }
        let aZeroPoint = Int32(aZero?.doubles().first ?? 0)
        let shift: Int32 = shifted ? 128 : 0
        // B as [n][k] rows, whatever its stored orientation.
        let raw = b.values(as: Int8.self)
        var w = [Int8](repeating: 0, count: n * k)
        for row in 0..<n {
            for col in 0..<k { w[row * k + col] = transB ? raw[row * k + col] : raw[col * n + row] }
        }
        let multiplier = (0..<n).map { (p.alpha * p.a_scale * bScale[bScale.count == 1 ? 0 : $0]) / p.y_scale }
        let packed = pool.allocate(bytes: ck_qgemm_s8_packed_size(n, k))
        let status = w.withUnsafeBufferPointer { wp in
            bias.withUnsafeBufferPointer { bp in
                multiplier.withUnsafeBufferPointer { mp in
                    ck_qgemm_s8_pack(n, k, wp.baseAddress, k, bp.baseAddress, aZeroPoint - shift, mp.baseAddress, packed)
                }
            }
        }
        guard status == 0 else { return false }
        let wp = ConstPtr(raw: packed), cfg = Captured(config)
        let qp = Captured(ck_qgemm_s8_params(y_zero_point: p.y_zero_point - shift, qmin: -128, qmax: 127))
        let name = String(cString: config.pointee.name)
        if !shifted {
            append(node.name, "\(node.opType)(packed, \(name))", [a], [y]) { f in
                var params = qp.value
                ck_qgemm_s8(cfg.value, m, n, k, f.i8(a), k, wp.raw, f.i8(y), n, &params)
            }
        } else {
            let scratch = newValue(node.outputs[0] + "#shifted", .int8, [m, k])
            let inCount = m * k, outCount = m * n
            append(node.name, "\(node.opType)(packed, \(name))", [a], [y, scratch]) { f in
                let src = f.u8(a), dst = f.u8(scratch)
                for i in 0..<inCount { dst[i] = src[i] ^ 0x80 }
                var params = qp.value
                ck_qgemm_s8(cfg.value, m, n, k, f.i8(scratch), k, wp.raw, f.i8(y), n, &params)
                let out = f.u8(y)
                for i in 0..<outCount { out[i] ^= 0x80 }
            }
        }
        log.append("packed int8 GEMM: \(node.name) \(node.opType)")
        return true
    }
}
