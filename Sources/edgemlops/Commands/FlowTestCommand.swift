import ArgumentParser
import EdgeFlows

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `edgemlops flow test FILE --messages IN.jsonl [--expect OUT.jsonl]`: run a flow offline in
/// virtual time (the `t` field of each input line) and print or compare its outputs.
struct FlowTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Feed a flow messages in virtual time; print its outputs or compare them with expectations.",
        discussion: """
            Input lines: {"t": 12.5, "verdict": {"label": "ng", "score": 0.93}, "frame": {"id": 7}}
                         {"t": 13, "command": "reset"}      {"t": 60}  (time passes, timers fire)
            Output lines: {"t": 60, "kind": "alarm", "node": "raise", "action": "raise", ...}
            An expected line matches when every field it lists is equal; exits 1 on a mismatch.
            """
    )

    @Argument(help: "The flow file.")
    var file: String

    @Option(name: .long, help: "Input messages, one JSON object per line.")
    var messages: String

    @Option(name: .long, help: "Expected outputs, one JSON object per line.")
    var expect: String?

    func run() throws {
        do {
            let flow = try FlowInstance(source: try read(file), path: file)
            let runner = FlowTestRunner(flow: flow)
            let report = try runner.run(
                messages: try read(messages),
                messagesFile: messages,
                expectations: try expect.map(read),
                expectationsFile: expect ?? ""
            )
            if expect == nil {
                for output in report.outputs { print(FlowJSON.encode(output)) }
                return
            }
            for mismatch in report.mismatches { print(mismatch) }
            print("\(file): \(report.outputs.count) outputs, \(report.mismatches.count) mismatches")
            if !report.passed { throw ExitCode(1) }
        } catch let error as FlowError {
            print(error)
            for diagnostic in error.diagnostics where diagnostic.message != error.message { print(diagnostic) }
            throw ExitCode(2)
        }
    }

    private func read(_ path: String) throws(FlowError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FlowError(code: .io, message: "cannot read the file", file: path)
        }
        return String(decoding: data, as: UTF8.self)
    }
}
