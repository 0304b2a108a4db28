import ArgumentParser

/// `edgemlops flow …`: check, test and benchmark flow files without running the agent.
struct FlowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Check, test and benchmark Lua flows (see docs/flows.md).",
        subcommands: [FlowCheckCommand.self, FlowTestCommand.self, FlowBenchCommand.self]
    )
}
