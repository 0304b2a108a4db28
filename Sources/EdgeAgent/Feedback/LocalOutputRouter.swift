import EdgeFlows
import EdgeVision
import Logging
import Synchronization

/// Flow outputs that do not go to the cloud: `sample` to the pipeline that produced the frame,
/// `signal` to the line's controller on the local broker (``SignalPublisher``); `capture`,
/// `log` and `debug` are logged. Built before the connector and the pipelines, which attach
/// the signal publisher and register their feedback as they are made.
final class LocalOutputRouter: Sendable {
    private let feedbacks = Mutex<[String: (feedback: InferenceFeedback, backend: any InferenceBackend)]>([:])
    private let signals = Mutex<SignalPublisher?>(nil)
    /// The triggers of `trigger = "flow"` pipelines, by pipeline name.
    private let captures = Mutex<[String: ExternalTrigger]>([:])
    private let captureCount = Mutex(0)
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func attach(_ publisher: SignalPublisher) {
        signals.withLock { $0 = publisher }
    }

    /// A `trigger = "flow"` pipeline's trigger; a rebuilt pipeline replaces its old one.
    func register(capture trigger: ExternalTrigger, pipeline: String) {
        captures.withLock { $0[pipeline] = trigger }
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
        case .capture:
            // To the named pipeline, or to every `flow` pipeline when the node names none.
            let pipeline = fields["pipeline"]?.stringValue
            let targets = captures.withLock { all in pipeline.map { name in all[name].map { [$0] } ?? [] } ?? Array(all.values) }
            guard !targets.isEmpty else {
                logger.warning(
                    "capture requested, but no pipeline has trigger = \"flow\"\(pipeline.map { " and name \($0)" } ?? "")",
                    metadata: ["flow": "\(output.flow)", "flow.node": "\(output.node)"])
                return
            }
            let number = captureCount.withLock { count in
                count += 1
                return count
            }
            let id = fields["id"]?.stringValue ?? "\(fields["reason"]?.stringValue ?? "flow")-\(number)"
            for trigger in targets { trigger.request(id: id) }
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
