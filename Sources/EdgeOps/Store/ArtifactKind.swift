/// What a store holds; the thin-edge software type follows from it.
public enum ArtifactKind: String, Sendable, CaseIterable {
    case model
    case flow

    /// The thin-edge software type, also the sm-plugin file name in `/etc/tedge/sm-plugins/`.
    public var softwareType: String { "edgemlops-\(rawValue)" }

    /// The sub-directory of the state directory the versions live in.
    public var stateSubdirectory: String { rawValue + "s" }
}
