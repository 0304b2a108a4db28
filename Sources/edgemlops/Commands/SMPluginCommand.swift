import ArgumentParser
import EdgeAgent
import EdgeFlows
import EdgeOps
import Foundation
import Logging

/// thin-edge's software-management plugin protocol, for software types `edgemlops-model` and
/// `edgemlops-flow`. The arguments are parsed here rather than by ArgumentParser because
/// thin-edge expects exit code 1 for a usage error, not ArgumentParser's 64.
struct SMPluginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sm-plugin",
        abstract: "thin-edge software-management plugin for models and flows (see docs/operations.md).",
        discussion: """
            edgemlops sm-plugin --type model|flow list
            edgemlops sm-plugin --type model|flow prepare | finalize
            edgemlops sm-plugin --type model|flow install NAME --module-version V [--file F]
            edgemlops sm-plugin --type model|flow remove NAME [--module-version V]
            Exit codes: 0 ok, 1 usage, 2 failure, 3 retry later (store busy).
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "--type model|flow, then the plugin command and its arguments.")
    var arguments: [String] = []

    func run() async throws {
        var rest = arguments
        var kind: ArtifactKind?
        if let index = rest.firstIndex(where: { $0 == "--type" || $0.hasPrefix("--type=") }) {
            let argument = rest.remove(at: index)
            let value =
                argument.hasPrefix("--type=")
                ? String(argument.dropFirst(7)) : (index < rest.count ? rest.remove(at: index) : "")
            kind = ArtifactKind(rawValue: value)
        }
        guard let kind else {
            FileHandle.standardError.write(Data("edgemlops sm-plugin: --type model|flow is required\n".utf8))
            throw ExitCode(1)
        }
        let settings: SMPluginSettings
        do {
            settings = try SMPluginSettings(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("edgemlops sm-plugin: \(error)\n".utf8))
            throw ExitCode(2)
        }
        var logger = Logger(label: "edgemlops.sm-plugin")
        logger.logLevel = .warning
        var plugin = SMPlugin(kind: kind, settings: settings, logger: logger, fault: Self.crashHook())
        plugin.flowChecker = Self.checkFlow
        let result = await plugin.run(rest)
        FileHandle.standardOutput.write(Data(result.stdout.utf8))
        FileHandle.standardError.write(Data(result.stderr.utf8))
        if result.exitCode != .success { throw ExitCode(result.exitCode.rawValue) }
    }

    /// The errors `edgemlops flow check` would report for the file.
    @Sendable static func checkFlow(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return ["\(path): cannot read"] }
        return FlowInstance.check(source: String(decoding: data, as: UTF8.self), path: path)
            .filter { $0.severity == .error }
            .map(\.description)
    }

    /// Test hook: `EDGEMLOPS_TEST_KILL_AT=<step>` (a ``StoreStep`` name) makes the process SIGKILL
    /// itself right before that step, so the crash tests exercise a real, unclean process death.
    static func crashHook() -> StoreFaultHook? {
        guard let name = ProcessInfo.processInfo.environment["EDGEMLOPS_TEST_KILL_AT"],
            let target = StoreStep(rawValue: name)
        else {
            return nil
        }
        return { step throws(StoreError) in
            if step == target { kill(getpid(), SIGKILL) }
        }
    }
}
