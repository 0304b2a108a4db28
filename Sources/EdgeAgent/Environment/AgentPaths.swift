/// Where the agent keeps configuration and state, honouring the environment overrides
/// that let tests, demos and several agents share one machine.
public struct AgentPaths: Sendable, Hashable {
    /// `EDGEMLOPS_CONFIG`, default `/etc/edgemlops/edgemlops.toml`.
    public var configurationFile: String
    /// `EDGEMLOPS_STATE_DIR`, default `/var/lib/edgemlops`.
    public var stateDirectory: String

    public static let defaultConfigurationFile = "/etc/edgemlops/edgemlops.toml"
    public static let defaultStateDirectory = "/var/lib/edgemlops"

    public init(configurationFile: String, stateDirectory: String) {
        self.configurationFile = configurationFile
        self.stateDirectory = stateDirectory
    }

    /// Paths from an environment dictionary (pass the process environment in production).
    public init(environment: [String: String]) {
        func value(_ key: String) -> String? {
            guard let value = environment[key], !value.isEmpty else { return nil }
            return value
        }
        self.init(
            configurationFile: value("EDGEMLOPS_CONFIG") ?? Self.defaultConfigurationFile,
            stateDirectory: value("EDGEMLOPS_STATE_DIR") ?? Self.defaultStateDirectory
        )
    }

    /// Sub-directories the agent writes to; the doctor checks each one.
    public var writableDirectories: [String] {
        [stateDirectory, stateDirectory + "/models", stateDirectory + "/samples"]
    }
}
