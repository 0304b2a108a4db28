import EdgeFlows
import Logging
import Synchronization

/// Flow outputs that do not go to the cloud: `sample` to the pipeline that produced the frame,
/// `signal` to the line's controller on the local broker (``SignalPublisher``); `capture`,
/// `log` and `debug` are logged. Built before the connector and the pipelines, which attach
/// the signal publisher and register their feedback as they are made.
final class LocalOutputRouter: Sendable {
    private let feedbacks = Mutex<[String: (feedback: InferenceFeedback, backend: any InferenceBackend)]>([:])
    private let signals = Mutex<SignalPublisher?>(nil)
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func attach(_ publisher: SignalPublisher) {
        signals.withLock { $0 = publisher }
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
        case .signal:
            guard let publisher = signals.withLock({ $0 }) else {
                logger.error("signal not sent: no broker client", metadata: ["flow": "\(output.flow)", "flow.node": "\(output.node)"])
                return
            }
            publisher.publish(output)
        default:
            logger.info(
                "flow output", metadata: ["flow": "\(output.flow)", "flow.node": "\(output.node)", "flow.kind": "\(output.kind)", "fields": "\(FlowJSON.encode(fields))"])
        }
    }
}
