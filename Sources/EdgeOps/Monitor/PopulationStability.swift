import Foundation

/// Population stability index of a recent sample against a baseline sample, over bins cut at the
/// baseline's quantiles: Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ). Rule of thumb: < 0.1 stable, > 0.25 shifted.
public struct PopulationStability: Sendable, Equatable {
    /// Inner bin edges (count − 1 of them), from the baseline.
    public let edges: [Double]
    let expected: [Double]
    /// Keeps empty bins from making the index infinite.
    static let floor = 1e-4

    /// Nil when the baseline is empty.
    public init?(baseline: [Double], bins: Int = 10) {
        guard !baseline.isEmpty, bins >= 2 else { return nil }
        let sorted = baseline.sorted()
        var edges: [Double] = []
        for k in 1..<bins {
            let edge = sorted[min(sorted.count - 1, k * sorted.count / bins)]
            if edges.last != edge { edges.append(edge) }
        }
        self.edges = edges
        expected = Self.fractions(baseline, edges: edges)
    }

    public func index(_ recent: [Double]) -> Double {
        guard !recent.isEmpty else { return 0 }
        let actual = Self.fractions(recent, edges: edges)
        var psi = 0.0
        for (a, e) in zip(actual, expected) {
            let a = max(a, Self.floor), e = max(e, Self.floor)
            psi += (a - e) * log(a / e)
        }
        return psi
    }

    static func fractions(_ values: [Double], edges: [Double]) -> [Double] {
        var counts = [Double](repeating: 0, count: edges.count + 1)
        for value in values {
            // First edge above the value; values equal to an edge go to the upper bin.
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if edges[mid] <= value { lo = mid + 1 } else { hi = mid }
            }
            counts[lo] += 1
        }
        return counts.map { $0 / Double(values.count) }
    }
}
