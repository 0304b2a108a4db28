/// What the install gate enforces. Built from the agent configuration or the environment.
public struct GateConfiguration: Sendable {
    /// Largest bundle accepted, compressed, and the cap on its decompressed content. Bundles are
    /// unpacked in memory, so the second cap also bounds the plugin's peak memory.
    public var maxBundleBytes: Int
    public var maxUnpackedBytes: Int
    /// When true, a bundle must carry `manifest.json.sig` from a key in `keysDirectory`.
    public var requireSignature: Bool
    public var keysDirectory: String
    /// The shape the camera pipeline feeds; nil skips the compatibility check.
    public var pipelineInputShape: [Int]?
    public var validators: [any ModelValidator]

    public static let defaultKeysDirectory = "/etc/edgemlops/keys"

    public init(
        maxBundleBytes: Int = 256 << 20,
        maxUnpackedBytes: Int = 512 << 20,
        requireSignature: Bool = false,
        keysDirectory: String = Self.defaultKeysDirectory,
        pipelineInputShape: [Int]? = nil,
        validators: [any ModelValidator] = []
    ) {
        self.maxBundleBytes = maxBundleBytes
        self.maxUnpackedBytes = maxUnpackedBytes
        self.requireSignature = requireSignature
        self.keysDirectory = keysDirectory
        self.pipelineInputShape = pipelineInputShape
        self.validators = validators
    }
}
