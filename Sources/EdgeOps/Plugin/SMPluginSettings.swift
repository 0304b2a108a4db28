/// Where the plugin works and what the gate enforces, read from the environment the wrapper
/// scripts set (the agent's configuration file takes over once it exists):
///
/// | variable | default |
/// |---|---|
/// | `EDGEMLOPS_STATE_DIR` | `/var/lib/edgemlops` |
/// | `EDGEMLOPS_FLOWS_DIR` | `/etc/edgemlops/flows` |
/// | `EDGEMLOPS_KEYS_DIR` | `/etc/edgemlops/keys` |
/// | `EDGEMLOPS_REQUIRE_SIGNATURE` | `0` (`1`/`true` to require) |
/// | `EDGEMLOPS_MAX_BUNDLE_BYTES` | 268435456 |
/// | `EDGEMLOPS_PIPELINE_INPUT_SHAPE` | unset (`1,3,224,224` to check) |
/// | `EDGEMLOPS_KEEP_VERSIONS` | 2 inactive versions kept by `finalize` |
/// | `EDGEMLOPS_LATENCY_BUDGET_MS` | unset (the manifest's `latencyBudgetMs`, else only reported) |
///
/// The gate always runs the executor-backed ``GoldenSetValidator`` and ``LatencyValidator``.
public struct SMPluginSettings: Sendable {
    public var stateDirectory: String
    public var flowsDirectory: String
    public var keepVersions: Int
    public var gate: GateConfiguration

    public init(stateDirectory: String, flowsDirectory: String, keepVersions: Int = 2, gate: GateConfiguration) {
        self.stateDirectory = stateDirectory
        self.flowsDirectory = flowsDirectory
        self.keepVersions = keepVersions
        self.gate = gate
    }

    public struct InvalidValue: Error, Sendable, CustomStringConvertible {
        public var variable: String
        public var value: String
        public var description: String { "environment variable \(variable)='\(value)' is not valid" }
    }

    public init(environment: [String: String]) throws(InvalidValue) {
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        var gate = GateConfiguration(
            keysDirectory: value("EDGEMLOPS_KEYS_DIR") ?? GateConfiguration.defaultKeysDirectory
        )
        if let raw = value("EDGEMLOPS_REQUIRE_SIGNATURE") {
            switch raw.lowercased() {
            case "1", "true", "yes": gate.requireSignature = true
            case "0", "false", "no": gate.requireSignature = false
            default: throw InvalidValue(variable: "EDGEMLOPS_REQUIRE_SIGNATURE", value: raw)
            }
        }
        if let raw = value("EDGEMLOPS_MAX_BUNDLE_BYTES") {
            guard let bytes = Int(raw), bytes > 0 else {
                throw InvalidValue(variable: "EDGEMLOPS_MAX_BUNDLE_BYTES", value: raw)
            }
            gate.maxBundleBytes = bytes
        }
        if let raw = value("EDGEMLOPS_PIPELINE_INPUT_SHAPE") {
            let dims = raw.split(separator: ",").compactMap { Int($0) }
            guard !dims.isEmpty, dims.count == raw.split(separator: ",").count, dims.allSatisfy({ $0 > 0 }) else {
                throw InvalidValue(variable: "EDGEMLOPS_PIPELINE_INPUT_SHAPE", value: raw)
            }
            gate.pipelineInputShape = dims
        }
        var budget: Double?
        if let raw = value("EDGEMLOPS_LATENCY_BUDGET_MS") {
            guard let ms = Double(raw), ms > 0, ms.isFinite else {
                throw InvalidValue(variable: "EDGEMLOPS_LATENCY_BUDGET_MS", value: raw)
            }
            budget = ms
        }
        gate.validators = [GoldenSetValidator(), LatencyValidator(budgetMs: budget)]
        var keep = 2
        if let raw = value("EDGEMLOPS_KEEP_VERSIONS") {
            guard let n = Int(raw), n >= 0 else { throw InvalidValue(variable: "EDGEMLOPS_KEEP_VERSIONS", value: raw) }
            keep = n
        }
        self.init(
            stateDirectory: value("EDGEMLOPS_STATE_DIR") ?? "/var/lib/edgemlops",
            flowsDirectory: value("EDGEMLOPS_FLOWS_DIR") ?? "/etc/edgemlops/flows",
            keepVersions: keep,
            gate: gate
        )
    }
}
