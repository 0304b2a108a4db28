/// Where a flow's outputs go. The cloud connector implements it; tests use ``RecordingFlowSink``.
///
/// Called on the flow's serial executor, so it must return quickly (queue, don't publish inline).
public protocol FlowSink: Sendable {
    func deliver(_ output: FlowOutput)
}
