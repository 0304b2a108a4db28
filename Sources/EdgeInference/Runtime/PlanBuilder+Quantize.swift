import CKernels

/// QuantizeLinear, DequantizeLinear (per tensor and per axis) and DynamicQuantizeLinear.
extension PlanBuilder {
    mutating func lowerQuantize(_ node: Node) throws {
        let quantize = node.opType == "QuantizeLinear"
        let given = try value(node.inputs[0], node: node)
        let scale = try value(node.inputs[1], node: node)
        let zeroName = node.input(2)
        let zero = try zeroName.map { try value($0, node: node) }
        let perAxis = values[scale].count > 1
        let axisAttribute = try node.int("axis", default: 1)
        let x = perAxis && values[given].channelsLast && axisAttribute != 1 ? try standard(given) : given
        let y = try output(node, channelsLast: values[x].channelsLast)
        let shape = values[x].shape
        var outer = 1, channels = 1, inner = values[x].count
        if perAxis {
            var axis = try node.int("axis", default: 1)
            if axis < 0 { axis += shape.count }
            if values[x].channelsLast && axis == 1 {
                (outer, channels, inner) = (values[x].count / shape[1], shape[1], 1)
            } else {
                (outer, channels, inner) = (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
            }
        } else {
            (outer, channels, inner) = (1, 1, values[x].count)
        }
        // Zero points widened to int32 once (constant) or per run (computed, e.g. from DynamicQuantizeLinear).
        let zType = zero.map { values[$0].elementType } ?? (quantize ? .uint8 : values[x].elementType)
        let zCount = max(channels, 1)
        let zBuffer = ConstPtr(raw: pool.allocate(bytes: zCount * 4))
        let zConst = zero.flatMap { values[$0].tensor }
        if let zConst {
            let v = zConst.doubles().map { Int32($0) }
            for i in 0..<zCount { zBuffer.typed(Int32.self)[i] = v.count == 1 ? v[0] : v[i] }
        }
        let runtimeZero = zConst == nil ? zero : nil
        let yType = values[y].elementType, xType = values[x].elementType
        let o = outer, c = channels, n = inner
        let inputs = [x, scale] + (zero.map { [$0] } ?? [])
        guard zType == .int8 || zType == .uint8 || zType == .int32 else {
            throw RuntimeError(code: .unsupported, message: "\(node.opType) with \(zType) zero point", node: node.name)
        }
        if let s = zero.flatMap({ values[$0].tensor }), s.count != 1, s.count != zCount {
            throw RuntimeError(code: .invalidModel, message: "zero point has \(s.count) entries for \(zCount) channels", node: node.name)
        }
        if perAxis && values[scale].count != zCount {
            throw RuntimeError(code: .invalidModel, message: "scale has \(values[scale].count) entries for \(zCount) channels", node: node.name)
        }
        // QuantizeLinear on the selected ISA's SIMD table (bit-exact); DequantizeLinear keeps the reference.
        let ops = ck_simd_ops_for(ck_isa_selected())?.pointee
        let quantizeS8 = ops?.quantize_f32_s8 ?? ck_quantize_f32_s8__scalar
        let quantizeU8 = ops?.quantize_f32_u8 ?? ck_quantize_f32_u8__scalar
        let label = quantize ? "QuantizeLinear(\(ops.map { String(cString: $0.suffix) } ?? "scalar"))" : node.opType
        append(node.name, label, inputs, [y]) { f in
            let zp = zBuffer.typed(Int32.self)
            if let rz = runtimeZero {
                let v: Int32 = zType == .int8 ? Int32(f.i8(rz).pointee) : (zType == .int32 ? f.i32(rz).pointee : Int32(f.u8(rz).pointee))
                for i in 0..<zCount { zp[i] = v }
            }
            if quantize {
                if yType == .int8 { quantizeS8(o, c, n, f.f32(x), f.f32(scale), zp, f.i8(y)) } else { quantizeU8(o, c, n, f.f32(x), f.f32(scale), zp, f.u8(y)) }
            } else {
                switch xType {
                case .int8: ck_dequantize_s8_f32__scalar(o, c, n, f.i8(x), f.f32(scale), zp, f.f32(y))
                case .int32: ck_dequantize_s32_f32__scalar(o, c, n, f.i32(x), f.f32(scale), zp, f.f32(y))
                default: ck_dequantize_u8_f32__scalar(o, c, n, f.u8(x), f.f32(scale), zp, f.f32(y))
                }
            }
        }
    }

    mutating func lowerDynamicQuantize(_ node: Node) throws {
        let x = try value(node.inputs[0], node: node)
        let y = try output(node, 0, channelsLast: values[x].channelsLast)
        let s = try output(node, 1), z = try output(node, 2)
        let n = values[x].count
        // The range and parameters exactly as ck_dynamic_quantize_f32_u8__scalar, then the
        // element rule (the same as QuantizeLinear's) on the SIMD table: the scalar pass was
        // over half of a dynamic MobileNetV2-224.
        let ops = ck_simd_ops_for(ck_isa_selected())?.pointee
        let quantizeU8 = ops?.quantize_f32_u8 ?? ck_quantize_f32_u8__scalar
        let label = "DynamicQuantizeLinear(\(ops.map { String(cString: $0.suffix) } ?? "scalar"))"
        append(node.name, label, [x], [y, s, z]) { f in
            let src = f.f32(x)
            var lo: Float = 0, hi: Float = 0  // the range always includes 0; NaN is skipped
            ck_range_f32(n, src, &lo, &hi)
            var scale: Float = hi == lo ? 1 : (hi - lo) / 255
            let initial = min(max(0 - lo / scale, 0), 255)
            // Infinite inputs can make the range NaN; never trap on the conversion.
            var zp = initial.isNaN ? 0 : Int32(initial.rounded(.toNearestOrEven))
            quantizeU8(1, 1, n, src, &scale, &zp, f.u8(y))
            f.f32(s).pointee = scale
            f.u8(z).pointee = UInt8(truncatingIfNeeded: zp)
        }
    }
}
