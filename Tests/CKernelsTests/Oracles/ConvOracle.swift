/// Swift oracles for the convolution family. They build an explicitly padded input and then
/// index it without bounds checks — a different route from the C kernels' per-tap checks.
enum ConvOracle {
    /// Copies x into a [batch][inH+pads][inW+pads][C] buffer filled with `fill`.
    static func padded<T>(_ c: ConvCase, _ x: [T], fill: T) -> (data: [T], h: Int, w: Int) {
        let h = c.inH + c.padTop + c.padBottom
        let w = c.inW + c.padLeft + c.padRight
        var p = [T](repeating: fill, count: c.batch * h * w * c.inC)
        for n in 0..<c.batch {
            for i in 0..<c.inH {
                for j in 0..<c.inW {
                    for ch in 0..<c.inC {
                        p[((n * h + i + c.padTop) * w + j + c.padLeft) * c.inC + ch] =
                            x[((n * c.inH + i) * c.inW + j) * c.inC + ch]
                    }
                }
            }
        }
        return (p, h, w)
    }

    /// Generic convolution over a padded input. `inputChannel(oc, i)` names the input channel
    /// of the i-th of `taps` channel taps, `weight(oc, kh, kw, i)` its weight and `combine`
    /// accumulates.
    static func convolve<T, A>(
        _ c: ConvCase,
        padded: (data: [T], h: Int, w: Int),
        channelTaps: Int,
        start: (Int) -> A,
        inputChannel: (Int, Int) -> Int,
        accumulate: (inout A, T, Int, Int, Int, Int) -> Void
    ) -> [A] {
        var y: [A] = []
        y.reserveCapacity(c.outputCount)
        for n in 0..<c.batch {
            for oh in 0..<c.outH {
                for ow in 0..<c.outW {
                    for oc in 0..<c.outC {
                        var acc = start(oc)
                        for kh in 0..<c.kernelH {
                            for kw in 0..<c.kernelW {
                                let row = oh * c.strideH + kh * c.dilationH
                                let col = ow * c.strideW + kw * c.dilationW
                                for i in 0..<channelTaps {
                                    let value = padded.data[
                                        ((n * padded.h + row) * padded.w + col) * c.inC + inputChannel(oc, i)
                                    ]
                                    accumulate(&acc, value, oc, kh, kw, i)
                                }
                            }
                        }
                        y.append(acc)
                    }
                }
            }
        }
        return y
    }

    static func convF32(_ c: ConvCase, x: [Float], w: [Float], bias: [Float]?, clamp: ClosedRange<Float>) -> [Float] {
        let cinG = c.inC / c.groups, coutG = c.outC / c.groups
        let y: [Float] = convolve(
            c,
            padded: padded(c, x, fill: Float(0)),
            channelTaps: cinG,
            start: { (oc: Int) -> Float in bias?[oc] ?? 0 },
            inputChannel: { (oc: Int, i: Int) -> Int in (oc / coutG) * cinG + i },
            accumulate: { (acc: inout Float, v: Float, oc: Int, kh: Int, kw: Int, i: Int) in
                let wi: Int = ((oc * c.kernelH + kh) * c.kernelW + kw) * cinG + i
                acc += v * w[wi]
            }
        )
        return y.map { min(max($0, clamp.lowerBound), clamp.upperBound) }
    }

    static func depthwiseF32(_ c: ConvCase, x: [Float], w: [Float], bias: [Float]?, clamp: ClosedRange<Float>)
        -> [Float]
    {
        let multiplier = c.outC / c.inC
        let y: [Float] = convolve(
            c,
            padded: padded(c, x, fill: Float(0)),
            channelTaps: 1,
            start: { (oc: Int) -> Float in bias?[oc] ?? 0 },
            inputChannel: { (oc: Int, _: Int) -> Int in oc / multiplier },
            accumulate: { (acc: inout Float, v: Float, oc: Int, kh: Int, kw: Int, _: Int) in
                let wi: Int = (kh * c.kernelW + kw) * c.outC + oc
                acc += v * w[wi]
            }
        )
        return y.map { min(max($0, clamp.lowerBound), clamp.upperBound) }
    }

    /// Integer accumulators of a quantized convolution; padding holds the input zero point.
    static func convAccumulators(
        _ c: ConvCase,
        depthwise: Bool,
        x: [Int32],
        xZeroPoint: Int32,
        w: [Int32],
        wZeroPoints: [Int32],
        bias: [Int32]?
    ) -> [Int32] {
        let cinG = c.inC / c.groups, coutG = c.outC / c.groups
        let multiplier = c.outC / c.inC
        return convolve(
            c,
            padded: padded(c, x, fill: xZeroPoint),
            channelTaps: depthwise ? 1 : cinG,
            start: { (oc: Int) -> Int32 in bias?[oc] ?? 0 },
            inputChannel: { (oc: Int, i: Int) -> Int in depthwise ? oc / multiplier : (oc / coutG) * cinG + i },
            accumulate: { (acc: inout Int32, v: Int32, oc: Int, kh: Int, kw: Int, i: Int) in
                let wi: Int =
                    depthwise
                    ? (kh * c.kernelW + kw) * c.outC + oc
                    : ((oc * c.kernelH + kh) * c.kernelW + kw) * cinG + i
                acc += (v - xZeroPoint) * (w[wi] - wZeroPoints[oc])
            }
        )
    }

    /// ConvTranspose by scattering every input pixel into the output (the C kernel gathers).
    static func deconvF32(_ c: ConvCase, outH: Int, outW: Int, x: [Float], w: [Float], bias: [Float]?) -> [Float] {
        let cinG = c.inC / c.groups, coutG = c.outC / c.groups
        var y = [Float](repeating: 0, count: c.batch * outH * outW * c.outC)
        for n in 0..<c.batch {
            for ih in 0..<c.inH {
                for iw in 0..<c.inW {
                    for oc in 0..<c.outC {
                        let g = oc / coutG
                        for kh in 0..<c.kernelH {
                            for kw in 0..<c.kernelW {
                                let oh = ih * c.strideH + kh * c.dilationH - c.padTop
                                let ow = iw * c.strideW + kw * c.dilationW - c.padLeft
                                guard (0..<outH).contains(oh), (0..<outW).contains(ow) else { continue }
                                for i in 0..<cinG {
                                    y[((n * outH + oh) * outW + ow) * c.outC + oc] +=
                                        x[((n * c.inH + ih) * c.inW + iw) * c.inC + g * cinG + i]
                                        * w[((oc * c.kernelH + kh) * c.kernelW + kw) * cinG + i]
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for i in y.indices { y[i] += bias[i % c.outC] }
        }
        return y
    }
}
