/// Latency statistics over the timed runs of `edgemlops bench`.
///
/// Percentiles use the nearest-rank method on the sorted samples, so every reported figure is
/// a latency that was actually measured (no interpolation between two runs).
struct BenchStatistics: Sendable, Equatable {
    let runs: Int
    let meanMilliseconds: Double
    let medianMilliseconds: Double
    let p90Milliseconds: Double
    let p99Milliseconds: Double
    let minMilliseconds: Double
    let maxMilliseconds: Double

    /// Statistics of `nanoseconds` (one sample per run); nil when there are no samples.
    init?(nanoseconds: [UInt64]) {
        guard !nanoseconds.isEmpty else { return nil }
        let sorted = nanoseconds.sorted().map { Double($0) / 1e6 }
        runs = sorted.count
        meanMilliseconds = sorted.reduce(0, +) / Double(sorted.count)
        medianMilliseconds = sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        p90Milliseconds = Self.nearestRank(sorted, percent: 90)
        p99Milliseconds = Self.nearestRank(sorted, percent: 99)
        minMilliseconds = sorted[0]
        maxMilliseconds = sorted[sorted.count - 1]
    }

    /// Inferences per second of one session running back to back.
    var throughputPerSecond: Double { meanMilliseconds > 0 ? 1000 / meanMilliseconds : 0 }

    /// The sample at rank ceil(p/100 · n), 1-based.
    static func nearestRank(_ sorted: [Double], percent: Int) -> Double {
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }
}
