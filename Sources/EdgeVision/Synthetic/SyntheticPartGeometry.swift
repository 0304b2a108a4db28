/// The shape of one part in part units: outline, holes and (for boards) decoration.
///
/// Distances are signed: negative inside material. The renderer evaluates them per pixel,
/// so everything here is branch-light arithmetic on a handful of floats.
struct SyntheticPartGeometry: Sendable, Hashable {
    var kind: SyntheticPartKind
    /// Holes as (centre x, centre y, radius). Index 0 of a disc is the centre bore,
    /// which is never "missing"; ``drillableHoles`` lists the candidates.
    var holes: [SIMD3<Float>]
    /// Radius of the smallest circle around the origin containing the part.
    var boundingRadius: Float

    static let discBoreRadius: Float = 0.22
    static let boardHalfSize = SIMD2<Float>(0.92, 0.64)
    static let boardCornerRadius: Float = 0.1
    static let boardHoleRadius: Float = 0.075
    static let boardPadRingRadius: Float = 0.13

    static func disc(boltHoles: Int) -> SyntheticPartGeometry {
        let boltRadius: Float = boltHoles <= 4 ? 0.085 : 0.07
        var holes: [SIMD3<Float>] = [SIMD3(0, 0, discBoreRadius)]
        for k in 0..<boltHoles {
            let angle = Float(k) * 2 * Float.pi / Float(boltHoles) + Float.pi / Float(boltHoles)
            holes.append(SIMD3(0.62 * SyntheticMath.cos(angle), 0.62 * SyntheticMath.sin(angle), boltRadius))
        }
        return SyntheticPartGeometry(kind: .disc, holes: holes, boundingRadius: 1)
    }

    static func pcb() -> SyntheticPartGeometry {
        let r = boardHoleRadius
        let holes: [SIMD3<Float>] = [
            SIMD3(-0.74, -0.46, r), SIMD3(0.74, -0.46, r), SIMD3(-0.74, 0.46, r), SIMD3(0.74, 0.46, r),
        ]
        let half = boardHalfSize
        return SyntheticPartGeometry(kind: .pcb, holes: holes, boundingRadius: (half * half).sum().squareRoot())
    }

    /// Indices of holes a "missing hole" defect may remove.
    var drillableHoles: Range<Int> {
        switch kind {
        case .disc: 1..<holes.count
        case .pcb: 0..<holes.count
        }
    }

    /// Signed distance to the outline, ignoring holes.
    @inline(__always)
    func outerDistance(_ u: Float, _ v: Float) -> Float {
        switch kind {
        case .disc:
            return (u * u + v * v).squareRoot() - 1
        case .pcb:
            // Rounded box: distance to the inner box, minus the corner radius.
            let c = Self.boardCornerRadius
            let qx = abs(u) - (Self.boardHalfSize.x - c)
            let qy = abs(v) - (Self.boardHalfSize.y - c)
            let ox = max(qx, 0)
            let oy = max(qy, 0)
            return (ox * ox + oy * oy).squareRoot() + min(max(qx, qy), 0) - c
        }
    }

    /// Whether a point lies on a board's chip or its silkscreen frame (never on a disc).
    /// Matches the chip drawn by ``SyntheticSurfaceShader``.
    func isOnChip(_ p: SIMD2<Float>) -> Bool {
        kind == .pcb && abs(p.x) < 0.34 && abs(p.y + 0.12) < 0.21
    }

    /// Signed distance to material: inside the outline and outside every drilled hole.
    func materialDistance(_ p: SIMD2<Float>, missingHole: Int = -1) -> Float {
        var d = outerDistance(p.x, p.y)
        for (i, hole) in holes.enumerated() where i != missingHole {
            let dx = p.x - hole.x
            let dy = p.y - hole.y
            d = max(d, hole.z - (dx * dx + dy * dy).squareRoot())
        }
        return d
    }
}
