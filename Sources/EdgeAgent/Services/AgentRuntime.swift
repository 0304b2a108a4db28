import EdgeCloud
import EdgeFlows
import EdgeOps
import EdgeVision
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// `edgemlops run`: the connector, one flow engine per flows directory, one pipeline per
/// `[[pipelines]]`, monitoring and systemd notifications, as services of one `ServiceGroup`.
///
/// Order matters: services stop in reverse order, so pipelines finish their current frame
/// first, then monitoring and flows stop, and the connector last flushes the outbox and
/// publishes health `down`. SIGTERM and SIGINT shut down gracefully; SIGHUP reloads.
public final class AgentRuntime: Sendable {
    public let configuration: AgentConfiguration
    public let connector: Connector
    public let pipelines: [PipelineService]
    public let flows: [FlowService]
    /// The sample spool (`[samples]`), nil when disabled or when its directory is unusable.
    public let spool: SampleSpool?
    let configurationPath: String?
    let environment: [String: String]
    let logger: Logger
    /// The running group, for ``shutdown()``.
    let group = Mutex<ServiceGroup?>(nil)

    /// Makes a pipeline's event trigger; the default is ``TriggerSourceFactory/make(_:client:logger:)``.
    public typealias TriggerFactory = @Sendable (PipelineConfiguration, Connector) throws -> (any TriggerSource)?

    /// Makes a backend for a pipeline; the default loads the model with ``CompiledModelBackend``.
    /// The lifecycle merge replaces it with a `ModelHost`-backed one.
    public typealias BackendFactory = @Sendable (PipelineConfiguration, AgentConfiguration) throws -> any InferenceBackend

    public init(
        configuration: AgentConfiguration,
        configurationPath: String?,
        environment: [String: String],
        sources: [String: any FrameSource] = [:],
        backendFactory: BackendFactory? = nil,
        triggerFactory: TriggerFactory? = nil,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.environment = environment
        self.logger = logger
        let router = LocalOutputRouter(logger: logger)
        let connector = try Connector(
            configuration: Self.connectorConfiguration(configuration), logger: logger, localOutputs: { router.route($0) })
        self.connector = connector
        let samples = configuration.samples
        var spool: SampleSpool?
        if samples.enabled {
            do {
                spool = try SampleSpool(directory: samples.directory, maxSamples: 100_000, maxBytes: samples.maximumMegabytes << 20)
            } catch {
                // Inspection matters more than retraining material: run without samples.
                logger.error("samples disabled: the spool is not usable", metadata: ["samples.directory": "\(samples.directory)", "error": "\(error)"])
            }
        }
        self.spool = spool
        // One engine per distinct flows directory: pipelines sharing it share the flows' state.
        var engines: [String: FlowService] = [:]
        for pipeline in configuration.pipelines where engines[pipeline.flowsDirectory] == nil {
            let engine = FlowEngine(directory: pipeline.flowsDirectory, sink: connector, logger: logger)
            engines[pipeline.flowsDirectory] = FlowService(engine: engine, logger: logger)
        }
        self.flows = configuration.pipelines.map(\.flowsDirectory).reduce(into: [FlowService]()) { list, directory in
            if let service = engines[directory], !list.contains(where: { $0 === service }) { list.append(service) }
        }
        let makeBackend = backendFactory ?? Self.defaultBackend(executablePath: Self.executablePath(), logger: logger, connector: connector)
        var pipelines: [PipelineService] = []
        for pipeline in configuration.pipelines {
            let source = try sources[pipeline.name] ?? FrameSourceFactory.make(pipeline, logger: logger)
            let backend = try makeBackend(pipeline, configuration)
            let trigger =
                try triggerFactory?(pipeline, connector)
                ?? TriggerSourceFactory.make(pipeline, client: connector.client, logger: logger)
            let engine = engines[pipeline.flowsDirectory]!.engine
            var feedback: InferenceFeedback?
            if configuration.monitoring.enabled || spool != nil {
                let window = configuration.monitoring.driftWindow
                let monitor = ModelMonitor(
                    thinEdge: connector.model,
                    configuration: MonitorConfiguration(
                        interval: .seconds(configuration.monitoring.intervalSeconds), baselineFrames: window, window: window))
                feedback = InferenceFeedback(
                    pipeline: pipeline.name, connector: connector, monitor: monitor, spool: spool,
                    lowConfidence: spool == nil ? 0 : samples.lowConfidence, sampleInterval: .seconds(samples.intervalSeconds),
                    logger: logger)
                router.register(feedback!, backend: backend)
            }
            pipelines.append(
                PipelineService(
                    configuration: pipeline, source: source, backend: backend, trigger: trigger, feedback: feedback,
                    deliver: { engine.deliver($0) }, logger: logger))
        }
        self.pipelines = pipelines
        // thin-edge operations for the models served from the store: model_activate (switch or
        // roll back; the payload's `name` picks the model) and flow_reload, with the full command
        // status lifecycle. One handler for all: the connector keeps one per operation.
        let flowServices = self.flows
        let hosts = pipelines.compactMap { ($0.backend as? ModelHostBackend)?.host }
        if !hosts.isEmpty {
            OperationsHandler(
                hosts: hosts,
                reloadFlows: {
                    for flow in flowServices { await flow.reload() }
                    return "\(flowServices.count) flow director\(flowServices.count == 1 ? "y" : "ies") reloaded"
                },
                logger: logger
            ).register(on: connector)
        }
    }

    /// The broker, thin-edge names and outbox of the configuration.
    public static func connectorConfiguration(_ configuration: AgentConfiguration) -> ConnectorConfiguration {
        let broker = configuration.broker
        let tls = broker.caFile.map {
            MQTTConfiguration.TLS(caFile: $0, certificateFile: broker.certificateFile, keyFile: broker.keyFile)
        }
        let mqtt = MQTTConfiguration(
            host: broker.host, port: broker.port,
            clientID: broker.clientID ?? "\(configuration.device.id)-\(configuration.device.service)-\(getpid())",
            keepAliveSeconds: broker.keepAliveSeconds, username: broker.username, password: broker.password,
            tls: broker.tls ? tls : nil)
        let outbox = OutboxConfiguration(
            path: configuration.outbox.path,
            fsync: OutboxConfiguration.FsyncPolicy(rawValue: configuration.outbox.fsync.rawValue) ?? .normal,
            maximumMessages: configuration.outbox.maximumMessages, maximumBytes: configuration.outbox.maximumBytes)
        return ConnectorConfiguration(
            mqtt: mqtt, model: ThinEdgeModel(device: configuration.device.id, service: configuration.device.service),
            outbox: outbox)
    }

    /// A pipeline whose model names a model installed in the store (`<state>/models/<name>` with an
    /// active version, put there by the sm-plugin) is served by a ``ModelHostBackend``: hot swap,
    /// probation and rollback. Any other name or path is loaded once from a file by
    /// ``CompiledModelBackend`` (store, checkout, packaged models).
    /// Pipelines naming the same store model share one host, so an activation switches them all.
    public static func defaultBackend(executablePath: String?, logger: Logger, connector: Connector? = nil) -> BackendFactory {
        let cache = HostCache()
        return { pipeline, configuration in
            if !pipeline.model.contains("/"),
                let host = try cache.host(pipeline.model, make: { () throws(InferenceBackendError) in
                    try storeHost(pipeline.model, configuration, logger: logger, connector: connector)
                })
            {
                let roi = pipeline.roi.map { PixelRect(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
                return ModelHostBackend(host: host, roi: roi, threads: pipeline.threads)
            }
            let locator = ModelLocator.standard(stateDirectory: configuration.stateDirectory, executablePath: executablePath)
            let path = try locator.locate(pipeline.model)
            let roi = pipeline.roi.map { PixelRect(x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
            return try CompiledModelBackend(
                path: path, name: pipeline.model.contains("/") ? nil : pipeline.model, roi: roi, threads: pipeline.threads)
        }
    }

    /// The store's host for `name`, loaded, or nil when the store has no active version of it.
    /// Activations, confirmations and rollbacks are published as `edgemlops_model` events.
    static func storeHost(
        _ name: String, _ configuration: AgentConfiguration, logger: Logger, connector: Connector?
    ) throws(InferenceBackendError) -> ModelHost? {
        let store = ArtifactStore(root: configuration.stateDirectory + "/" + ArtifactKind.model.stateSubdirectory, kind: .model)
        guard (try? store.active(name)) ?? nil != nil else { return nil }
        let lifecycle = configuration.lifecycle
        let policy = ProbationPolicy(
            inferences: lifecycle.probationInferences, maxFailures: lifecycle.maxFailures,
            latencyBudget: lifecycle.latencyBudgetMilliseconds > 0 ? .milliseconds(lifecycle.latencyBudgetMilliseconds) : nil,
            maxOverBudget: lifecycle.maxOverBudget)
        let host = ModelHost(store: store, name: name, policy: policy, logger: logger) { event in
            guard let connector else { return }
            let text: String
            switch event {
            case .activated(let version): text = "model \(name) \(version) activated"
            case .confirmed(let version): text = "model \(name) \(version) passed probation"
            case .rolledBack(let from, let to, let reason): text = "model \(name) rolled back from \(from) to \(to): \(reason)"
            case .rollbackImpossible(let version, let reason): text = "model \(name) \(version) failed probation, no previous version: \(reason)"
            }
            _ = try? connector.publish(connector.model.event("edgemlops_model", text: text, time: Connector.wallClock()), priority: .telemetry)
        }
        do {
            _ = try host.loadActive()
        } catch {
            throw InferenceBackendError(code: .invalidModel, model: name, message: "active version in the store does not load: \(error)")
        }
        return host
    }

    /// This process's executable (`/proc/self/exe`), to find a checkout's `models/` next to `.build`.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs until SIGTERM/SIGINT (or `shutdown` via the returned group); returns after the graceful stop.
    public func run() async throws {
        for flow in flows { _ = await flow.load() }
        let notifier = SystemdNotifier(environment: environment)
        let progress = Mutex<[UInt64]>(pipelines.map { _ in 0 })
        let pipelines = self.pipelines
        let systemd = SystemdService(
            notifier: notifier, watchdogInterval: SystemdNotifier.watchdogInterval(environment: environment),
            status: { "\(pipelines.count) pipeline(s) running" },
            isHealthy: {
                // Healthy while every pipeline made progress since the last ping: inferred a
                // frame, or — for event-triggered pipelines, idle between parts — captured one.
                let now = pipelines.map { pipeline in
                    let statistics = pipeline.statistics
                    return pipeline.trigger == nil ? statistics.inferred : statistics.captured
                }
                return progress.withLock { last in
                    defer { last = now }
                    return zip(now, last).allSatisfy { $0 > $1 }
                }
            })
        var services: [any Service] = [ConnectorService(connector: connector, logger: logger)]
        services += flows as [any Service]
        if configuration.monitoring.enabled {
            services.append(
                MonitoringService(
                    pipelines: pipelines, connector: connector, interval: .seconds(configuration.monitoring.intervalSeconds),
                    logger: logger,
                    extraMeasurements: pipelines.compactMap(\.feedback).map { feedback in { feedback.tick(now: Connector.wallClock()) } }))
        }
        if let spool, let externalID = configuration.samples.externalID {
            let samples = configuration.samples
            services.append(
                SampleUploadService(
                    spool: spool, client: HTTPClient(host: samples.proxyHost, port: samples.proxyPort), externalID: externalID,
                    logger: logger))
        } else if spool != nil {
            logger.info("samples are kept in the spool, not uploaded: set [samples] external_id to upload them")
        }
        services += pipelines as [any Service]
        services.append(systemd)
        let group = ServiceGroup(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        self.group.withLock { $0 = group }
        // Unstructured: the signal sequence does not end on cancellation, and the group's end
        // must not wait for it.
        let hangups = Task { await self.reloadOnHangup(notifier: notifier) }
        defer { hangups.cancel() }
        try await group.run()
    }

    /// The same graceful stop as SIGTERM, for tests and embedding (the demo).
    public func shutdown() async {
        guard let group = group.withLock({ $0 }) else { return }
        await group.triggerGracefulShutdown()
    }

    /// SIGHUP: re-read and validate the configuration (a bad file is logged and ignored, the
    /// running one stays), then reload every flow. Pipeline changes need a restart.
    func reloadOnHangup(notifier: SystemdNotifier) async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            notifier.reloading()
            if let configurationPath {
                do {
                    let fresh = try AgentConfiguration.load(path: configurationPath)
                    if fresh != configuration {
                        logger.warning("configuration changed; pipelines, broker and state changes apply at the next restart")
                    }
                } catch {
                    logger.error("configuration not reloaded", metadata: ["error": "\(error)"])
                }
            }
            for flow in flows { await flow.reload() }
            notifier.ready(status: "reloaded")
        }
    }
}

/// Store hosts by model name, for ``AgentRuntime/defaultBackend(executablePath:logger:connector:)``.
final class HostCache: Sendable {
    private let hosts = Mutex<[String: ModelHost]>([:])

    /// The host of `name`, made once; nil (not cached) when the store has no active version.
    func host(_ name: String, make: () throws(InferenceBackendError) -> ModelHost?) throws(InferenceBackendError) -> ModelHost? {
        if let host = hosts.withLock({ $0[name] }) { return host }
        guard let host = try make() else { return nil }
        return hosts.withLock { hosts in
            if let existing = hosts[name] { return existing }
            hosts[name] = host
            return host
        }
    }
}
