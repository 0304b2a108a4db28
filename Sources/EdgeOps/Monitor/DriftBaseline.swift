/// Reference samples per monitored feature: from the bundle, or the first frames after activation.
public struct DriftBaseline: Sendable, Equatable, Codable {
    public var scores: [Double]
    public var brightness: [Double]
    public var contrast: [Double]
    public var sharpness: [Double]

    public init(scores: [Double] = [], brightness: [Double] = [], contrast: [Double] = [], sharpness: [Double] = []) {
        self.scores = scores
        self.brightness = brightness
        self.contrast = contrast
        self.sharpness = sharpness
    }
}
