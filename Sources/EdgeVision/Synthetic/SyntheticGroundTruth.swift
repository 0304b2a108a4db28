/// What a frame shows: the part, the label and where the defect is.
public struct SyntheticGroundTruth: Sendable, Hashable {
    public var part: SyntheticPartKind
    public var label: SyntheticLabel
    /// Pixels the defect can change (clipped to the image); nil for "ok" frames.
    /// Rendering the same scene without the defect differs only inside this box.
    public var box: PixelBox?

    public init(part: SyntheticPartKind, label: SyntheticLabel, box: PixelBox?) {
        self.part = part
        self.label = label
        self.box = box
    }
}
