import EdgeCloud
import Logging

/// Checks what an integrator needs to know on a device: libraries, CPU features,
/// cameras, the MQTT broker and the state directories.
public struct Doctor: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var paths: AgentPaths
        public var brokerHost: String
        public var brokerPort: Int
        public var brokerTimeout: Duration

        public init(paths: AgentPaths, brokerHost: String = "127.0.0.1", brokerPort: Int = 1883, brokerTimeout: Duration = .seconds(2)) {
            self.paths = paths
            self.brokerHost = brokerHost
            self.brokerPort = brokerPort
            self.brokerTimeout = brokerTimeout
        }
    }

    public var configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async -> DoctorReport {
        var checks = [DoctorCheck(category: "agent", name: "edgemlops", status: .info, detail: AgentVersion.current)]
        checks += libraryChecks()
        checks += cpuChecks()
        checks += cameraChecks()
        checks.append(await brokerCheck())
        checks += stateChecks()
        return DoctorReport(version: AgentVersion.current, checks: checks)
    }
}
