/// What one call into a flow produced.
public struct FlowStep: Sendable, Hashable {
    /// Sink outputs and node errors, in the order the flow produced them.
    public var outputs: [FlowOutput]
    /// When the flow next needs ``FlowInstance/tick(now:)`` (its earliest timer), in flow seconds.
    public var nextDeadline: Double?

    public init(outputs: [FlowOutput] = [], nextDeadline: Double? = nil) {
        self.outputs = outputs
        self.nextDeadline = nextDeadline
    }

    /// Node errors in this step (kind `.error`).
    public var errors: [FlowOutput] { outputs.filter { $0.kind == .error } }
}
