/// One injected defect, in the part's own coordinates (so it moves and turns with the part).
///
/// Part coordinates are "units": the disc has radius 1, the board is 1.84 × 1.28. The
/// renderer maps them to pixels with the scene's pose.
public struct SyntheticDefect: Sendable, Hashable {
    public var defectClass: SyntheticDefectClass
    /// Peak change of surface brightness (fraction of full scale), or tint strength.
    /// Small values (about 0.05) are the "barely visible" ones.
    public var contrast: Float
    var shape: Shape
    /// +1 brightens, -1 darkens (scratches, spots).
    var sign: Float
    /// Dents are shaded dimples lit from this unit direction; spots (zero vector) are flat.
    var lightDirection: SIMD2<Float>
    /// Per-channel tint for discoloration.
    var tint: SIMD3<Float>

    enum Shape: Sendable, Hashable {
        /// A polyline with a half width: two points for a scratch, several for a crack.
        case stroke(points: [SIMD2<Float>], halfWidth: Float)
        /// A round patch with compact support (zero effect at and beyond `radius`).
        case blob(center: SIMD2<Float>, radius: Float)
        /// The hole with this index in the part geometry is not drilled.
        case hole(index: Int)
    }
}
