/// The outcome of one inference, as the executor reports it.
public enum InferenceOutcome: Sendable, Equatable {
    case succeeded(latency: Duration)
    case failed(reason: String)
}

/// The counting half of the rollback rule, free of any executor or store so it can be tested alone.
public struct Probation: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// Still watching; `remaining` inferences to go.
        case watching(remaining: Int)
        case confirmed
        case rollback(reason: String)
    }

    public let policy: ProbationPolicy
    public private(set) var seen = 0
    public private(set) var failures = 0
    public private(set) var overBudget = 0
    public private(set) var verdict: Verdict

    public init(policy: ProbationPolicy) {
        self.policy = policy
        verdict = policy.inferences > 0 ? .watching(remaining: policy.inferences) : .confirmed
    }

    /// Counts one inference; once the verdict is final, further outcomes change nothing.
    @discardableResult
    public mutating func record(_ outcome: InferenceOutcome) -> Verdict {
        guard case .watching = verdict else { return verdict }
        seen += 1
        var lastFailure: String?
        switch outcome {
        case .failed(let reason):
            failures += 1
            lastFailure = reason
        case .succeeded(let latency):
            if let budget = policy.latencyBudget, latency > budget { overBudget += 1 }
        }
        if failures > policy.maxFailures {
            verdict = .rollback(
                reason: "\(failures) of the first \(seen) inferences failed (last: \(lastFailure ?? "?"))"
            )
        } else if overBudget > policy.maxOverBudget, let budget = policy.latencyBudget {
            verdict = .rollback(
                reason: "\(overBudget) of the first \(seen) inferences exceeded the latency budget of \(budget)"
            )
        } else if seen >= policy.inferences {
            verdict = .confirmed
        } else {
            verdict = .watching(remaining: policy.inferences - seen)
        }
        return verdict
    }
}
