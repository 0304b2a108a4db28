import Synchronization

/// A sink that keeps every output, for tests and `edgemlops flow test`.
public final class RecordingFlowSink: FlowSink {
    private let recorded = Mutex<[FlowOutput]>([])

    public init() {}

    public func deliver(_ output: FlowOutput) {
        recorded.withLock { $0.append(output) }
    }

    /// Everything delivered so far, in order.
    public var outputs: [FlowOutput] { recorded.withLock { $0 } }

    /// Outputs of one kind.
    public func outputs(_ kind: FlowOutput.Kind) -> [FlowOutput] { outputs.filter { $0.kind == kind } }

    public func removeAll() { recorded.withLock { $0.removeAll() } }
}
