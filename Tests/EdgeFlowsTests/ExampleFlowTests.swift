import Foundation
import Testing

@testable import EdgeFlows

/// Runs every `flows/*.lua` with its `<name>.test.jsonl` and `<name>.expect.jsonl`, so
/// `make test` fails when an example flow or the engine under it changes behaviour.
@Suite("Example flows")
struct ExampleFlowTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("flows").path

    static func flows() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".lua") }.sorted()
    }

    @Test("there are example flows, each with a test and an expectation file")
    func examplesExist() {
        let flows = Self.flows()
        #expect(flows.count >= 4)
        for flow in flows {
            let base = Self.directory + "/" + flow.dropLast(4)
            #expect(FileManager.default.fileExists(atPath: base + ".test.jsonl"), "\(flow) has no test file")
            #expect(FileManager.default.fileExists(atPath: base + ".expect.jsonl"), "\(flow) has no expectations")
        }
    }

    @Test("the example flow passes its test", arguments: flows())
    func example(file: String) throws {
        let base = Self.directory + "/" + file.dropLast(4)
        let path = "flows/" + file
        #expect(
            FlowInstance.check(source: try String(contentsOfFile: base + ".lua", encoding: .utf8), path: path).isEmpty
        )
        let flow = try FlowInstance(source: try String(contentsOfFile: base + ".lua", encoding: .utf8), path: path)
        let report = try FlowTestRunner(flow: flow).run(
            messages: try String(contentsOfFile: base + ".test.jsonl", encoding: .utf8),
            messagesFile: base + ".test.jsonl",
            expectations: try String(contentsOfFile: base + ".expect.jsonl", encoding: .utf8),
            expectationsFile: base + ".expect.jsonl"
        )
        #expect(report.mismatches.isEmpty, "\(report.mismatches)")
        #expect(!report.outputs.isEmpty)
    }
}

@Suite("Flow test runner")
struct FlowTestRunnerTests {
    static let flow = """
        return { nodes = { src = verdict {}, cmd = command {}, d = delay { time = 5 }, out = debug {} },
                 wires = { "src -> d -> out", "cmd -> out" } }
        """

    func run(_ messages: String, expect: String? = nil) throws -> FlowTestRunner.Report {
        let instance = try FlowInstance(source: Self.flow, path: "flows/r.lua")
        return try FlowTestRunner(flow: instance).run(
            messages: messages,
            messagesFile: "in.jsonl",
            expectations: expect,
            expectationsFile: "out.jsonl"
        )
    }

    @Test("virtual time from `t` drives timers; commands and ticks are understood")
    func virtualTime() throws {
        let report = try run(
            """
            {"t": 0, "verdict": {"label": "ng", "score": 0.9}}
            # a comment line
            {"t": 1, "command": {"name": "reset", "payload": 7}}
            {"t": 10}
            """,
            expect: """
                {"t": 1, "kind": "debug", "value": 7}
                {"t": 5, "value": "ng"}
                """
        )
        #expect(report.passed, "\(report.mismatches)")
    }

    @Test("mismatches, missing and unexpected outputs are reported with the expectation line")
    func mismatches() throws {
        let messages = "{\"t\": 0, \"verdict\": {\"label\": \"ng\", \"score\": 1}}\n{\"t\": 9}"
        let wrong = try run(messages, expect: "{\"t\": 6, \"value\": \"ng\"}")
        #expect(wrong.mismatches.map(\.line) == [1])
        let missing = try run(messages, expect: "{\"value\": \"ng\"}\n{\"value\": \"again\"}")
        #expect(missing.mismatches.first?.message.hasPrefix("missing output") == true)
        let extra = try run(messages, expect: "")
        #expect(extra.mismatches.first?.message.hasPrefix("unexpected output") == true)
    }

    @Test(
        "bad input lines name the file and line",
        arguments: [
            "{\"verdict\": {\"label\": \"x\"}}", "{\"t\": 1, \"verdict\": {\"score\": 1}}", "{\"t\": 1,,}", "[1]",
        ]
    )
    func badInput(line: String) throws {
        let error = try #require(throws: FlowError.self) { try run("{\"t\": 0}\n" + line) }
        #expect(error.file == "in.jsonl")
        #expect(error.line == 2)
    }
}
