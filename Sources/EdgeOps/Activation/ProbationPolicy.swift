/// How a newly activated model earns its place: over its first `inferences` runs, at most
/// `maxFailures` may fail and at most `maxOverBudget` may exceed `latencyBudget`.
public struct ProbationPolicy: Sendable, Equatable {
    public var inferences: Int
    public var maxFailures: Int
    public var latencyBudget: Duration?
    public var maxOverBudget: Int

    public init(inferences: Int = 20, maxFailures: Int = 0, latencyBudget: Duration? = nil, maxOverBudget: Int = 2) {
        self.inferences = inferences
        self.maxFailures = maxFailures
        self.latencyBudget = latencyBudget
        self.maxOverBudget = maxOverBudget
    }
}
