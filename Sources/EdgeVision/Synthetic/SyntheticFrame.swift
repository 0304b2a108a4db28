/// One rendered frame of the synthetic line with its ground truth.
public struct SyntheticFrame: Sendable, Hashable {
    public var index: Int
    public var image: Image
    public var truth: SyntheticGroundTruth

    public init(index: Int, image: Image, truth: SyntheticGroundTruth) {
        self.index = index
        self.image = image
        self.truth = truth
    }
}
