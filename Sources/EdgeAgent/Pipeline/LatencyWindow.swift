/// The last `capacity` latencies, for p50/p99 without unbounded memory: a ring of samples,
/// sorted on demand (a few times per second at most).
public struct LatencyWindow: Sendable, Hashable {
    public let capacity: Int
    private var samples: [Double] = []
    private var next = 0

    public init(capacity: Int = 1024) {
        precondition(capacity > 0, "LatencyWindow needs room for one sample")
        self.capacity = capacity
        samples.reserveCapacity(capacity)
    }

    public var count: Int { samples.count }

    public mutating func record(_ milliseconds: Double) {
        if samples.count < capacity {
            samples.append(milliseconds)
        } else {
            samples[next] = milliseconds
        }
        next = (next + 1) % capacity
    }

    /// Nearest-rank percentile (`p` in 0...100) of the window; nil when empty.
    public func percentile(_ p: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
