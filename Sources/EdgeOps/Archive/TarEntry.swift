/// One member of a tar archive, after pax and GNU long-name records are applied.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file
        case directory
        case symlink(target: String)
    }

    /// The normalised relative path (no `.` components, no leading `./`).
    public var path: String
    public var kind: Kind
    public var mode: Int
    /// Where the content lies in the tar bytes (empty for directories and links).
    public var contentRange: Range<Int>
}
