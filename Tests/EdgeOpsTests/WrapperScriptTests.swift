import EdgeOps
import EdgeTestSupport
import Foundation
import Testing

/// Runs `packaging/sm-plugins/edgemlops-{model,flow}` the way thin-edge does: exit codes must pass
/// through the wrapper and each wrapper must select its own software type.
@Suite(
    "sm-plugin wrapper scripts",
    .enabled(if: EdgeMLOpsBinary.path != nil, "needs the edgemlops binary next to the test bundle")
)
struct WrapperScriptTests {
    static let packaging = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("packaging/sm-plugins").path

    let tmp = TemporaryDirectory()

    func run(_ kind: ArtifactKind, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = tmp.path + "/\(UUID().uuidString).log"
        let child = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: [
                "EDGEMLOPS_BIN=\(EdgeMLOpsBinary.path!)", "EDGEMLOPS_STATE_DIR=\(tmp.path)/state",
                "EDGEMLOPS_FLOWS_DIR=\(tmp.path)/flows", Self.packaging + "/" + kind.softwareType,
            ] + arguments,
            outputPath: log
        )
        let raw = child.wait()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (raw & 0x7F == 0 ? (raw >> 8) & 0xFF : -1, output)
    }

    @Test func exitCodesAndTypesPassThrough() throws {
        try tmp.write("m.onnx", try Fixtures.onnx())
        let flow = """
            return flow {
              name = "f",
              nodes = { parts = verdict {}, keep = sample { reason = "test" } },
              wires = { "parts -> keep" },
            }
            """
        try tmp.write("f.lua", Array(flow.utf8))
        #expect(try run(.model, ["list"]) == (0, ""))
        #expect(try run(.model, ["install"]).status == 1)
        #expect(try run(.model, ["install", "m", "--module-version", "1", "--file", tmp.path + "/absent"]).status == 2)
        #expect(try run(.model, ["install", "m", "--module-version", "1", "--file", tmp.path + "/m.onnx"]).status == 0)
        #expect(try run(.flow, ["install", "f", "--module-version", "3", "--file", tmp.path + "/f.lua"]).status == 0)
        #expect(try run(.model, ["list"]) == (0, "m\t1\n"))
        #expect(try run(.flow, ["list"]) == (0, "f\t3\n"))
        // The CLI plugs the flow engine's checker in: a broken flow is refused, the old one stays.
        try tmp.write("broken.lua", Array("return {{{".utf8))
        let broken = try run(.flow, ["install", "f", "--module-version", "4", "--file", tmp.path + "/broken.lua"])
        #expect(broken.status == 2)
        #expect(broken.output.contains("flow check"))
        #expect(try run(.flow, ["list"]) == (0, "f\t3\n"))
    }
}
