import EdgeFlows
import Logging
import Synchronization

/// Flow outputs that stay on the device (`sample` today; `capture`, `signal`, `log` are
/// logged) go from the connector to the pipeline that produced the frame. Built before the
/// pipelines, which register their feedback as they are made.
final class LocalOutputRouter: Sendable {
    private let feedbacks = Mutex<[String: (feedback: InferenceFeedback, backend: any InferenceBackend)]>([:])
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func register(_ feedback: InferenceFeedback, backend: any InferenceBackend) {
        feedbacks.withLock { $0[feedback.pipeline] = (feedback, backend) }
    }

    func route(_ output: FlowOutput) {
        let fields = output.fields
        switch output.kind {
        case .sample:
            let frameID: Int? =
                switch fields["frame"] {
                case .integer(let value)?: Int(value)
                case .number(let value)? where value == value.rounded() && abs(value) < 1e15: Int(value)
                default: nil
                }
            guard let id = frameID else {
                logger.warning("sample output without a frame id", metadata: ["flow": "\(output.flow)", "flow.node": "\(output.node)"])
                return
            }
            let pipeline = fields["pipeline"]?.stringValue
            let targets = feedbacks.withLock { all in
                pipeline.flatMap { all[$0] }.map { [$0] } ?? Array(all.values)
            }
            let reason = fields["reason"]?.stringValue ?? "sample"
            // Without a pipeline name (a hand-made message) the first pipeline still holding the frame takes it.
            for target in targets where target.feedback.sample(frameID: id, reason: reason, model: target.backend.modelInfo) {
                return
            }
        default:
            logger.info(
                "flow output", metadata: ["flow": "\(output.flow)", "flow.node": "\(output.node)", "flow.kind": "\(output.kind)", "fields": "\(FlowJSON.encode(fields))"])
        }
    }
}
