/// Colour of a part's surface at a point in part units, before lighting and defects.
struct SyntheticSurfaceShader: Sendable {
    let kind: SyntheticPartKind
    let albedo: SIMD3<Float>
    /// cos and sin of twice the sheen angle: turned metal reflects as a two-lobed fan.
    let sheenCos: Float
    let sheenSin: Float

    static let chipColor = SIMD3<Float>(0.07, 0.07, 0.08)
    static let silkColor = SIMD3<Float>(0.85, 0.86, 0.82)
    static let goldColor = SIMD3<Float>(0.80, 0.64, 0.28)
    static let traceColor = SIMD3<Float>(0.16, 0.48, 0.26)
    static let ringColor = SIMD3<Float>(0.78, 0.78, 0.76)

    init(scene: SyntheticScene) {
        kind = scene.part
        albedo = scene.albedo
        sheenCos = SyntheticMath.cos(2 * scene.sheenAngle)
        sheenSin = SyntheticMath.sin(2 * scene.sheenAngle)
    }

    @inline(__always)
    func color(_ u: Float, _ v: Float, onPadRing: Bool) -> SIMD3<Float> {
        switch kind {
        case .disc: discColor(u, v)
        case .pcb: boardColor(u, v, onPadRing: onPadRing)
        }
    }

    /// Brushed-looking turned metal: angular sheen (no atan2: cos 2θ and sin 2θ from u, v),
    /// fine turning marks, a dark outer chamfer and a bright chamfer round the bore.
    @inline(__always)
    private func discColor(_ u: Float, _ v: Float) -> SIMD3<Float> {
        let r2 = u * u + v * v
        let r = r2.squareRoot()
        let inverse = 1 / max(r2, 1e-6)
        let cos2 = (u * u - v * v) * inverse
        let sin2 = 2 * u * v * inverse
        var shade = 1 + 0.09 * (cos2 * sheenCos + sin2 * sheenSin) + 0.02 * SyntheticMath.sin(95 * r)
        if r > 0.93 {
            shade *= 1 - 0.35 * min((r - 0.93) / 0.06, 1)
        } else if r < 0.28 {
            shade *= 1 + 0.15 * min((0.28 - r) / 0.06, 1)
        }
        return albedo * shade
    }

    /// Green board with a chip and its silkscreen outline, a row of gold pads with traces,
    /// and plated rings round the mounting holes.
    @inline(__always)
    private func boardColor(_ u: Float, _ v: Float, onPadRing: Bool) -> SIMD3<Float> {
        if onPadRing { return Self.ringColor }
        let ax = abs(u)
        let ay = abs(v + 0.12)
        if ax < 0.3, ay < 0.17 { return Self.chipColor }
        if ax < 0.34, ay < 0.21, !(ax < 0.31 && ay < 0.18) { return Self.silkColor }
        if ax < 0.6, v > 0.05, v < 0.4 {
            let k = (u + 0.56) / 0.16
            let offset = abs(k - k.rounded()) * 0.16
            if v > 0.26, offset < 0.045 { return Self.goldColor }
            if v <= 0.26, offset < 0.012 { return Self.traceColor }
        }
        return albedo
    }
}
