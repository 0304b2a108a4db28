/// Everything random about one frame, drawn before any pixel is rendered.
///
/// Sampling and rendering are separate so a test (or the synthetic camera) can take a
/// scene, change only its ``defect`` and render the very same part, pose, lighting,
/// dust and sensor noise with or without the defect.
public struct SyntheticScene: Sendable, Hashable {
    public let index: Int
    public let width: Int
    public let height: Int
    public let part: SyntheticPartKind
    /// The injected defect; set to nil to render the same frame as a good part.
    public var defect: SyntheticDefect?

    var geometry: SyntheticPartGeometry
    /// Part origin in pixels, rotation in radians and scale in pixels per part unit.
    var center: SIMD2<Float>
    var rotation: Float
    var pixelsPerUnit: Float
    /// Surface colour of the material under neutral light.
    var albedo: SIMD3<Float>
    /// Angle of the anisotropic sheen on turned metal.
    var sheenAngle: Float
    /// Global light level and a linear gradient across the frame (relative slope, direction).
    var lightLevel: Float
    var lightGradient: Float
    var lightGradientAngle: Float
    /// Width in pixels of every edge ramp: a cheap, defocus-like blur.
    var edgeBlur: Float
    /// Standard deviation of additive sensor noise, fraction of full scale.
    var noiseSigma: Float
    /// Conveyor texture shift: the belt moves between frames.
    var beltOffset: Int
    var dust: [DustSpeck]
    var noiseSeed: UInt64

    /// A speck of dust on the belt, the part or the lens: a nuisance, never a label.
    struct DustSpeck: Sendable, Hashable {
        var center: SIMD2<Float>
        var radius: Float
        var value: Float
        var opacity: Float
    }

    /// Maps a point in part units to pixel coordinates.
    func pixelPosition(of p: SIMD2<Float>) -> SIMD2<Float> {
        let c = SyntheticMath.cos(rotation)
        let s = SyntheticMath.sin(rotation)
        return center + pixelsPerUnit * SIMD2(c * p.x - s * p.y, s * p.x + c * p.y)
    }

    /// The ground truth of this scene as it would be rendered now.
    public var groundTruth: SyntheticGroundTruth {
        guard let defect else {
            return SyntheticGroundTruth(part: part, label: .ok, box: nil)
        }
        return SyntheticGroundTruth(part: part, label: .defect(defect.defectClass), box: defectBox(defect))
    }

    /// A pixel box containing every pixel the defect can change, clipped to the image.
    func defectBox(_ defect: SyntheticDefect) -> PixelBox {
        let halfRamp = 0.5 * edgeBlur / pixelsPerUnit
        let points: [SIMD2<Float>]
        let radius: Float
        switch defect.shape {
        case .stroke(let strokePoints, let halfWidth):
            points = strokePoints
            radius = halfWidth + halfRamp
        case .blob(let blobCenter, let blobRadius):
            points = [blobCenter]
            radius = blobRadius
        case .hole(let holeIndex):
            let hole = geometry.holes[holeIndex]
            points = [SIMD2(hole.x, hole.y)]
            radius = hole.z + halfRamp
        }
        var lower = SIMD2<Float>(repeating: .greatestFiniteMagnitude)
        var upper = SIMD2<Float>(repeating: -.greatestFiniteMagnitude)
        for point in points {
            let pixel = pixelPosition(of: point)
            lower = pointwiseMin(lower, pixel)
            upper = pointwiseMax(upper, pixel)
        }
        let reach = radius * pixelsPerUnit
        // Pixel (x, y) samples at (x + 0.5, y + 0.5); one pixel of slack absorbs rounding.
        let x0 = Int((lower.x - reach).rounded(.down)) - 1
        let y0 = Int((lower.y - reach).rounded(.down)) - 1
        let x1 = Int((upper.x + reach).rounded(.up)) + 1
        let y1 = Int((upper.y + reach).rounded(.up)) + 1
        return PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0).clipped(width: width, height: height)
    }
}
