/// The kinds of part travelling on the synthetic conveyor.
public enum SyntheticPartKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A turned metal disc with a centre bore and a ring of bolt holes.
    case disc
    /// A small green circuit board with gold pads, a chip and four mounting holes.
    case pcb
}
