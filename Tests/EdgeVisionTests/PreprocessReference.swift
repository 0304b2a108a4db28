import EdgeVision

/// Straightforward floating-point definitions the C kernels are checked against.
enum Reference {
    /// BT.601 limited range, the textbook float coefficients.
    static func yuvToRGB(_ y: UInt8, _ u: UInt8, _ v: UInt8) -> [UInt8] {
        let c = 1.164383 * (Double(y) - 16), d = Double(u) - 128, e = Double(v) - 128
        return [c + 1.596027 * e, c - 0.391762 * d - 0.812968 * e, c + 2.017232 * d].map {
            UInt8(max(0, min(255, $0.rounded())))
        }
    }

    /// Half-pixel bilinear on a packed image, in doubles.
    static func bilinear(_ src: [UInt8], _ w: Int, _ h: Int, _ c: Int, _ ow: Int, _ oh: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ow * oh * c)
        for oy in 0..<oh {
            let fy = max(0, (Double(oy) + 0.5) * Double(h) / Double(oh) - 0.5)
            let y0 = min(Int(fy), h - 1), y1 = min(y0 + 1, h - 1), wy = fy - Double(y0)
            for ox in 0..<ow {
                let fx = max(0, (Double(ox) + 0.5) * Double(w) / Double(ow) - 0.5)
                let x0 = min(Int(fx), w - 1), x1 = min(x0 + 1, w - 1), wx = fx - Double(x0)
                for ch in 0..<c {
                    func p(_ x: Int, _ y: Int) -> Double { Double(src[(y * w + x) * c + ch]) }
                    let v = (p(x0, y0) * (1 - wx) + p(x1, y0) * wx) * (1 - wy) + (p(x0, y1) * (1 - wx) + p(x1, y1) * wx) * wy
                    out[(oy * ow + ox) * c + ch] = UInt8(v.rounded())
                }
            }
        }
        return out
    }

    /// Area average by supersampling each input pixel into an (ow·oh) grid: slow but obviously right.
    static func area(_ src: [UInt8], _ w: Int, _ h: Int, _ c: Int, _ ow: Int, _ oh: Int) -> [UInt8] {
        var sums = [Double](repeating: 0, count: ow * oh * c)
        // Split every input pixel into ow × oh sub-pixels; each lands wholly in one output pixel.
        for y in 0..<h {
            for sy in 0..<oh {
                let oy = (y * oh + sy) / h
                for x in 0..<w {
                    for sx in 0..<ow {
                        let ox = (x * ow + sx) / w
                        for ch in 0..<c { sums[(oy * ow + ox) * c + ch] += Double(src[(y * w + x) * c + ch]) }
                    }
                }
            }
        }
        let perOutput = Double(w * h)  // (w·ow·h·oh) sub-pixels spread over ow·oh outputs
        return sums.map { UInt8(min(255, ($0 / perOutput).rounded())) }
    }

    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }
}
