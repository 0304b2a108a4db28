/// The outcome of each install-gate step, in order; printed by the sm-plugin on failure.
public struct GateReport: Sendable, CustomStringConvertible {
    public enum Outcome: Sendable, Equatable {
        case passed(String)
        case skipped(String)
        case failed(BundleError)
    }

    public struct Step: Sendable {
        public var name: String
        public var outcome: Outcome
    }

    public var steps: [Step] = []
    public var manifest: ModelManifest?

    public init() {}

    public var passed: Bool {
        !steps.contains { if case .failed = $0.outcome { true } else { false } }
    }

    /// The first failure, the reason reported to the cloud.
    public var failure: (step: String, error: BundleError)? {
        for step in steps { if case .failed(let error) = step.outcome { return (step.name, error) } }
        return nil
    }

    public var description: String {
        steps.map { step in
            switch step.outcome {
            case .passed(let detail): "  ok    \(step.name): \(detail)"
            case .skipped(let detail): "  skip  \(step.name): \(detail)"
            case .failed(let error): "  FAIL  \(step.name): \(error)"
            }
        }.joined(separator: "\n")
    }
}
