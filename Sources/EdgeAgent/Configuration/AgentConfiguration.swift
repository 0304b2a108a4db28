/// Everything `edgemlops run` reads from `/etc/edgemlops/edgemlops.toml`.
/// Every key is documented in docs/configuration.md; `AgentConfiguration+TOML.swift` reads them.
public struct AgentConfiguration: Sendable, Hashable {
    public var device: DeviceSettings
    public var broker: BrokerSettings
    /// `[state] directory`: models, samples, the outbox.
    public var stateDirectory: String
    public var outbox: OutboxSettings
    public var monitoring: MonitoringSettings
    public var samples: SampleSettings
    public var lifecycle: LifecycleSettings
    /// `[[pipelines]]`, at least one, names unique.
    public var pipelines: [PipelineConfiguration]

    public init(
        device: DeviceSettings, broker: BrokerSettings, stateDirectory: String, outbox: OutboxSettings,
        monitoring: MonitoringSettings, samples: SampleSettings, lifecycle: LifecycleSettings,
        pipelines: [PipelineConfiguration]
    ) {
        self.device = device
        self.broker = broker
        self.stateDirectory = stateDirectory
        self.outbox = outbox
        self.monitoring = monitoring
        self.samples = samples
        self.lifecycle = lifecycle
        self.pipelines = pipelines
    }
}
