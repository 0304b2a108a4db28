@testable import EdgeInference

/// Naive float reference computations used to check passes numerically (independent of the
/// runtime's kernels): NCHW 2-D convolution with groups, strides and pads, BatchNormalization, Gemm.
enum ReferenceMath {
    static func conv2d(
        x: [Float],
        xShape: [Int],
        w: [Float],
        wShape: [Int],
        bias: [Float]?,
        group: Int,
        stride: Int,
        pad: Int
    ) -> (values: [Float], shape: [Int]) {
        let (n, c, h, wd) = (xShape[0], xShape[1], xShape[2], xShape[3])
        let (m, cg, kh, kw) = (wShape[0], wShape[1], wShape[2], wShape[3])
        let oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1
        let mg = m / group
        var out = [Float](repeating: 0, count: n * m * oh * ow)
        for b in 0..<n {
            for o in 0..<m {
                let g = o / mg
                for y in 0..<oh {
                    for x0 in 0..<ow {
                        var acc = Double(bias?[o] ?? 0)
                        for ci in 0..<cg {
                            let channel = g * cg + ci
                            for ky in 0..<kh {
                                for kx in 0..<kw {
                                    let iy = y * stride - pad + ky, ix = x0 * stride - pad + kx
                                    guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                                    acc +=
                                        Double(x[((b * c + channel) * h + iy) * wd + ix])
                                        * Double(w[((o * cg + ci) * kh + ky) * kw + kx])
                                }
                            }
                        }
                        out[((b * m + o) * oh + y) * ow + x0] = Float(acc)
                    }
                }
            }
        }
        return (out, [n, m, oh, ow])
    }

    /// BatchNormalization over axis 1 of an N×C×... tensor.
    static func batchNorm(
        _ x: [Float],
        shape: [Int],
        scale: [Float],
        bias: [Float],
        mean: [Float],
        variance: [Float],
        epsilon: Float
    ) -> [Float] {
        let c = shape[1]
        let inner = shape.dropFirst(2).reduce(1, *)
        return x.indices.map { i in
            let ch = (i / inner) % c
            return (x[i] - mean[ch]) / (variance[ch] + epsilon).squareRoot() * scale[ch] + bias[ch]
        }
    }

    /// alpha·A·Bᵀ(opt) + beta·C with C of shape [N].
    static func gemm(
        a: [Float],
        m: Int,
        k: Int,
        b: [Float],
        n: Int,
        transB: Bool,
        c: [Float],
        alpha: Float,
        beta: Float
    ) -> [Float] {
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc: Double = 0
                for p in 0..<k { acc += Double(a[i * k + p]) * Double(transB ? b[j * k + p] : b[p * n + j]) }
                out[i * n + j] = Float(Double(alpha) * acc + Double(beta) * Double(c[j]))
            }
        }
        return out
    }

    static func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }
}
