/// Feeds a flow messages from a JSON-lines file in virtual time and compares its outputs with
/// an expectation file: the engine of `edgemlops flow test` and of the example-flow tests.
///
/// Input lines: `{"t": 12.5, "verdict": {"label": "ng", "score": 0.9}, "frame": {...}, "topic": "cam1"}`,
/// `{"t": 13, "command": "reset", "payload": 1}`, or `{"t": 20}` to let time pass (timers fire).
/// Each output becomes `{"t":…, "kind":…, "node":…, <fields>}`; an expected line matches when
/// every field it lists is equal in the output (numbers within 1e-9), in order.
public struct FlowTestRunner {
    /// A mismatch between outputs and expectations, with the expectation file's line.
    public struct Mismatch: Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int?
        public var message: String
        public var description: String { "\(file):\(line.map(String.init) ?? "-"): \(message)" }
    }

    public struct Report: Sendable {
        /// Every output as a test record, in order.
        public var outputs: [LuaValue]
        public var mismatches: [Mismatch]
        public var passed: Bool { mismatches.isEmpty }
    }

    public let flow: FlowInstance

    public init(flow: FlowInstance) {
        self.flow = flow
    }

    /// Runs the messages; compares with `expectations` when given.
    public func run(
        messages: String,
        messagesFile: String,
        expectations: String? = nil,
        expectationsFile: String = "expect.jsonl"
    ) throws(FlowError) -> Report {
        let inputs = try Self.lines(messages, file: messagesFile)
        var outputs: [LuaValue] = []
        var started = false
        for (line, record) in inputs {
            guard let time = record["t"]?.numberValue else {
                throw FlowError(
                    code: .json,
                    message: "missing numeric field \"t\" (seconds)",
                    file: messagesFile,
                    line: line
                )
            }
            if !started {
                started = true
                outputs += collect(time) { () throws(FlowError) in try flow.start(now: time) }
            }
            let input = try Self.input(from: record, file: messagesFile, line: line)
            outputs += collect(time) { () throws(FlowError) in
                if let input { return try flow.input(input, now: time) }
                return try flow.tick(now: time)
            }
        }
        var mismatches: [Mismatch] = []
        if let expectations {
            let expected = try Self.lines(expectations, file: expectationsFile)
            for (index, (line, want)) in expected.enumerated() {
                guard index < outputs.count else {
                    mismatches.append(
                        Mismatch(
                            file: expectationsFile,
                            line: line,
                            message: "missing output, expected \(FlowJSON.encode(want))"
                        )
                    )
                    continue
                }
                if !Self.matches(want, outputs[index]) {
                    mismatches.append(
                        Mismatch(
                            file: expectationsFile,
                            line: line,
                            message: "expected \(FlowJSON.encode(want)), got \(FlowJSON.encode(outputs[index]))"
                        )
                    )
                }
            }
            for extra in outputs.dropFirst(expected.count) {
                mismatches.append(
                    Mismatch(file: expectationsFile, line: nil, message: "unexpected output \(FlowJSON.encode(extra))")
                )
            }
        }
        return Report(outputs: outputs, mismatches: mismatches)
    }

    /// Runs one step; a limit or runtime error becomes an `error` record instead of ending the test.
    private func collect(_ time: Double, _ body: () throws(FlowError) -> FlowStep) -> [LuaValue] {
        do {
            return try body().outputs.map(\.testRecord)
        } catch {
            let output = FlowOutput(
                kind: .error,
                flow: flow.name,
                node: "",
                time: time,
                fields: .record(["message": .string(error.description), "type": .string(error.code.description)])
            )
            return [output.testRecord]
        }
    }

    static func lines(_ text: String, file: String) throws(FlowError) -> [(Int, LuaValue)] {
        var result: [(Int, LuaValue)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = trimmed(raw)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("//") { continue }
            let value = try FlowJSON.decode(String(line), file: file, line: index + 1)
            guard case .table = value else {
                throw FlowError(code: .json, message: "each line must be a JSON object", file: file, line: index + 1)
            }
            result.append((index + 1, value))
        }
        return result
    }

    static func trimmed(_ text: Substring) -> Substring {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" || first == "\r" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" { slice = slice.dropLast() }
        return slice
    }

    static func input(from record: LuaValue, file: String, line: Int) throws(FlowError) -> FlowInput? {
        var message = record.tableValue ?? [:]
        message["t"] = nil
        if let command = message["command"] {
            message["command"] = nil
            switch command {
            case .string(let name): message["topic"] = .string(name)
            case .table(let fields):
                for (key, value) in fields { message[key == "name" ? "topic" : key] = value }
            default:
                throw FlowError(code: .json, message: "\"command\" must be a name or an object", file: file, line: line)
            }
            return FlowInput(source: .command, message: .table(message))
        }
        guard let verdict = message["verdict"] else { return nil }
        guard case .string(let label)? = verdict["label"] else {
            throw FlowError(code: .json, message: "\"verdict\" needs a string \"label\"", file: file, line: line)
        }
        if message["payload"] == nil { message["payload"] = .string(label) }
        return FlowInput(source: .verdict, message: .table(message))
    }

    /// True when every field of `expected` is in `actual` with an equal value (recursively).
    public static func matches(_ expected: LuaValue, _ actual: LuaValue) -> Bool {
        switch (expected, actual) {
        case (.table(let want), .table(let got)):
            for (key, value) in want {
                if value == .nil {
                    if got[key] != nil { return false }
                    continue
                }
                guard let other = got[key], matches(value, other) else { return false }
            }
            return true
        default:
            if let a = expected.numberValue, let b = actual.numberValue {
                return a == b || abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
            }
            return expected == actual
        }
    }
}
