/// A calibrated activation range `[min, max]`.
public struct TensorRange: Sendable, Hashable {
    public var min: Float
    public var max: Float
    public init(min: Float, max: Float) {
        self.min = min
        self.max = max
    }
}
