import Testing

@testable import EdgeFlows

@Suite("Flow smoke")
struct FlowSmokeTests {
    @Test("a verdict reaches a debug sink through a function node")
    func smoke() throws {
        let h = try FlowHarness(
            """
            return flow {
              name = "smoke",
              nodes = {
                input = verdict {},
                fn = func(function(msg, ctx) msg.payload = msg.verdict.score * 2 return msg end),
                out = debug {},
              },
              wires = { "input -> fn -> out" },
            }
            """
        )
        try h.verdict("ng", score: 0.25)
        let outputs = h.take()
        #expect(outputs.count == 1)
        #expect(outputs.first?.kind == .debug)
        #expect(outputs.first?.fields["value"] == .number(0.5))
        #expect(h.flow.name == "smoke")
    }
}
