/// A deterministic synthetic inspection line: frame `i` shows one part on a conveyor,
/// good or with one defect, under realistic nuisances, with its ground truth.
///
/// The same seed gives the same frames byte for byte (on one architecture: `sinf` may
/// round differently elsewhere), so datasets are reproducible and the synthetic camera
/// shows the world the model was trained on. Frames are independent: any index can be
/// rendered in any order, from any thread.
///
/// ```swift
/// let line = try SyntheticInspectionLine(configuration: .init(width: 128, height: 128, seed: 7))
/// let frame = line.frame(42)          // frame.image, frame.truth.label, frame.truth.box
/// ```
public struct SyntheticInspectionLine: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Accepted image widths and heights.
        public static let sizeRange = 16...8192

        /// Frame size in pixels. The dataset default is 128 × 128: the classifier's input,
        /// rendered directly (not cropped) with the part centred; a camera uses 640 × 480.
        public var width: Int
        public var height: Int
        public var seed: UInt64
        /// Probability that a frame carries a defect; classes are then equally likely.
        public var defectRate: Double
        /// Diameter of the part's bounding circle as a fraction of the shorter image side.
        public var partFraction: Float

        public init(
            width: Int = 128,
            height: Int = 128,
            seed: UInt64 = 1,
            defectRate: Double = 0.5,
            partFraction: Float = 0.78
        ) {
            self.width = width
            self.height = height
            self.seed = seed
            self.defectRate = defectRate
            self.partFraction = partFraction
        }

        /// Throws ``SyntheticLineError`` naming the first field that cannot work.
        public func validate() throws(SyntheticLineError) {
            for (field, value) in [("width", width), ("height", height)] where !Self.sizeRange.contains(value) {
                throw SyntheticLineError(
                    code: .invalidSize,
                    field: field,
                    value: String(value),
                    reason: "must be in \(Self.sizeRange.lowerBound)...\(Self.sizeRange.upperBound) pixels"
                )
            }
            guard defectRate.isFinite, (0...1).contains(defectRate) else {
                throw SyntheticLineError(
                    code: .invalidDefectRate,
                    field: "defectRate",
                    value: String(defectRate),
                    reason: "must be a probability in 0...1"
                )
            }
            guard partFraction.isFinite, (0.2...1).contains(partFraction) else {
                throw SyntheticLineError(
                    code: .invalidPartFraction,
                    field: "partFraction",
                    value: String(partFraction),
                    reason: "must be in 0.2...1"
                )
            }
        }
    }

    public let configuration: Configuration
    /// Conveyor belt grain along rows and columns, fixed per seed, values in -1...1.
    let beltRows: [Float]
    let beltColumns: [Float]
    static let beltPeriod = 256
    /// Unit-variance sensor noise, drawn once per line. Each frame row reads a run of it
    /// from a random offset: per-pixel random draws were half the render time.
    let noise: [Float]
    static let noiseCount = 1 << 18

    public init(configuration: Configuration) throws(SyntheticLineError) {
        try configuration.validate()
        self.configuration = configuration
        var rng = SplitMix64(seed: configuration.seed, stream: 0xBE10)
        self.beltRows = Self.grain(count: Self.beltPeriod, rng: &rng)
        self.beltColumns = Self.grain(count: Self.beltPeriod, rng: &rng)
        var noiseRNG = SplitMix64(seed: configuration.seed, stream: 0x401E)
        self.noise = Self.unitNoise(count: Self.noiseCount, rng: &noiseRNG)
    }

    /// Frame `index` with its ground truth. Any integer is an index; datasets use 0, 1, 2, ...
    public func frame(_ index: Int) -> SyntheticFrame {
        let scene = scene(at: index)
        return SyntheticFrame(index: index, image: render(scene), truth: scene.groundTruth)
    }

    /// Approximately Gaussian values with mean 0 and variance 1: the sum of four uniforms
    /// (Irwin-Hall, variance 4/12), rescaled.
    private static func unitNoise(count: Int, rng: inout SplitMix64) -> [Float] {
        let scale = Float(3).squareRoot() / 65535
        return (0..<count).map { _ in
            let bits = rng.next()
            var sum: Int = 0
            for k in 0..<4 { sum += Int((bits >> UInt64(16 * k)) & 0xFFFF) }
            return Float(sum - 2 * 65535) * scale
        }
    }

    /// Smooth periodic noise: random values, then two passes of a circular 1-2-1 filter.
    private static func grain(count: Int, rng: inout SplitMix64) -> [Float] {
        var values = (0..<count).map { _ in rng.uniform(-1, 1) }
        for _ in 0..<2 {
            values = values.indices.map { i in
                0.25 * values[(i + count - 1) % count] + 0.5 * values[i] + 0.25 * values[(i + 1) % count]
            }
        }
        let peak = values.map(abs).max() ?? 1
        return values.map { $0 / max(peak, 1e-6) }
    }
}
