/// A sample in the spool: `<id>.jpg` and `<id>.json`. Ids sort oldest first.
public struct SpooledSample: Sendable, Equatable {
    public var id: String
    public var jpegPath: String
    public var metadataPath: String
    public var metadata: SampleMetadata
}
