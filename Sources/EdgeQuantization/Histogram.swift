import Foundation

/// A fixed-range histogram of activation values, with ONNX Runtime's percentile and entropy
/// threshold selection on top.
struct Histogram: Sendable {
    var counts: [Double]
    let lower: Float
    let upper: Float

    init(bins: Int, lower: Float, upper: Float) {
        counts = Array(repeating: 0, count: Swift.max(bins, 2))
        self.lower = lower
        // A constant tensor still needs a non-empty range.
        self.upper = upper > lower ? upper : lower + 1
    }

    func edge(_ i: Int) -> Float { lower + (upper - lower) * Float(i) / Float(counts.count) }

    mutating func add(_ values: [Float]) {
        let n = counts.count
        let scale = Float(n) / (upper - lower)
        for v in values where v.isFinite {
            let i = Int((v - lower) * scale)
            counts[Swift.min(Swift.max(i, 0), n - 1)] += 1
        }
    }

    /// ORT's asymmetric percentile: cut (100 − p)/2 percent on each side.
    func percentileRange(_ percentile: Double) -> TensorRange {
        let total = counts.reduce(0, +)
        guard total > 0 else { return TensorRange(min: lower, max: upper) }
        let cut = (100 - percentile) / 200
        var cdf = 0.0
        var left = 0, right = counts.count - 1
        var foundLeft = false
        for (i, c) in counts.enumerated() {
            cdf += c / total
            if !foundLeft && cdf >= cut { left = i; foundLeft = true }
            if cdf >= 1 - cut { right = i; break }
        }
        return TensorRange(min: edge(left), max: edge(right + 1))
    }

    /// ORT's entropy calibrator: for growing symmetric windows around the zero bin, the KL
    /// divergence between the clipped distribution and its `quantizedBins`-level quantization;
    /// the window with the least divergence wins.
    func entropyRange(quantizedBins: Int) -> TensorRange {
        let n = counts.count
        let zero = n / 2
        let half = Swift.max(quantizedBins / 2, 1)
        guard half <= zero else { return TensorRange(min: lower, max: upper) }
        var best = (kl: Double.infinity, range: TensorRange(min: lower, max: upper))
        for i in half...zero {
            let start = zero - i, end = Swift.min(zero + i + 1, n)
            let sliced = Array(counts[start..<end])
            var p = sliced
            p[0] += counts[..<start].reduce(0, +)
            p[p.count - 1] += counts[end...].reduce(0, +)
            let merged = Swift.max(sliced.count / quantizedBins, 1)
            var q = Array(repeating: 0.0, count: p.count)
            for index in 0..<quantizedBins {
                let s = index * merged
                guard s < sliced.count else { break }
                let e = index == quantizedBins - 1 ? sliced.count : Swift.min(s + merged, sliced.count)
                let sum = sliced[s..<e].reduce(0, +)
                let nonzero = p[s..<e].filter { $0 != 0 }.count
                if nonzero > 0 { for j in s..<e where p[j] != 0 { q[j] = sum / Double(nonzero) } }
            }
            let kl = Self.divergence(Self.smoothed(p), Self.smoothed(q))
            if kl < best.kl { best = (kl, TensorRange(min: edge(start), max: edge(end))) }
        }
        return best.range
    }

    /// Moves a little mass onto empty bins so the divergence stays finite (ORT's smooth_distribution).
    static func smoothed(_ p: [Double], eps: Double = 0.0001) -> [Double] {
        let zeros = p.filter { $0 == 0 }.count
        let nonzeros = p.count - zeros
        guard nonzeros > 0 else { return p.map { _ in 1 / Double(p.count) } }
        let eps1 = eps * Double(zeros) / Double(nonzeros)
        return p.map { $0 == 0 ? eps : Swift.max($0 - eps1, eps) }
    }

    static func divergence(_ p: [Double], _ q: [Double]) -> Double {
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { return .infinity }
        var kl = 0.0
        for (a, b) in zip(p, q) where a > 0 {
            let pa = a / sp, qb = b / sq
            kl += pa * log(pa / qb)
        }
        return kl
    }
}
