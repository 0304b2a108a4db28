/// Deterministic generator (SplitMix64) so every failing case is reproducible from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &self) }
    }

    mutating func int8s(_ count: Int, in range: ClosedRange<Int8> = .min ... .max) -> [Int8] {
        (0..<count).map { _ in Int8.random(in: range, using: &self) }
    }

    mutating func uint8s(_ count: Int, in range: ClosedRange<UInt8> = .min ... .max) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: range, using: &self) }
    }

    mutating func int32s(_ count: Int, in range: ClosedRange<Int32>) -> [Int32] {
        (0..<count).map { _ in Int32.random(in: range, using: &self) }
    }
}
