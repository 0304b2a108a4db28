import ArgumentParser
import EdgeAgent
import Logging

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent: pipelines, flows, connector and monitoring from the configuration file.",
        discussion: """
            The configuration is described in docs/configuration.md. SIGTERM or SIGINT stop gracefully
            (the current frame is finished, the outbox flushed, health `down` published); SIGHUP
            re-reads the configuration and reloads the flows. Under systemd (Type=notify) the agent
            sends READY=1, WATCHDOG=1 and STOPPING=1 on $NOTIFY_SOCKET.
            """
    )

    @Option(help: "Configuration file (default: $EDGEMLOPS_CONFIG or /etc/edgemlops/edgemlops.toml).")
    var config: String?

    @Flag(help: "Validate the configuration and exit.")
    var check = false

    func run() async throws {
        let environment = ProcessEnvironment.current
        let path = config ?? AgentPaths(environment: environment).configurationFile
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(path: path)
        } catch {
            throw CommandFailure("\(error)")
        }
        if check {
            print("\(path): ok (\(configuration.pipelines.count) pipeline(s))")
            return
        }
        let runtime: AgentRuntime
        do {
            runtime = try AgentRuntime(
                configuration: configuration, configurationPath: path, environment: environment,
                logger: Logger(label: "edgemlops"))
        } catch {
            throw CommandFailure("\(error)")
        }
        try await runtime.run()
    }
}
