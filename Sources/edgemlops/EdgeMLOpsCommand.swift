import ArgumentParser
import EdgeAgent

/// The `edgemlops` command line: every capability of the agent is reachable from here.
@main
struct EdgeMLOpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgemlops",
        abstract: "Edge machine-learning inspection agent: capture, infer, run flows, report to thin-edge.io.",
        discussion: """
            Environment:
              EDGEMLOPS_CONFIG     configuration file (default /etc/edgemlops/edgemlops.toml)
              EDGEMLOPS_STATE_DIR  state directory (default /var/lib/edgemlops)
            """,
        version: AgentVersion.current,
        subcommands: [
            CamerasCommand.self,
            CaptureCommand.self,
            PreprocessBenchCommand.self,
            DoctorCommand.self,
            FlowCommand.self,
            ModelCommand.self,
            QuantizeCommand.self,
            SynthCommand.self,
            SMPluginCommand.self,
            OutboxDemoCommand.self,
            InferCommand.self,
            BenchCommand.self,
            RunCommand.self,
            DemoCommand.self,
        ]
    )
}
