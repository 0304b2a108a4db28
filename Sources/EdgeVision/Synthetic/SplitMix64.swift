/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, statistically solid 64-bit generator.
///
/// The synthetic line must render the same bytes for the same seed on every run and every
/// machine, so it never touches the system generator; every random decision flows from one
/// of these, seeded from the line seed and the frame index. The helpers below are our own
/// (not `Float.random(in:using:)`) so a standard-library change cannot shift the dataset.
public struct SplitMix64: Sendable, Hashable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    /// Derives an independent stream from a seed and a stream number (frame index, purpose).
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.state = mixer.next() ^ stream
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    @inline(__always)
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [lower, upper).
    @inline(__always)
    public mutating func uniform(_ lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * Float(nextUnit())
    }

    /// Uniform integer in 0..<bound (bound > 0); Lemire's multiply-shift, bias below 2^-32 for our bounds.
    @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let product = (next() >> 32) &* UInt64(bound)
        return Int(product >> 32)
    }

    /// True with probability `probability`.
    @inline(__always)
    public mutating func chance(_ probability: Double) -> Bool {
        nextUnit() < probability
    }
}
