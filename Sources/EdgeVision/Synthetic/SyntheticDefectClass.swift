/// The defect classes the synthetic line injects; the classifier learns these plus "ok".
public enum SyntheticDefectClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// A thin straight line, brighter or darker than the surface.
    case scratch
    /// A small dent (shaded dimple) or a dark spot.
    case dent
    /// A thin, dark, jagged line.
    case crack
    /// One bolt or mounting hole was never drilled.
    case missingHole = "missing_hole"
    /// A soft-edged tinted patch (heat tint, corrosion).
    case discoloration
}

/// The label of one frame: "ok" or a defect class, spelled as in `labels.csv`.
public enum SyntheticLabel: Sendable, Hashable {
    case ok
    case defect(SyntheticDefectClass)

    /// Every label, "ok" first: the classifier's class order.
    public static let allLabels: [SyntheticLabel] = [.ok] + SyntheticDefectClass.allCases.map { .defect($0) }

    public var name: String {
        switch self {
        case .ok: "ok"
        case .defect(let defectClass): defectClass.rawValue
        }
    }
}
