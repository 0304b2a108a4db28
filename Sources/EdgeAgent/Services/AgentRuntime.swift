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
    /// Runs the pipelines and changes them on SIGHUP.
    public let supervisor: PipelineSupervisor
    /// The pipelines running now.
    public var pipelines: [PipelineService] { supervisor.pipelines }
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

    /// Makes a backend for a pipeline; the default (``defaultBackend(executablePath:logger:connector:)``)
    /// serves store models through a `ModelHost` and model files through ``CompiledModelBackend``.
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
        router.attach(SignalPublisher(client: connector.client, device: configuration.device.id, logger: logger))
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
        let builder = PipelineBuilder(
            agent: configuration, connector: connector, engines: engines.mapValues(\.engine), spool: spool, router: router,
            sources: sources, makeBackend: makeBackend, makeTrigger: triggerFactory, logger: logger)
        let pipelines = try configuration.pipelines.map { try builder.build($0) }
        self.supervisor = PipelineSupervisor(pipelines: pipelines, build: { try builder.build($0) }, logger: logger)
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
        let supervisor = self.supervisor
        let progress = Mutex<[String: UInt64]>([:])
        let systemd = SystemdService(
            notifier: notifier, watchdogInterval: SystemdNotifier.watchdogInterval(environment: environment),
            status: { "\(supervisor.pipelines.count) pipeline(s) running" },
            isHealthy: {
                // Healthy while every pipeline made progress since the last ping: inferred a
                // frame, or — for event-triggered pipelines, idle between parts — captured one.
                // A pipeline (re)started since the last ping gets until the next one.
                let now = Dictionary(
                    supervisor.pipelines.map { pipeline in
                        let statistics = pipeline.statistics
                        return (pipeline.configuration.name, pipeline.trigger == nil ? statistics.inferred : statistics.captured)
                    }, uniquingKeysWith: max)
                return progress.withLock { last in
                    defer { last = now }
                    return now.allSatisfy { name, count in last[name].map { count > $0 } ?? true }
                }
            })
        var services: [any Service] = [ConnectorService(connector: connector, logger: logger)]
        services += flows as [any Service]
        if configuration.monitoring.enabled {
            services.append(
                MonitoringService(
                    pipelines: { supervisor.pipelines }, connector: connector,
                    interval: .seconds(configuration.monitoring.intervalSeconds), logger: logger,
                    extraMeasurements: [
                        { supervisor.pipelines.compactMap(\.feedback).flatMap { $0.tick(now: Connector.wallClock()) } }
                    ]))
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
        if configuration.lifecycle.storePollMilliseconds > 0 {
            services.append(
                ModelStoreService(
                    hosts: { supervisor.pipelines.compactMap { ($0.backend as? ModelHostBackend)?.host } },
                    interval: .milliseconds(configuration.lifecycle.storePollMilliseconds), logger: logger))
        }
        services.append(supervisor)
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

    /// SIGHUP: ``reload()``, with systemd told RELOADING=1 … READY=1.
    func reloadOnHangup(notifier: SystemdNotifier) async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            notifier.reloading()
            let changes = await reload()
            notifier.ready(status: "reloaded: \(changes.filter { $0.kind != .unchanged }.count) pipeline change(s)")
        }
    }

    /// Re-reads and validates the configuration file; a bad file is logged and changes nothing.
    /// Pipelines are brought to the new `[[pipelines]]` (``PipelineSupervisor/apply(_:)``), then
    /// every flow directory is reloaded. Other sections (device, broker, state, outbox,
    /// monitoring, samples, lifecycle) are read at start only: a change there is logged as
    /// needing a restart.
    @discardableResult
    public func reload() async -> [PipelineSupervisor.Change] {
        var changes: [PipelineSupervisor.Change] = []
        if let configurationPath {
            do {
                let fresh = try AgentConfiguration.load(path: configurationPath)
                let restartOnly = Self.restartOnlySections(from: configuration, to: fresh)
                if !restartOnly.isEmpty {
                    logger.warning(
                        "configuration sections changed that apply at the next restart",
                        metadata: ["sections": "\(restartOnly.joined(separator: ", "))"])
                }
                changes = await supervisor.apply(fresh.pipelines)
            } catch {
                logger.error("configuration not reloaded; the running one stays", metadata: ["error": "\(error)"])
            }
        }
        for flow in flows { await flow.reload() }
        return changes
    }

    /// The sections other than `[[pipelines]]` that differ.
    static func restartOnlySections(from old: AgentConfiguration, to new: AgentConfiguration) -> [String] {
        var sections: [String] = []
        if old.device != new.device { sections.append("device") }
        if old.broker != new.broker { sections.append("broker") }
        if old.stateDirectory != new.stateDirectory { sections.append("state") }
        if old.outbox != new.outbox { sections.append("outbox") }
        if old.monitoring != new.monitoring { sections.append("monitoring") }
        if old.samples != new.samples { sections.append("samples") }
        if old.lifecycle != new.lifecycle { sections.append("lifecycle") }
        return sections
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
