import ArgumentParser
import EdgeFlows

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `edgemlops flow check FILE...`: report syntax errors, unknown nodes and parameters,
/// dangling wires, unreachable nodes and endless cycles as `file:line: severity: message`.
struct FlowCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check flow files; exits non-zero when any has an error."
    )

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    @Argument(help: "Flow files (*.lua).")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file):1: error: cannot read the file")
                failed = true
                continue
            }
            let diagnostics = FlowInstance.check(source: String(decoding: data, as: UTF8.self), path: file)
            for diagnostic in diagnostics { print(diagnostic) }
            if diagnostics.contains(where: { $0.severity == .error || strict }) { failed = true }
            if diagnostics.isEmpty { print("\(file): ok") }
        }
        if failed { throw ExitCode(1) }
    }
}
