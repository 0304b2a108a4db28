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

    @Flag(name: .long, help: "List the node types and their parameters, then exit.")
    var nodes = false

    @Argument(help: "Flow files (*.lua).")
    var files: [String] = []

    func run() throws {
        if nodes {
            try listNodes()
            return
        }
        guard !files.isEmpty else { throw ValidationError("give at least one flow file (or --nodes)") }
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

    /// One line per node type: `name (kind): doc`, then its parameters.
    private func listNodes() throws {
        let catalogue = try FlowInstance.nodeCatalogue().tableValue ?? [:]
        for (name, entry) in catalogue.sorted(by: { ($0.key.stringValue ?? "") < ($1.key.stringValue ?? "") }) {
            let typeName = name.stringValue ?? "?"
            let written = typeName == "function" ? "func" : typeName
            print("\(written) (\(entry["kind"]?.stringValue ?? "?")): \(entry["doc"]?.stringValue ?? "")")
            let params = entry["params"]?.tableValue ?? [:]
            for (key, spec) in params.sorted(by: { ($0.key.stringValue ?? "") < ($1.key.stringValue ?? "") }) {
                var line = "    \(key.stringValue ?? "?"): \(spec["types"]?.stringValue ?? "any")"
                if spec["required"] == .boolean(true) { line += ", required" }
                if let value = spec["default"], value != .nil { line += ", default \(FlowJSON.encode(value))" }
                if let values = spec["values"], values != .nil { line += ", one of \(FlowJSON.encode(values))" }
                print(line)
            }
        }
    }
}
