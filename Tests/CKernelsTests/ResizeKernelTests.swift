import CKernels
import Testing

/// Resize: nearest (every coordinate transformation and nearest mode) and linear.
@Suite("Resize kernels")
struct ResizeKernelTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var batch = 1, inH: Int, inW: Int, channels: Int
        var outH: Int, outW: Int
        /// The ONNX scales; nil means "sizes were given", i.e. out / in.
        var scaleH: Float? = nil, scaleW: Float? = nil
        var testDescription: String {
            let scales = [scaleH, scaleW].map { $0.map { "\($0)" } ?? "-" }.joined(separator: ",")
            return "\(batch)x\(inH)x\(inW)x\(channels) -> \(outH)x\(outW) scales \(scales)"
        }
        var sh: Float { scaleH ?? Float(outH) / Float(inH) }
        var sw: Float { scaleW ?? Float(outW) / Float(inW) }
    }

    static let shapes: [Shape] = [
        Shape(inH: 4, inW: 4, channels: 3, outH: 8, outW: 8, scaleH: 2, scaleW: 2),
        Shape(inH: 8, inW: 6, channels: 2, outH: 4, outW: 3, scaleH: 0.5, scaleW: 0.5),
        Shape(batch: 2, inH: 5, inW: 7, channels: 5, outH: 7, outW: 3),
        Shape(inH: 5, inW: 3, channels: 1, outH: 8, outW: 5, scaleH: 1.7, scaleW: 1.9),
        Shape(inH: 3, inW: 9, channels: 4, outH: 1, outW: 1),
        Shape(inH: 1, inW: 1, channels: 3, outH: 3, outW: 2),
    ]

    static let coords: [ck_resize_coord] = [
        CK_RESIZE_HALF_PIXEL, CK_RESIZE_HALF_PIXEL_SYMMETRIC, CK_RESIZE_PYTORCH_HALF_PIXEL, CK_RESIZE_ALIGN_CORNERS,
        CK_RESIZE_ASYMMETRIC, CK_RESIZE_TF_CROP_AND_RESIZE,
    ]
    static let nearestModes: [ck_resize_nearest_mode] = [
        CK_NEAREST_ROUND_PREFER_FLOOR, CK_NEAREST_ROUND_PREFER_CEIL, CK_NEAREST_FLOOR, CK_NEAREST_CEIL,
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var shape: Shape
        var coord: ck_resize_coord
        var nearest: ck_resize_nearest_mode
        var testDescription: String { "\(shape.testDescription) coord \(coord.rawValue) nearest \(nearest.rawValue)" }

        var params: ck_resize_params {
            var p = ck_resize_params()
            p.batch = shape.batch
            p.in_h = shape.inH
            p.in_w = shape.inW
            p.channels = shape.channels
            p.out_h = shape.outH
            p.out_w = shape.outW
            p.scale_h = shape.sh
            p.scale_w = shape.sw
            p.coord = coord
            p.nearest_mode = nearest
            p.roi_start_h = 0.1
            p.roi_end_h = 1.2
            p.roi_start_w = -0.2
            p.roi_end_w = 0.8
            p.extrapolation_value = 7
            return p
        }

        /// The ONNX Resize coordinate formulas, float32.
        func source(_ x: Int, inLen: Int, outLen: Int, scale: Float, roi: (Float, Float)) -> Float {
            let xf = Float(x)
            switch coord {
            case CK_RESIZE_HALF_PIXEL: return (xf + 0.5) / scale - 0.5
            case CK_RESIZE_HALF_PIXEL_SYMMETRIC:
                let adjustment = Float(outLen) / (scale * Float(inLen))
                let center = Float(inLen) / 2
                return center * (1 - adjustment) + (xf + 0.5) / scale - 0.5
            case CK_RESIZE_PYTORCH_HALF_PIXEL: return outLen > 1 ? (xf + 0.5) / scale - 0.5 : 0
            case CK_RESIZE_ALIGN_CORNERS: return outLen == 1 ? 0 : xf * Float(inLen - 1) / Float(outLen - 1)
            case CK_RESIZE_ASYMMETRIC: return xf / scale
            default:
                let len = Float(inLen - 1)
                return outLen > 1
                    ? roi.0 * len + xf * (roi.1 - roi.0) * len / Float(outLen - 1) : 0.5 * (roi.0 + roi.1) * len
            }
        }

        func nearestIndex(_ v: Float, _ len: Int) -> Int {
            let isTie = v - v.rounded(.down) == 0.5
            let r: Float =
                switch nearest {
                case CK_NEAREST_ROUND_PREFER_FLOOR: isTie ? v.rounded(.down) : v.rounded()
                case CK_NEAREST_ROUND_PREFER_CEIL: isTie ? v.rounded(.up) : v.rounded()
                case CK_NEAREST_FLOOR: v.rounded(.down)
                default: v.rounded(.up)
                }
            return Int(min(max(r, 0), Float(len - 1)))
        }

        func outside(_ v: Float, _ len: Int) -> Bool {
            coord == CK_RESIZE_TF_CROP_AND_RESIZE && (v < 0 || v > Float(len - 1))
        }

        /// For each output pixel: the sampled (h, w) positions or nil when extrapolated.
        func samples() -> [(Float, Float)?] {
            let s = shape
            return (0..<s.outH).flatMap { oh in
                (0..<s.outW).map { ow -> (Float, Float)? in
                    let h = source(oh, inLen: s.inH, outLen: s.outH, scale: s.sh, roi: (0.1, 1.2))
                    let w = source(ow, inLen: s.inW, outLen: s.outW, scale: s.sw, roi: (-0.2, 0.8))
                    return outside(h, s.inH) || outside(w, s.inW) ? nil : (h, w)
                }
            }
        }

        func nearestOracle<T>(_ x: [T], extrapolated: T) -> [T] {
            let s = shape
            let pixels = samples()
            var y: [T] = []
            for n in 0..<s.batch {
                for p in pixels {
                    for c in 0..<s.channels {
                        guard let (h, w) = p else {
                            y.append(extrapolated)
                            continue
                        }
                        let ih = nearestIndex(h, s.inH), iw = nearestIndex(w, s.inW)
                        y.append(x[((n * s.inH + ih) * s.inW + iw) * s.channels + c])
                    }
                }
            }
            return y
        }

        /// Linear: interpolate along W on the two rows, then along H, in double precision.
        func linearOracle(_ x: [Double]) -> [Double] {
            let s = shape
            func neighbours(_ v: Float, _ len: Int) -> (Int, Int, Double) {
                let c = Double(min(max(v, 0), Float(len - 1)))
                let lo = Int(c.rounded(.down)), hi = min(lo + 1, len - 1)
                return (lo, hi, hi == lo ? 0.5 : c - Double(lo))
            }
            var y: [Double] = []
            for n in 0..<s.batch {
                for p in samples() {
                    for c in 0..<s.channels {
                        guard let (h, w) = p else {
                            y.append(7)
                            continue
                        }
                        let (h1, h2, fh) = neighbours(h, s.inH), (w1, w2, fw) = neighbours(w, s.inW)
                        func at(_ i: Int, _ j: Int) -> Double { x[((n * s.inH + i) * s.inW + j) * s.channels + c] }
                        let top = at(h1, w1) * (1 - fw) + at(h1, w2) * fw
                        let bottom = at(h2, w1) * (1 - fw) + at(h2, w2) * fw
                        y.append(top * (1 - fh) + bottom * fh)
                    }
                }
            }
            return y
        }
    }

    static let nearestCases: [Case] = shapes.flatMap { s in
        coords.flatMap { c in nearestModes.map { Case(shape: s, coord: c, nearest: $0) } }
    }
    static let linearCases: [Case] = shapes.flatMap { s in
        coords.map { Case(shape: s, coord: $0, nearest: CK_NEAREST_ROUND_PREFER_FLOOR) }
    }

    static func count(_ s: Shape, out: Bool) -> Int { s.batch * (out ? s.outH * s.outW : s.inH * s.inW) * s.channels }

    @Test(arguments: nearestCases)
    func nearest(c: Case) {
        var p = c.params
        var rng = SplitMix64(seed: 41)
        let outCount = Self.count(c.shape, out: true), inCount = Self.count(c.shape, out: false)
        let xf = rng.floats(inCount)
        var yf = [Float](repeating: .nan, count: outCount)
        ck_resize_nearest_f32__scalar(&p, xf, &yf)
        expectEqualElements(yf, c.nearestOracle(xf, extrapolated: 7), "f32")
        let xu = rng.uint8s(inCount)
        var yu = [UInt8](repeating: 0, count: outCount)
        ck_resize_nearest_u8__scalar(&p, xu, &yu)
        expectEqualElements(yu, c.nearestOracle(xu, extrapolated: 7), "u8")
        let xs = rng.int8s(inCount)
        var ys = [Int8](repeating: 0, count: outCount)
        ck_resize_nearest_s8__scalar(&p, xs, &ys)
        expectEqualElements(ys, c.nearestOracle(xs, extrapolated: 7), "s8")
    }

    /// 8-bit results are the float result truncated toward zero (ONNX Runtime's rule); a double
    /// precision oracle may land on the other side of an integer, so ±1 is accepted only there.
    static func expectTruncated(_ actual: [Int32], _ exact: [Double], range: ClosedRange<Int32>, _ label: String) {
        var mismatches = 0
        for (a, e) in zip(actual, exact) {
            let truncated = Int32(
                min(max(e.rounded(.towardZero), Double(range.lowerBound)), Double(range.upperBound))
            )
            let nearInteger = abs(e - e.rounded()) < 1e-3
            if a != truncated && !(nearInteger && abs(a - truncated) <= 1) { mismatches += 1 }
        }
        #expect(actual.count == exact.count)
        #expect(mismatches == 0, "\(mismatches) elements differ (\(label))")
    }

    @Test(arguments: linearCases)
    func linear(c: Case) {
        var p = c.params
        var rng = SplitMix64(seed: 43)
        let outCount = Self.count(c.shape, out: true), inCount = Self.count(c.shape, out: false)
        let xf = rng.floats(inCount)
        var yf = [Float](repeating: .nan, count: outCount)
        ck_resize_linear_f32__scalar(&p, xf, &yf)
        expectClose(yf, c.linearOracle(xf.map(Double.init)).map { Float($0) }, relative: 1e-5, absolute: 1e-6, "f32")
        let xu = rng.uint8s(inCount)
        var yu = [UInt8](repeating: 0, count: outCount)
        ck_resize_linear_u8__scalar(&p, xu, &yu)
        Self.expectTruncated(yu.map(Int32.init), c.linearOracle(xu.map(Double.init)), range: 0...255, "u8")
        let xs = rng.int8s(inCount)
        var ys = [Int8](repeating: 0, count: outCount)
        ck_resize_linear_s8__scalar(&p, xs, &ys)
        Self.expectTruncated(ys.map(Int32.init), c.linearOracle(xs.map(Double.init)), range: -128...127, "s8")
    }
}
