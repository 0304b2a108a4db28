/// Applies a scene's defect to surface colour, inside the defect's pixel box only.
///
/// Every effect has compact support (strokes fade to zero at half width + half the edge
/// ramp, blobs at their radius), matching ``SyntheticScene/defectBox(_:)``.
struct SyntheticDefectPainter: Sendable {
    private enum Mode: Sendable {
        case none, stroke, dent, spot, tint
    }

    private let mode: Mode
    /// Empty when there is nothing to paint.
    let box: PixelBox
    /// Index of the undrilled hole, or -1.
    let missingHole: Int
    let strokePoints: [SIMD2<Float>]
    private let halfWidth: Float
    private let center: SIMD2<Float>
    private let inverseRadius: Float
    private let amount: Float
    private let lightDirection: SIMD2<Float>
    private let tint: SIMD3<Float>

    init(scene: SyntheticScene) {
        var mode = Mode.none
        var box = PixelBox(x: 0, y: 0, width: 0, height: 0)
        var missingHole = -1
        var strokePoints: [SIMD2<Float>] = []
        var halfWidth: Float = 0
        var center = SIMD2<Float>.zero
        var inverseRadius: Float = 0
        if let defect = scene.defect {
            box = scene.defectBox(defect)
            switch defect.shape {
            case .stroke(let points, let width):
                mode = .stroke
                strokePoints = points
                halfWidth = width
            case .blob(let blobCenter, let radius):
                center = blobCenter
                inverseRadius = 1 / radius
                if defect.defectClass == .discoloration {
                    mode = .tint
                } else {
                    mode = defect.lightDirection == .zero ? .spot : .dent
                }
            case .hole(let index):
                // Drawn by leaving the hole out of the outline; no colour to change.
                missingHole = index
                box = PixelBox(x: 0, y: 0, width: 0, height: 0)
            }
        }
        self.mode = mode
        self.box = box
        self.missingHole = missingHole
        self.strokePoints = strokePoints
        self.halfWidth = halfWidth
        self.center = center
        self.inverseRadius = inverseRadius
        self.amount = (scene.defect?.sign ?? 0) * (scene.defect?.contrast ?? 0)
        self.lightDirection = scene.defect?.lightDirection ?? .zero
        self.tint = (scene.defect?.contrast ?? 0) * (scene.defect?.tint ?? .zero)
    }

    @inline(__always)
    func paint(
        _ color: SIMD3<Float>,
        _ u: Float,
        _ v: Float,
        strokePoints points: UnsafeBufferPointer<SIMD2<Float>>,
        rampScale: Float
    ) -> SIMD3<Float> {
        let p = SIMD2(u, v)
        switch mode {
        case .none:
            return color
        case .stroke:
            var best = Float.greatestFiniteMagnitude
            for i in 1..<points.count {
                let a = points[i - 1]
                let ab = points[i] - a
                let t = min(max(((p - a) * ab).sum() / max((ab * ab).sum(), 1e-12), 0), 1)
                let q = p - (a + t * ab)
                best = min(best, (q * q).sum())
            }
            let intensity = min(max(0.5 - (best.squareRoot() - halfWidth) * rampScale, 0), 1)
            return color + amount * intensity
        case .dent, .spot, .tint:
            let q = (p - center) * inverseRadius
            let t = (q * q).sum()
            if t >= 1 { return color }
            let bump = (1 - t) * (1 - t)
            switch mode {
            case .dent:
                // A dimple: the side facing the light darker, the far side brighter.
                let facing = (q * lightDirection).sum()
                return color - amount * bump * (1.6 * facing - 0.3)
            case .tint:
                return color * (1 + bump * tint) + 0.25 * bump * tint
            default:
                return color + amount * bump
            }
        }
    }
}
