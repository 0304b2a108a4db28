import Testing

@testable import EdgeFlows

@Suite("flow check")
struct FlowCheckTests {
    func errors(_ source: String) -> [FlowDiagnostic] {
        FlowInstance.check(source: source, path: "flows/bad.lua").filter { $0.severity == .error }
    }

    @Test("a syntax error names file and line")
    func syntax() {
        let found = errors("return {\n  nodes = {\n    a = verdict {\n  }\n")
        #expect(found.count == 1)
        #expect(found.first?.description.hasPrefix("flows/bad.lua:") == true)
        #expect(found.first?.message.contains("expected") == true)
    }

    @Test(
        "invalid flows are reported with the node's line",
        arguments: [
            ("nodes = { a = verdict {}, b = teleport {} }", "unknown name 'teleport'"),
            ("nodes = { a = verdict {}, b = theshold { above = 1, below = 0 } }", "did you mean 'threshold'"),
            ("nodes = { a = verdict {}, b = threshold { above = 1 } }", "missing required parameter 'below'"),
            ("nodes = { a = verdict {}, b = threshold { above = 1, below = 0, abvoe = 2 } }", "did you mean 'above'"),
            (
                "nodes = { a = verdict {}, b = delay { time = \"5s\" } }",
                "parameter 'time' must be a number, got string"
            ),
            ("nodes = { a = verdict {}, b = window { size = 3, op = \"median\" } }", "must be one of"),
            ("nodes = { a = verdict {}, b = delay { time = -1 } }", "must be positive"),
            ("nodes = { a = interval { every = 0.000001 } }", "every must be at least 0.01 s"),
            ("nodes = { a = verdict {}, b = { type = \"delay\" } }", "is not a node"),
            // A mistyped parameter must not reach the node's own check (which would index it).
            ("nodes = { a = verdict {}, b = switch { rules = 3 } }", "parameter 'rules' must be a table, got number"),
        ]
    )
    func invalid(nodes: String, expected: String) {
        let found = errors("return {\n\(nodes),\n wires = {} }")
        #expect(found.contains { $0.message.contains(expected) }, "\(found)")
        if !expected.contains("not a node") {  // a plain table carries no line; constructors record theirs
            #expect(found.allSatisfy { $0.line == 2 })
        }
    }

    @Test(
        "wiring mistakes are found",
        arguments: [
            ("\"a -> nowhere\"", "unknown node 'nowhere' (dangling wire)"),
            ("\"a -> d\", \"d.high -> s\"", "has no output 'high'"),
            ("\"s -> d\"", "has no outputs"),
            ("\"d -> a\"", "takes no input"),
            ("\"a d\"", "has no '->'"),
            ("\"a -> d -> f -> d\"", "could loop forever"),
        ]
    )
    func wiring(wires: String, expected: String) {
        let source = """
            return { nodes = {
              a = verdict {}, d = change { rules = {} }, f = func(function(m) return m end), s = debug {} },
              wires = { \(wires) } }
            """
        let found = errors(source)
        #expect(found.contains { $0.message.contains(expected) }, "\(found)")
    }

    @Test("a cycle through a delay is only a warning; unreachable nodes are warnings")
    func warnings() throws {
        let source = """
            return { nodes = {
              a = verdict {}, d = delay { time = 1 }, f = func(function(m) return m end),
              lonely = change { rules = {} }, s = debug {} },
              wires = { "a -> f -> d -> f", "f -> s" } }
            """
        let found = FlowInstance.check(source: source, path: "flows/w.lua")
        #expect(found.allSatisfy { $0.severity == .warning })
        #expect(found.contains { $0.message.contains("wiring cycle") })
        #expect(found.contains { $0.node == "lonely" && $0.message.contains("unreachable") && $0.line == 3 })
    }

    @Test("a file that does not return a table is refused")
    func notATable() {
        #expect(errors("return 42").first?.message.contains("must return a table") == true)
        #expect(errors("return { nodes = {}, wire = {} }").first?.message.contains("unknown flow field 'wire'") == true)
    }

    @Test("a top-level infinite loop in a flow file is stopped at load")
    func loopAtLoad() {
        let found = errors("while true do end")
        #expect(found.first?.message.contains("flow exceeded") == true)
    }
}
