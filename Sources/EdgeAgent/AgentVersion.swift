/// The agent's version, reported by `--version`, `doctor` and the thin-edge twin.
public enum AgentVersion {
    public static let current = "0.1.0"
}
