import EdgeInference

/// What a validator sees: the unpacked candidate and its parsed model.
public struct ValidationCandidate: Sendable {
    /// The staging directory holding the unpacked bundle.
    public var directory: String
    public var manifest: ModelManifest
    public var model: Model
}

/// A pluggable install-gate check that needs to run the model: the golden-set comparison and
/// the on-device latency budget are implemented against the executor.
public protocol ModelValidator: Sendable {
    /// The step name in the gate report, e.g. `golden-set`, `latency`.
    var name: String { get }
    /// Returns a one-line detail for the report; throws a ``BundleError`` with code `.validation` to refuse.
    func validate(_ candidate: ValidationCandidate) async throws(BundleError) -> String
}
