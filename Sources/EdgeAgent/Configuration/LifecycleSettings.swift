/// `[lifecycle]`: the probation budgets a newly activated model must meet before it is kept
/// (same meaning as EdgeOps' `ProbationPolicy`).
public struct LifecycleSettings: Sendable, Hashable {
    /// `probation_inferences`
    public var probationInferences: Int
    /// `max_failures`
    public var maxFailures: Int
    /// `latency_budget_ms`: 0 means no latency budget.
    public var latencyBudgetMilliseconds: Int
    /// `max_over_budget`
    public var maxOverBudget: Int
    /// `store_poll_ms`: how often the model store is checked for a version activated by the
    /// sm-plugin (an over-the-air install); 0 turns following the store off.
    public var storePollMilliseconds: Int

    public init(
        probationInferences: Int = 20, maxFailures: Int = 0, latencyBudgetMilliseconds: Int = 0, maxOverBudget: Int = 2,
        storePollMilliseconds: Int = 2000
    ) {
        self.probationInferences = probationInferences
        self.maxFailures = maxFailures
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.maxOverBudget = maxOverBudget
        self.storePollMilliseconds = storePollMilliseconds
    }
}
