import EdgeCloud
import EdgeFlows
import EdgeOps
import EdgeVision
import Logging
import Synchronization

/// Makes a pipeline's service from its configuration: camera, backend, trigger, feedback and
/// the flow engine of its `flows` directory. Used at start and for every pipeline a SIGHUP
/// reload adds or changes.
final class PipelineBuilder: Sendable {
    let agent: AgentConfiguration
    let connector: Connector
    let engines: [String: FlowEngine]
    let spool: SampleSpool?
    let router: LocalOutputRouter
    let makeBackend: AgentRuntime.BackendFactory
    let makeTrigger: AgentRuntime.TriggerFactory?
    let logger: Logger
    /// Cameras injected by tests and the demo, each used by the first build of its pipeline.
    private let injectedSources: Mutex<[String: any FrameSource]>

    init(
        agent: AgentConfiguration, connector: Connector, engines: [String: FlowEngine], spool: SampleSpool?,
        router: LocalOutputRouter, sources: [String: any FrameSource], makeBackend: @escaping AgentRuntime.BackendFactory,
        makeTrigger: AgentRuntime.TriggerFactory?, logger: Logger
    ) {
        self.agent = agent
        self.connector = connector
        self.engines = engines
        self.spool = spool
        self.router = router
        self.injectedSources = Mutex(sources)
        self.makeBackend = makeBackend
        self.makeTrigger = makeTrigger
        self.logger = logger
    }

    func build(_ pipeline: PipelineConfiguration) throws -> PipelineService {
        guard let engine = engines[pipeline.flowsDirectory] else {
            throw ConfigurationError(
                code: .invalidValue, file: "", line: 0, key: "pipelines.\(pipeline.name).flows", value: pipeline.flowsDirectory,
                message: "a flows directory the agent did not start with needs a restart")
        }
        let injected = injectedSources.withLock { $0.removeValue(forKey: pipeline.name) }
        let source = try injected ?? FrameSourceFactory.make(pipeline, logger: logger)
        let backend = try makeBackend(pipeline, agent)
        let trigger = try makeTrigger?(pipeline, connector) ?? TriggerSourceFactory.make(pipeline, client: connector.client, logger: logger)
        if pipeline.trigger == .flow, let external = trigger as? ExternalTrigger {
            router.register(capture: external, pipeline: pipeline.name)
        }
        var feedback: InferenceFeedback?
        if agent.monitoring.enabled || spool != nil {
            let window = agent.monitoring.driftWindow
            let monitor = ModelMonitor(
                thinEdge: connector.model,
                configuration: MonitorConfiguration(
                    interval: .seconds(agent.monitoring.intervalSeconds), baselineFrames: window, window: window))
            let samples = agent.samples
            let made = InferenceFeedback(
                pipeline: pipeline.name, connector: connector, monitor: monitor, spool: spool,
                lowConfidence: spool == nil ? 0 : samples.lowConfidence, sampleInterval: .seconds(samples.intervalSeconds),
                // About two seconds of frames (8...64): the flows' lag a `sample` may arrive with.
                recentFrames: min(max(2 * pipeline.fps, 8), 64), logger: logger)
            router.register(made, backend: backend)
            feedback = made
        }
        return PipelineService(
            configuration: pipeline, source: source, backend: backend, trigger: trigger, feedback: feedback,
            deliver: { engine.deliver($0) }, logger: logger)
    }
}
