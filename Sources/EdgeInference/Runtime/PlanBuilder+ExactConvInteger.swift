import CKernels

/// ConvInteger (the convolution ORT's `quantize_dynamic` writes) on the float convolution
/// microkernels, when that gives the reference kernel's int32 results bit for bit.
///
/// Every product `(x − x_zp)·(w − w_zp)` is an integer and |x − x_zp| ≤ 255 for 8-bit x. If for
/// every output channel `255 · Σ|w − w_zp| ≤ 2^24`, every partial sum of that channel, in any
/// order and with or without FMA, is an integer of magnitude ≤ 2^24 and so exact in a float:
/// the float result converted back is exactly the int32 sum. This takes the dynamic
/// MobileNetV2 off the scalar reference kernel (it was 342 ms against ORT's 15.5 ms) without a
/// separate int32-output microkernel family. Layers over the bound keep the reference kernel.
extension PlanBuilder {
    /// Largest magnitude up to which every integer is a float (2^24).
    static let exactFloatIntegers = 1 << 24

    /// Emits the steps and returns true, or returns false (nothing emitted) when the layer is
    /// outside the exact bound or no float microkernel fits. `weights` is the ONNX layout
    /// `[oc][ic/groups][kh][kw]`, `wZero` one entry or one per output channel.
    mutating func lowerExactConvInteger(
        _ node: Node, g: ck_conv2d_geometry, weights: [UInt8], wType: ElementType, wZero: [Int32],
        x: Int, xZero: Int?, y: Int
    ) -> Bool {
        let oc = g.out_c, icg = g.in_c / g.groups, taps = g.kernel_h * g.kernel_w
        let depthwise = g.groups == g.in_c && g.groups > 1 && icg == 1 && oc == g.in_c
        guard depthwise || g.groups == 1, wZero.count == 1 || wZero.count == oc else { return false }
        // Centred weights, and the exactness bound per output channel.
        var centred = [Float](repeating: 0, count: oc * icg * taps)
        for o in 0..<oc {
            let zero = wZero[wZero.count == 1 ? 0 : o]
            var magnitude = 0
            for i in 0..<icg {
                for t in 0..<taps {
                    let byte = weights[(o * icg + i) * taps + t]
                    let w = (wType == .int8 ? Int32(Int8(bitPattern: byte)) : Int32(byte)) - zero
                    magnitude += Int(w.magnitude)
                    // Float kernels' reference layouts: [kh][kw][c] depthwise, [oc][kh][kw][ic] dense.
                    centred[depthwise ? t * oc + o : (o * taps + t) * icg + i] = Float(w)
                }
            }
            guard magnitude * 255 <= Self.exactFloatIntegers else { return false }
        }
        let xType = values[x].elementType
        let xf = newValue(node.outputs[0] + "#x_float", .float32, values[x].shape, channelsLast: values[x].channelsLast)
        // ORT's chain casts the int32 result to float next: when that Cast is the only consumer
        // the float result is its output as is (|sum| ≤ 2^24 converts exactly) and both the
        // conversion back to int32 and the Cast disappear.
        let cast = floatCast(consuming: node)
        let yf = newValue(cast?.outputs[0] ?? node.outputs[0] + "#y_float", .float32, values[y].shape,
                          channelsLast: values[y].channelsLast)
        let at = steps.count
        let unclamped = ck_clamp_f32(min: -.infinity, max: .infinity)
        let bias = [Float](repeating: 0, count: oc)
        guard lowerFastConv(node, g: g, depthwise: depthwise, weights: centred, bias: bias, clamp: unclamped, x: xf, y: yf)
        else { return false }
        let inCount = values[x].shape.reduce(1, *), outCount = values[y].shape.reduce(1, *)
        // The input zero point is an output of DynamicQuantizeLinear: read it per run.
        steps.insert(
            Step(node: node.name, opType: "ConvInteger(to float)", inputs: [x] + (xZero.map { [$0] } ?? []), outputs: [xf]) { f in
                let zero = Float(Self.zeroPoint(f, xZero, xType)), dst = f.f32(xf)
                if xType == .int8 {
                    let src = f.i8(x)
                    for i in 0..<inCount { dst[i] = Float(src[i]) - zero }
                } else {
                    let src = f.u8(x)
                    for i in 0..<inCount { dst[i] = Float(src[i]) - zero }
                }
            }, at: at)
        if let cast {
            skipped.insert(cast.name)
            log.append("exact float ConvInteger: \(node.name) + \(cast.name)")
            return true
        }
        append(node.name, "ConvInteger(to int32)", [yf], [y]) { f in
            let src = f.f32(yf), dst = f.i32(y)
            for i in 0..<outCount { dst[i] = Int32(src[i]) }
        }
        log.append("exact float ConvInteger: \(node.name)")
        return true
    }

    /// The Cast to float32 that is the only consumer of `node`'s output (not a graph output).
    func floatCast(consuming node: Node) -> Node? {
        let out = node.outputs[0]
        let consumers = model.graph.nodes.filter { $0.inputs.contains(out) }
        guard consumers.count == 1, !model.graph.outputs.contains(where: { $0.name == out }) else { return nil }
        let c = consumers[0]
        guard c.domain.isEmpty, c.opType == "Cast", (try? c.int("to", default: 0)) == 1 else { return nil }
        return c
    }
}
